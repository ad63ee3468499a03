package dev.streampredict.benchmark;

import dev.streampredict.common.kafka.Topics;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.table.api.bridge.java.StreamTableEnvironment;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

/**
 * The peer's 784-feature JSON backlog drained by Flink SQL: a Kafka table, ML_PREDICT with the registry's model
 * (micro-batched on the async path, or one row per call), into a Kafka table, in a local environment of this JVM
 * as {@link PipelineRuns} runs the DataStream job. Each prediction's time is its Kafka record's timestamp, set when
 * the sink sends it.
 */
final class SqlRuns {

    private static final int FEATURES = 784;
    /** Rows in flight in the async operator, and so the largest batch: the job's --batch-size. */
    private static final int IN_FLIGHT = 128;

    private final String bootstrap;
    private final String registryTopic;

    SqlRuns(String bootstrap, String registryTopic) {
        this.bootstrap = bootstrap;
        this.registryTopic = registryTopic;
    }

    PipelineRuns.Drained drain(String input, long count, int parallelism, boolean async) throws Exception {
        String out = "sql-out-" + parallelism + "-" + async + "-" + UUID.randomUUID();
        Topics.ensure(bootstrap, Map.of(out, 4));
        StreamTableEnvironment sql = StreamTableEnvironment.create(
                StreamExecutionEnvironment.createLocalEnvironment(parallelism, new Configuration()));
        List<String> names = IntStream.range(0, FEATURES).mapToObj(i -> "f" + i).toList();
        String columns = names.stream().map(n -> n + " DOUBLE").collect(Collectors.joining(", "));
        String kafka = "'properties.bootstrap.servers' = '" + bootstrap + "', 'format' = 'json'";
        sql.executeSql("CREATE TABLE records (id STRING, features ROW<" + columns + ">) WITH ('connector' = 'kafka', "
                + "'topic' = '" + input + "', 'scan.startup.mode' = 'earliest-offset', "
                + "'scan.bounded.mode' = 'latest-offset', " + kafka + ")");
        sql.executeSql("CREATE TEMPORARY VIEW images AS SELECT id, " + names.stream()
                .map(n -> "features." + n + " AS " + n).collect(Collectors.joining(", ")) + " FROM records");
        sql.executeSql("CREATE TABLE predictions (id STRING, digit STRING, probability DOUBLE) WITH ("
                + "'connector' = 'kafka', 'topic' = '" + out + "', " + kafka + ")");
        sql.executeSql("CREATE TEMPORARY MODEL ffnn INPUT (" + columns + ") OUTPUT (digit STRING, "
                + "probability DOUBLE) WITH ('provider' = 'stream-predict', 'registry.topic' = '" + registryTopic
                + "', 'properties.bootstrap.servers' = '" + bootstrap + "', 'batch.size' = '" + IN_FLIGHT + "')");
        sql.executeSql("INSERT INTO predictions SELECT id, digit, probability FROM ML_PREDICT(TABLE images, "
                + "MODEL ffnn, DESCRIPTOR(" + String.join(", ", names) + "), MAP['async', '" + async + "', "
                + "'max-concurrent-operations', '" + IN_FLIGHT + "'])").await();
        long[] times = new long[Math.toIntExact(count)];
        int seen = 0;
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ConsumerConfig.GROUP_ID_CONFIG, "sql-benchmark-" + UUID.randomUUID(),
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest"),
                new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            consumer.subscribe(List.of(out));
            while (seen < count) {
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(500))) {
                    times[seen++] = r.timestamp();
                }
            }
        }
        Arrays.sort(times);
        return new PipelineRuns.Drained(times);
    }
}
