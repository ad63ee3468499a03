package dev.streampredict.job.pipeline;

import dev.streampredict.common.message.RejectReason;
import dev.streampredict.job.records.DeadLetter;
import dev.streampredict.job.records.RawRecord;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.connector.kafka.sink.KafkaSink;
import org.apache.flink.connector.kafka.source.KafkaSource;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.junit.jupiter.api.Test;

import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.entry;

/**
 * The Kafka source and sinks as the job builds them, checked without a broker: the settings a broker test would
 * only reveal by failing (a transaction timeout the broker refuses, uncommitted reads, a user's setting lost).
 * The connector keeps its configuration private, so it is read by reflection.
 */
class KafkaIOTest {

    private static KafkaSettings settings(DeliveryGuarantee guarantee) {
        return new KafkaSettings("127.0.0.1:9092", "in", "out", "dlq", "models", "models-status", "shadow", "group",
                KafkaSettings.StartingOffsets.EARLIEST, null, false, guarantee, "tp",
                Map.of("linger.ms", "0", "security.protocol", "SSL"));
    }

    @Test
    void anExactlyOnceSinkIsTransactionalWithItsOwnIdPrefixAndTheUsersSettingsOverTheTuning() throws Exception {
        KafkaSink<?> sink = KafkaIO.predictionSink(settings(DeliveryGuarantee.EXACTLY_ONCE));

        assertThat(producerConfig(sink)).contains(
                entry("transaction.timeout.ms", "900000"),
                entry("acks", "all"),
                entry("compression.type", "lz4"),
                entry("batch.size", Integer.toString(256 * 1024)),
                entry("linger.ms", "0"), // the user's, over the tuning's 5
                entry("security.protocol", "SSL"),
                entry("bootstrap.servers", "127.0.0.1:9092"));
        assertThat(field(sink, "transactionalIdPrefix")).isEqualTo("tp-predictions");
        assertThat(field(KafkaIO.deadLetterSink(settings(DeliveryGuarantee.EXACTLY_ONCE)), "transactionalIdPrefix"))
                .as("each sink its own transactions").isEqualTo("tp-dead-letters");
    }

    @Test
    void anAtLeastOnceSinkHasNoTransactions() throws Exception {
        KafkaSink<?> sink = KafkaIO.predictionSink(settings(DeliveryGuarantee.AT_LEAST_ONCE));

        // the connector's own default timeout stays (it means nothing without transactions), not the job's 15 min
        assertThat(producerConfig(sink)).doesNotContainEntry("transaction.timeout.ms", "900000")
                .contains(entry("acks", "all"));
        assertThat(field(sink, "deliveryGuarantee")).isEqualTo(DeliveryGuarantee.AT_LEAST_ONCE);
    }

    @Test
    void theSourceReadsOnlyCommittedRecordsWithTheUsersSettings() throws Exception {
        KafkaSource<RawRecord> source = KafkaIO.source(settings(DeliveryGuarantee.AT_LEAST_ONCE));

        assertThat(toMap((Properties) field(source, "props"))).contains(
                entry("isolation.level", "read_committed"),
                entry("security.protocol", "SSL"),
                entry("group.id", "group"),
                entry("partition.discovery.interval.ms", "30000"));
    }

    @Test
    void aDeadLetterIsTheOriginalBytesWithWhatWentWrongAndWhereItCameFromAsHeaders() {
        byte[] value = "{not json".getBytes(StandardCharsets.UTF_8);
        RawRecord source = new RawRecord("k".getBytes(StandardCharsets.UTF_8), value, "in", 3, 42L, 7L);
        ProducerRecord<byte[], byte[]> record = new KafkaIO.DeadLetterSerializer("dlq").serialize(
                new DeadLetter(source, RejectReason.MALFORMED_JSON, "not valid JSON", 1000L), null, null);

        assertThat(record.topic()).isEqualTo("dlq");
        assertThat(record.value()).isSameAs(value);
        assertThat(record.key()).isEqualTo("k".getBytes(StandardCharsets.UTF_8));
        Map<String, String> headers = new LinkedHashMap<>();
        for (Header h : record.headers()) {
            headers.put(h.key(), new String(h.value(), StandardCharsets.UTF_8));
        }
        assertThat(headers).containsExactly(
                entry(KafkaIO.HEADER_REASON, "malformed_json"),
                entry(KafkaIO.HEADER_DETAIL, "not valid JSON"),
                entry(KafkaIO.HEADER_TOPIC, "in"),
                entry(KafkaIO.HEADER_PARTITION, "3"),
                entry(KafkaIO.HEADER_OFFSET, "42"),
                entry(KafkaIO.HEADER_REJECTED_AT, "1000"));
    }

    private static Map<String, String> producerConfig(KafkaSink<?> sink) throws Exception {
        Method config = KafkaSink.class.getDeclaredMethod("getKafkaProducerConfig");
        config.setAccessible(true);
        return toMap((Properties) config.invoke(sink));
    }

    private static Object field(Object target, String name) throws Exception {
        Field field = target.getClass().getDeclaredField(name);
        field.setAccessible(true);
        return field.get(target);
    }

    private static Map<String, String> toMap(Properties properties) {
        Map<String, String> map = new LinkedHashMap<>();
        properties.forEach((k, v) -> map.put(k.toString(), v.toString()));
        return map;
    }
}
