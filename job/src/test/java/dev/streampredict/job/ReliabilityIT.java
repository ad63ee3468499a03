package dev.streampredict.job;

import dev.streampredict.common.csv.CsvRecordReader;
import dev.streampredict.common.csv.CsvSpec;
import dev.streampredict.common.kafka.Topics;
import dev.streampredict.common.message.InputRecord;
import dev.streampredict.common.message.JsonInputCodec;
import dev.streampredict.common.message.Prediction;
import dev.streampredict.common.message.RejectReason;
import dev.streampredict.job.metrics.InputMetrics;
import dev.streampredict.job.metrics.ScoringMetrics;
import dev.streampredict.job.pipeline.KafkaIO;
import dev.streampredict.model.ModelArtifact;
import dev.streampredict.model.Predictor;
import dev.streampredict.producer.InputProducer;
import dev.streampredict.testing.Await;
import dev.streampredict.testing.InBackground;
import dev.streampredict.testing.KafkaBrokerExtension;
import dev.streampredict.testing.MiniClusters;
import dev.streampredict.testing.ReportedMetrics;
import dev.streampredict.testing.TopicReader;
import dev.streampredict.training.ClassificationTraining;
import dev.streampredict.training.FitOptions;
import org.apache.flink.api.common.JobID;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.StateRecoveryOptions;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.core.execution.SavepointFormatType;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.runtime.testutils.InMemoryReporter;
import org.apache.flink.test.junit5.InjectMiniCluster;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Collectors;

import static dev.streampredict.job.PipelineTesting.assertForecastsUseEachKeysWholeHistory;
import static dev.streampredict.job.PipelineTesting.awaitRunning;
import static dev.streampredict.job.PipelineTesting.byKeyInOrder;
import static dev.streampredict.job.PipelineTesting.header;
import static dev.streampredict.job.PipelineTesting.readPredictions;
import static dev.streampredict.job.PipelineTesting.sendInBackground;
import static dev.streampredict.job.PipelineTesting.startJob;
import static dev.streampredict.job.PipelineTesting.syntheticRecords;
import static dev.streampredict.job.PipelineTesting.trainSyntheticModel;
import static dev.streampredict.testing.ReportedMetrics.sum;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * What users trust the job with, on a real broker and MiniCluster: bad input never crashes it nor vanishes,
 * exactly-once survives a lost task manager, and a savepoint carries every key's window across a restart.
 */
class ReliabilityIT {

    private static final int KEYS = 6;
    private static final InMemoryReporter REPORTER = InMemoryReporter.createWithRetainedMetrics();

    @RegisterExtension
    static final MiniClusterExtension FLINK = MiniClusters.reportingTo(REPORTER, 1, 2);

    @RegisterExtension
    static final KafkaBrokerExtension KAFKA = new KafkaBrokerExtension();

    @TempDir
    static Path dir;
    private static Path seriesModel;

    @BeforeAll
    static void train() throws Exception {
        seriesModel = trainSyntheticModel(dir, KEYS);
    }

    @AfterEach
    void cancelLeftoverJobs(@InjectMiniCluster MiniCluster cluster) throws Exception {
        MiniClusters.cancelRunningJobs(cluster);
    }

    @Test
    void everyKindOfBadInputIsDeadLetteredWithItsReasonAndCountedWhileValidInputIsScored() throws Exception {
        Path model = trainIrisClassifier();
        List<InputRecord> valid = irisAsFiveKeys();
        long now = System.currentTimeMillis();
        String head = "\"id\":\"%s\",\"key\":\"flower-1\",\"timestamp\":" + now;
        String flower = "\"sepal_length\":5.1,\"sepal_width\":3.5,\"petal_length\":1.4,\"petal_width\":0.2";
        Map<String, List<String>> bad = new TreeMap<>();
        bad.put("empty", List.of(""));
        bad.put("too_large", List.of("{" + head.formatted("big") + ",\"features\":{" + flower + "},\"label\":\""
                + "x".repeat(5_000) + "\"}"));
        bad.put("malformed_json", List.of("{\"id\":\"m\",\"key\":", "[1,2,3]"));
        bad.put("missing_field", List.of("{\"id\":\"nt\",\"key\":\"flower-1\",\"features\":{" + flower + "}}"));
        bad.put("unknown_field", List.of("{" + head.formatted("uf") + ",\"features\":{" + flower
                + "},\"colour\":\"red\"}"));
        bad.put("wrong_type", List.of("{\"id\":\"wt\",\"key\":\"flower-1\",\"timestamp\":\"yesterday\",\"features\":{"
                + flower + "}}"));
        bad.put("non_finite", List.of(
                "{" + head.formatted("nan") + ",\"features\":{" + flower.replace("5.1", "NaN") + "}}",
                "{" + head.formatted("inf") + ",\"features\":{" + flower.replace("5.1", "Infinity") + "}}"));
        bad.put("unknown_feature", List.of("{" + head.formatted("ufe") + ",\"features\":{" + flower
                + ",\"beak_length_mm\":40.1}}"));
        bad.put("missing_feature", List.of("{" + head.formatted("mf") + ",\"features\":{"
                + flower.replace(",\"petal_width\":0.2", "") + "}}"));
        bad.put("timestamp_out_of_range", List.of(
                "{\"id\":\"past\",\"key\":\"flower-1\",\"timestamp\":" + (now - TimeUnit.DAYS.toMillis(2))
                        + ",\"features\":{" + flower + "}}",
                "{\"id\":\"future\",\"key\":\"flower-1\",\"timestamp\":" + (now + TimeUnit.DAYS.toMillis(2))
                        + ",\"features\":{" + flower + "}}"));
        // finite, so valid input, but beyond float32: the network can only answer NaN
        bad.put("non_finite_prediction", List.of("{" + head.formatted("huge") + ",\"features\":{"
                + flower.replace("5.1", "1e300").replace("3.5", "-1e300") + "}}"));
        InputRecord repeated = valid.get(7);
        bad.put("duplicate_id", List.of(new String(JsonInputCodec.toJson(repeated), StandardCharsets.UTF_8)));
        // model_error needs a model that throws, which no trained network does on demand, and late_value a
        // forecaster with --allowed-lateness: ModelScorerTest has both; this job reads JSON, so Avro's own reasons
        // are PredictionPipelineIT's (its Avro job)
        Set<RejectReason> elsewhere = Set.of(RejectReason.MODEL_ERROR, RejectReason.LATE_VALUE,
                RejectReason.MALFORMED_AVRO, RejectReason.UNKNOWN_SCHEMA);
        assertThat(bad.keySet()).as("every reason is exercised")
                .containsExactlyInAnyOrderElementsOf(Arrays.stream(RejectReason.values())
                        .filter(r -> !elsewhere.contains(r)).map(RejectReason::label).toList());

        Topics.ensure(KAFKA.bootstrapServers(), Map.of("bad-in", 2, "bad-out", 2, "bad-dlq", 1));
        try (InputProducer producer = new InputProducer(KAFKA.bootstrapServers(), "bad-in")) {
            List<String> malformed = bad.entrySet().stream().filter(e -> !e.getKey().equals("duplicate_id"))
                    .flatMap(e -> e.getValue().stream()).toList();
            for (int i = 0; i < valid.size(); i++) {
                producer.send(valid.get(i));
                if (i % 10 == 5 && i / 10 < malformed.size()) { // bad records between valid ones
                    producer.sendRaw("flower-1", malformed.get(i / 10).getBytes(StandardCharsets.UTF_8));
                }
                if (i == 20) {
                    producer.send(repeated); // same bytes, same Kafka key, a few records after the original
                }
            }
            producer.flush();
        }

        // no checkpoints, so no restart strategy: any exception from input would fail the job, not hide in restarts
        JobClient job = startJob(new Configuration(), "--bootstrap-servers", KAFKA.bootstrapServers(),
                "--input-topic", "bad-in", "--predictions-topic", "bad-out", "--dead-letter-topic", "bad-dlq",
                "--model", model.toString(), "--bounded", "--starting-offsets", "earliest",
                "--checkpoint-interval", "0", "--max-message-bytes", "4096",
                "--earliest-event-time", Long.toString(now - TimeUnit.DAYS.toMillis(1)), "--job-name", "bad-input-it");
        job.getJobExecutionResult().get(5, TimeUnit.MINUTES);

        List<Prediction> predictions = readPredictions(KAFKA.bootstrapServers(), "bad-out", valid.size(),
                Duration.ofSeconds(60));
        assertThat(predictions).extracting(Prediction::id)
                .containsExactlyInAnyOrderElementsOf(valid.stream().map(InputRecord::id).toList());

        int badCount = bad.values().stream().mapToInt(List::size).sum();
        List<ConsumerRecord<byte[], byte[]>> dead = TopicReader.awaitRecords(KAFKA.bootstrapServers(), "bad-dlq",
                badCount, Duration.ofSeconds(30));
        Map<String, List<String>> deadByReason = dead.stream().collect(Collectors.groupingBy(
                r -> header(r, KafkaIO.HEADER_REASON), TreeMap::new,
                Collectors.mapping(r -> new String(r.value(), StandardCharsets.UTF_8), Collectors.toList())));
        assertThat(deadByReason).containsOnlyKeys(bad.keySet());
        bad.forEach((reason, values) ->
                assertThat(deadByReason.get(reason)).as(reason).containsExactlyInAnyOrderElementsOf(values));
        assertThat(dead).allSatisfy(r -> {
            assertThat(header(r, KafkaIO.HEADER_TOPIC)).isEqualTo("bad-in");
            assertThat(header(r, KafkaIO.HEADER_DETAIL)).isNotBlank();
            assertThat(Long.parseLong(header(r, KafkaIO.HEADER_REJECTED_AT))).isGreaterThanOrEqualTo(now);
        });

        JobID id = job.getJobID();
        for (Map.Entry<String, List<String>> reason : bad.entrySet()) {
            assertThat(sum(REPORTER, id, ".reason." + reason.getKey() + ".", InputMetrics.INVALID_RECORDS))
                    .as("invalid_records_total{reason=%s}", reason.getKey()).isEqualTo(reason.getValue().size());
        }
    }

    @Test
    void exactlyOnceGivesEveryInputOnePredictionAcrossALostTaskManager(@InjectMiniCluster MiniCluster cluster)
            throws Exception {
        int count = 3_000;
        List<InputRecord> inputs = syntheticRecords(KEYS, count, 5);
        Topics.ensure(KAFKA.bootstrapServers(), Map.of("eo-in", 2, "eo-out", 2, "eo-dlq", 1));
        JobClient job = startJob(new Configuration(), "--bootstrap-servers", KAFKA.bootstrapServers(),
                "--input-topic", "eo-in", "--predictions-topic", "eo-out", "--dead-letter-topic", "eo-dlq",
                "--model", seriesModel.toString(), "--starting-offsets", "earliest",
                "--delivery-guarantee", "exactly-once", "--checkpoint-interval", "500ms",
                "--checkpoint-dir", dir.resolve("checkpoints").toUri().toString(),
                "--transactional-id-prefix", "eo-it", "--job-name", "exactly-once-it");
        awaitRunning(job);

        InBackground producer = sendInBackground(KAFKA.bootstrapServers(), "eo-in", inputs, 500);
        // fail once some predictions are committed and more are on the way, so the failure cuts through the stream
        assertThat(readPredictions(KAFKA.bootstrapServers(), "eo-out", 600, Duration.ofSeconds(60)))
                .hasSizeGreaterThanOrEqualTo(600);
        cluster.terminateTaskManager(0).get(30, TimeUnit.SECONDS);
        cluster.startTaskManager();
        producer.await(Duration.ofSeconds(60));

        List<Prediction> predictions = readPredictions(KAFKA.bootstrapServers(), "eo-out", count,
                Duration.ofSeconds(120));
        assertThat(sum(REPORTER, job.getJobID(), "numRestarts")).as("the job restarted").isGreaterThanOrEqualTo(1);
        // in --checkpoint-dir, not in JobManager memory, which caps state at 5 MB
        try (var checkpoints = Files.list(dir.resolve("checkpoints").resolve(job.getJobID().toHexString()))) {
            assertThat(checkpoints.map(p -> p.getFileName().toString())).anyMatch(name -> name.startsWith("chk-"));
        }
        job.cancel().get(30, TimeUnit.SECONDS);

        Map<String, Long> perId = predictions.stream()
                .collect(Collectors.groupingBy(Prediction::id, Collectors.counting()));
        assertThat(perId).as("none duplicated").allSatisfy((id, n) -> assertThat(n).isOne());
        assertThat(perId.keySet()).as("none lost").containsExactlyInAnyOrderElementsOf(
                inputs.stream().map(InputRecord::id).toList());
        // the windows came back from the checkpoint: no key started cold after the failure
        assertForecastsUseEachKeysWholeHistory(predictions, ModelArtifact.load(seriesModel.toString()));
    }

    @Test
    void afterStopWithSavepointAndRestoreEveryKeyContinuesWithItsFullWindow() throws Exception {
        List<InputRecord> inputs = syntheticRecords(KEYS, 1_200, 11);
        List<InputRecord> before = inputs.subList(0, 600);
        List<InputRecord> after = inputs.subList(600, inputs.size());
        Topics.ensure(KAFKA.bootstrapServers(), Map.of("sp-in", 2, "sp-out", 2, "sp-dlq", 1));
        String[] args = {"--bootstrap-servers", KAFKA.bootstrapServers(), "--input-topic", "sp-in",
                "--predictions-topic", "sp-out", "--dead-letter-topic", "sp-dlq", "--model", seriesModel.toString(),
                "--starting-offsets", "earliest", "--checkpoint-interval", "1s", "--job-name", "savepoint-it"};
        send("sp-in", before);
        JobClient first = startJob(new Configuration(), args);
        awaitRunning(first);
        assertThat(readPredictions(KAFKA.bootstrapServers(), "sp-out", before.size(), Duration.ofSeconds(60)))
                .hasSize(before.size());
        String savepoint = first.stopWithSavepoint(false, dir.resolve("savepoints").toUri().toString(),
                SavepointFormatType.CANONICAL).get(60, TimeUnit.SECONDS);

        send("sp-in", after);
        Configuration restore = new Configuration();
        restore.set(StateRecoveryOptions.SAVEPOINT_PATH, savepoint);
        JobClient second = startJob(restore, args);
        List<Prediction> predictions = readPredictions(KAFKA.bootstrapServers(), "sp-out", inputs.size(),
                Duration.ofSeconds(90));
        second.cancel().get(30, TimeUnit.SECONDS);

        assertThat(predictions).extracting(Prediction::id)
                .containsExactlyInAnyOrderElementsOf(inputs.stream().map(InputRecord::id).toList());
        Map<String, Prediction> byId = predictions.stream()
                .collect(Collectors.toMap(Prediction::id, Function.identity()));
        for (String key : byKeyInOrder(predictions).keySet()) {
            InputRecord firstAfterRestore = after.stream().filter(r -> r.key().equals(key)).findFirst().orElseThrow();
            assertThat(byId.get(firstAfterRestore.id()).windowFill()).as("first window of %s after restore", key)
                    .isEqualTo(PipelineTesting.WINDOW);
        }
        Predictor model = ModelArtifact.load(seriesModel.toString());
        assertForecastsUseEachKeysWholeHistory(predictions, model);
    }

    @Test
    void aProducerFasterThanTheJobIsAbsorbedByBackpressureAndTheLagDrains() throws Exception {
        int count = 40_000;
        Topics.ensure(KAFKA.bootstrapServers(), Map.of("load-in", 2, "load-out", 2, "load-dlq", 1));
        send("load-in", syntheticRecords(200, count, 13));
        JobClient job = startJob(new Configuration(), "--bootstrap-servers", KAFKA.bootstrapServers(),
                "--input-topic", "load-in", "--predictions-topic", "load-out", "--dead-letter-topic", "load-dlq",
                "--model", seriesModel.toString(), "--starting-offsets", "earliest", "--checkpoint-interval", "1s",
                // one unbatched scorer: slow enough that the backlog cannot be read faster than it is scored
                "--parallelism", "1", "--batch-size", "1", "--job-name", "overload-it");
        JobID id = job.getJobID();
        awaitRunning(job);

        long start = System.nanoTime();
        double[] maxLagAndBackpressure = {0, 0};
        Await.until("the job to catch up", Duration.ofMinutes(3), () -> {
            maxLagAndBackpressure[0] = Math.max(maxLagAndBackpressure[0],
                    ReportedMetrics.sumOrZero(REPORTER, id, "pendingRecords"));
            maxLagAndBackpressure[1] = Math.max(maxLagAndBackpressure[1],
                    ReportedMetrics.sumOrZero(REPORTER, id, "backPressuredTimeMsPerSecond"));
            return ReportedMetrics.sumOrZero(REPORTER, id, ScoringMetrics.PREDICTIONS) >= count;
        });
        double caughtUpAfter = (System.nanoTime() - start) / 1e9;
        // the lag gauge follows the consumer's fetch position, a moment behind the last prediction
        Await.until("no lag once caught up", Duration.ofSeconds(10), () -> sum(REPORTER, id, "pendingRecords") == 0);
        job.cancel().get(30, TimeUnit.SECONDS);

        System.out.printf("overload: %d records caught up in %.1f s; max lag %.0f records, max backpressure "
                + "%.0f ms/s%n", count, caughtUpAfter, maxLagAndBackpressure[0], maxLagAndBackpressure[1]);
        assertThat(maxLagAndBackpressure[0]).as("records waiting in Kafka while the job was behind")
                .isGreaterThan(1_000);
        assertThat(maxLagAndBackpressure[1]).as("the source was held back, not buffering without bound")
                .isPositive();
    }

    private static Path trainIrisClassifier() throws Exception {
        List<InputRecord> iris = CsvRecordReader.readAll(
                new CsvSpec(Path.of("..", "data", "iris.csv"), null, "iris", null, List.of(), "species"), r -> {
                });
        Path modelDir = dir.resolve("iris-model");
        ClassificationTraining.train(iris, new ClassificationTraining.Settings("iris-species", "iris.csv",
                        List.copyOf(iris.get(0).features().keySet()), 0.2, 0.2,
                        new FitOptions(List.of(16), 50, 5, 16, 0.01, 42)),
                new PrintStream(OutputStream.nullOutputStream())).save(modelDir);
        return modelDir;
    }

    private static List<InputRecord> irisAsFiveKeys() throws Exception {
        List<InputRecord> iris = CsvRecordReader.readAll(
                new CsvSpec(Path.of("..", "data", "iris.csv"), null, "iris", null, List.of(), "species"), r -> {
                });
        long now = System.currentTimeMillis();
        List<InputRecord> keyed = new ArrayList<>();
        for (int i = 0; i < iris.size(); i++) {
            InputRecord r = iris.get(i);
            keyed.add(new InputRecord(r.id(), "flower-" + (i % 5), now, r.features(), r.label()));
        }
        return keyed;
    }

    private static void send(String topic, List<InputRecord> records) {
        try (InputProducer producer = new InputProducer(KAFKA.bootstrapServers(), topic)) {
            records.forEach(producer::send);
            producer.flush();
        }
    }
}
