package dev.streampredict.job;

import dev.streampredict.common.kafka.Topics;
import dev.streampredict.common.message.InputRecord;
import dev.streampredict.common.message.Prediction;
import dev.streampredict.common.message.PredictionCodec;
import dev.streampredict.job.metrics.ModelMetrics;
import dev.streampredict.job.metrics.ScoringMetrics;
import dev.streampredict.model.ModelArchive;
import dev.streampredict.model.TestArtifacts;
import dev.streampredict.registry.ModelCommand;
import dev.streampredict.registry.ModelRegistry;
import dev.streampredict.registry.RegistryEntry;
import dev.streampredict.registry.RegistryRecords;
import dev.streampredict.producer.SyntheticSeries;
import dev.streampredict.testing.Await;
import dev.streampredict.testing.KafkaBrokerExtension;
import dev.streampredict.testing.MiniClusters;
import dev.streampredict.testing.ReportedMetrics;
import dev.streampredict.testing.TopicReader;
import dev.streampredict.testing.TopicWriter;
import org.apache.flink.api.common.JobID;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.StateRecoveryOptions;
import org.apache.flink.core.execution.SavepointFormatType;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.runtime.testutils.InMemoryReporter;
import org.apache.flink.test.junit5.InjectMiniCluster;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Collectors;

import static dev.streampredict.job.PipelineTesting.assertForecastsUseEachKeysWholeHistory;
import static dev.streampredict.job.PipelineTesting.awaitRunning;
import static dev.streampredict.job.PipelineTesting.byKeyInOrder;
import static dev.streampredict.job.PipelineTesting.readPredictions;
import static dev.streampredict.job.PipelineTesting.startJob;
import static dev.streampredict.job.PipelineTesting.trainSyntheticModel;
import static dev.streampredict.testing.ReportedMetrics.sum;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * Models changed while the job runs, on a real broker and MiniCluster, in exactly-once mode under a steady stream:
 * a new stable version, refused artifacts, a shadow, a promotion and a rollback, each published to the registry
 * topic as a user would; the shadow promoted and rolled back is an ONNX model between DL4J ones.
 */
class ModelSwapIT {

    private static final int KEYS = 12;
    private static final int PARALLELISM = 2;
    private static final InMemoryReporter REPORTER = InMemoryReporter.createWithRetainedMetrics();

    @RegisterExtension
    static final MiniClusterExtension FLINK = MiniClusters.reportingTo(REPORTER, 1, PARALLELISM);

    @RegisterExtension
    static final KafkaBrokerExtension KAFKA = new KafkaBrokerExtension();

    @TempDir
    static Path dir;
    private static ModelArchive a;
    private static ModelArchive b;
    /** An ONNX model beside the DL4J ones: swaps, shadow, promotion and rollback cross runtimes. */
    private static ModelArchive c;

    @BeforeAll
    static void train() throws Exception {
        a = ModelArchive.of(trainSyntheticModel(dir, "model-a", KEYS, 8, 1).toString());
        b = ModelArchive.of(trainSyntheticModel(dir, "model-b", KEYS, 6, 2).toString());
        c = TestArtifacts.onnxForecaster("model-c-onnx", SyntheticSeries.FEATURE,
                new float[]{0, 0, 0, 0, 0, 0.1f, 0.3f, 0.6f}, 0, dir);
    }

    @AfterEach
    void cancelLeftoverJobs(@InjectMiniCluster MiniCluster cluster) throws Exception {
        MiniClusters.cancelRunningJobs(cluster);
    }

    @Test
    void stableShadowPromoteAndRollbackTakeEffectAtCheckpointsWithExactlyOnePredictionPerInput() throws Exception {
        Topics.ensure(KAFKA.bootstrapServers(), Map.of("swap-in", 2, "swap-out", 2, "swap-shadow", 2,
                "swap-dlq", 1));
        ModelRegistry registry = new ModelRegistry(KAFKA.bootstrapServers(), "swap-models");
        registry.ensureTopic();
        registry.publish(a, List.of(command(ModelCommand.Action.STABLE, a.version())));

        JobClient job = startJob(new Configuration(), "--bootstrap-servers", KAFKA.bootstrapServers(),
                "--input-topic", "swap-in", "--predictions-topic", "swap-out", "--dead-letter-topic", "swap-dlq",
                "--model-registry", "swap-models", "--shadow-topic", "swap-shadow",
                "--delivery-guarantee", "exactly-once", "--checkpoint-interval", "500ms",
                "--checkpoint-dir", dir.resolve("checkpoints").toUri().toString(), "--starting-offsets", "earliest",
                "--parallelism", Integer.toString(PARALLELISM), "--job-name", "model-swap-it");
        JobID id = job.getJobID();
        awaitRunning(job);
        SteadyStream stream = new SteadyStream(KAFKA.bootstrapServers(), "swap-in", KEYS, 21, 400);

        // each step waits until every subtask serves as told, then for more predictions, so that every key
        // sees every phase: commands arriving within one checkpoint interval would take effect together
        awaitPredictions(id, 1_000);
        registry.publish(b, List.of(command(ModelCommand.Action.STABLE, b.version())));
        sendRaw("swap-models", "broken", "not a model archive".getBytes(StandardCharsets.UTF_8));
        ModelArchive otherFeature = ModelArchive.of(PipelineTesting.trainSyntheticModelOf(dir, "model-d", "level",
                KEYS).toString());
        registry.publish(otherFeature, List.of(command(ModelCommand.Action.STABLE, otherFeature.version())));
        awaitRole(id, b, ScoringMetrics.Role.STABLE);
        awaitMorePredictions(id, 800);
        registry.publish(c, List.of(command(ModelCommand.Action.SHADOW, c.version())));
        awaitRole(id, c, ScoringMetrics.Role.SHADOW);
        awaitMorePredictions(id, 1_200);
        registry.send(command(ModelCommand.Action.PROMOTE, null));
        awaitRole(id, c, ScoringMetrics.Role.STABLE);
        awaitMorePredictions(id, 800);
        registry.send(command(ModelCommand.Action.ROLLBACK, null));
        awaitRole(id, b, ScoringMetrics.Role.STABLE);
        awaitMorePredictions(id, 800);
        List<InputRecord> inputs = stream.stop();

        List<Prediction> predictions = readPredictions(KAFKA.bootstrapServers(), "swap-out", inputs.size(),
                Duration.ofSeconds(90));
        awaitCompletedCheckpoints(id, 1); // one that commits the last shadow predictions too, if they were not yet
        List<Prediction> shadow = TopicReader.readToEnd(KAFKA.bootstrapServers(), "swap-shadow").stream()
                .map(r -> new PredictionCodec().parse(r.value())).toList();
        double cSquaredErrors = sum(REPORTER, id, ScoringMetrics.MODEL_VERSION + "." + c.version(),
                ScoringMetrics.SQUARED_ERROR_SUM);
        double cEvaluated = sum(REPORTER, id, ScoringMetrics.MODEL_VERSION + "." + c.version(),
                ScoringMetrics.EVALUATED);
        double unreadable = sum(REPORTER, id, "reason.unreadable", ModelMetrics.MODEL_REJECTED);
        double unknownVersion = sum(REPORTER, id, "reason.unknown_version", ModelMetrics.MODEL_REJECTED);
        double mismatch = sum(REPORTER, id, "reason.mismatch", ModelMetrics.MODEL_REJECTED);
        job.cancel().get(30, TimeUnit.SECONDS);

        Map<String, Long> perId = predictions.stream()
                .collect(Collectors.groupingBy(Prediction::id, Collectors.counting()));
        assertThat(perId).as("none duplicated").allSatisfy((input, n) -> assertThat(n).isOne());
        assertThat(perId.keySet()).as("none lost").containsExactlyInAnyOrderElementsOf(
                inputs.stream().map(InputRecord::id).toList());
        for (Map.Entry<String, List<Prediction>> key : byKeyInOrder(predictions).entrySet()) {
            assertThat(phases(key.getValue())).as("versions serving key %s, in order", key.getKey())
                    .containsExactly(a.version(), b.version(), c.version(), b.version());
        }
        // every forecast is its version's answer to the key's whole history: no window was lost in a swap
        assertForecastsUseEachKeysWholeHistory(predictions, Map.of(a.version(), a.load(), b.version(), b.load(),
                c.version(), c.load()));

        Map<String, Prediction> servedById = predictions.stream()
                .collect(Collectors.toMap(Prediction::id, Function.identity()));
        assertThat(shadow).as("shadow predictions").isNotEmpty().extracting(Prediction::modelVersion)
                .containsOnly(c.version());
        assertThat(shadow).extracting(Prediction::id).doesNotHaveDuplicates()
                .allSatisfy(input -> assertThat(servedById.get(input).modelVersion()).isEqualTo(b.version()));

        // C's error, as the job reported it, is the error of every forecast C made, shadow or serving
        List<Prediction> byC = new ArrayList<>(shadow);
        predictions.stream().filter(p -> p.modelVersion().equals(c.version())).forEach(byC::add);
        double[] recomputed = errorsOf(byC, inputs);
        assertThat(cEvaluated).isEqualTo(recomputed[1]);
        assertThat(cSquaredErrors).isCloseTo(recomputed[0], within(1e-9 * recomputed[0]));

        assertThat(unreadable).as("the broken archive, refused by each subtask").isEqualTo(PARALLELISM);
        assertThat(mismatch).as("the model of another feature").isEqualTo(PARALLELISM);
        assertThat(unknownVersion).as("the command naming it").isEqualTo(PARALLELISM);
    }

    @Test
    void aBetterShadowIsPromotedAndAWorseOneRolledBackAutomaticallyWithTheirNumbersInTheRegistry() throws Exception {
        Topics.ensure(KAFKA.bootstrapServers(), Map.of("auto-in", 2, "auto-out", 2, "auto-shadow", 2,
                "auto-dlq", 1));
        ModelArchive poor = ModelArchive.of(PipelineTesting.trainPoorSyntheticModel(dir, "poor", KEYS, 5).toString());
        ModelArchive poorer = ModelArchive.of(PipelineTesting.trainPoorSyntheticModel(dir, "poorer", KEYS, 6)
                .toString());
        ModelRegistry registry = new ModelRegistry(KAFKA.bootstrapServers(), "auto-models");
        registry.ensureTopic();
        registry.publish(poor, List.of(command(ModelCommand.Action.STABLE, poor.version())));

        JobClient job = startJob(new Configuration(), "--bootstrap-servers", KAFKA.bootstrapServers(),
                "--input-topic", "auto-in", "--predictions-topic", "auto-out", "--dead-letter-topic", "auto-dlq",
                "--model-registry", "auto-models", "--shadow-topic", "auto-shadow", "--auto-promote-after", "300",
                "--delivery-guarantee", "exactly-once", "--checkpoint-interval", "500ms",
                "--transactional-id-prefix", "auto-it",
                "--checkpoint-dir", dir.resolve("checkpoints").toUri().toString(), "--starting-offsets", "earliest",
                "--parallelism", Integer.toString(PARALLELISM), "--job-name", "auto-promotion-it");
        JobID id = job.getJobID();
        awaitRunning(job);
        SteadyStream stream = new SteadyStream(KAFKA.bootstrapServers(), "auto-in", KEYS, 31, 500);

        awaitPredictions(id, 500);
        registry.publish(a, List.of(command(ModelCommand.Action.SHADOW, a.version())));
        awaitRole(id, a, ScoringMetrics.Role.STABLE); // promoted by the job itself
        registry.publish(poorer, List.of(command(ModelCommand.Action.SHADOW, poorer.version())));
        awaitRole(id, poorer, ScoringMetrics.Role.RETIRED); // shadowed, then rolled back by the job itself
        List<InputRecord> inputs = stream.stop();
        List<Prediction> predictions = readPredictions(KAFKA.bootstrapServers(), "auto-out", inputs.size(),
                Duration.ofSeconds(90));
        job.cancel().get(30, TimeUnit.SECONDS);

        List<ModelCommand> automatic = registry.read().records().stream()
                .map(r -> RegistryRecords.parse(r, null))
                .filter(e -> e instanceof RegistryEntry.Command)
                .map(e -> ((RegistryEntry.Command) e).command())
                .filter(c -> c.reason().startsWith("automatic")).toList();
        assertThat(automatic).extracting(ModelCommand::action)
                .containsExactly(ModelCommand.Action.PROMOTE, ModelCommand.Action.ROLLBACK);
        assertThat(automatic.get(0).reason()).contains(a.version() + " MSE").contains("vs stable " + poor.version());
        assertThat(automatic.get(1).reason()).contains(poorer.version() + " MSE").contains("vs stable " + a.version());
        assertThat(predictions).extracting(Prediction::id).doesNotHaveDuplicates().hasSize(inputs.size());
        for (Map.Entry<String, List<Prediction>> key : byKeyInOrder(predictions).entrySet()) {
            assertThat(phases(key.getValue())).as("versions serving key %s", key.getKey())
                    .containsExactly(poor.version(), a.version());
        }
    }

    @Test
    void aSwappedModelServesOnAfterALostTaskManagerAndAfterASavepointRestoredWithTheOldModelsPath(
            @InjectMiniCluster MiniCluster cluster) throws Exception {
        Topics.ensure(KAFKA.bootstrapServers(), Map.of("keep-in", 2, "keep-out", 2, "keep-shadow", 2,
                "keep-dlq", 1));
        ModelRegistry registry = new ModelRegistry(KAFKA.bootstrapServers(), "keep-models");
        registry.ensureTopic();
        String[] args = {"--bootstrap-servers", KAFKA.bootstrapServers(), "--input-topic", "keep-in",
                "--predictions-topic", "keep-out", "--dead-letter-topic", "keep-dlq",
                "--model", dir.resolve("model-a").toString(), "--model-registry", "keep-models",
                "--shadow-topic", "keep-shadow", "--delivery-guarantee", "exactly-once",
                "--checkpoint-interval", "500ms", "--transactional-id-prefix", "keep-it",
                "--checkpoint-dir", dir.resolve("checkpoints").toUri().toString(), "--starting-offsets", "earliest",
                "--parallelism", Integer.toString(PARALLELISM), "--job-name", "model-keep-it"};
        JobClient first = startJob(new Configuration(), args);
        awaitRunning(first);
        SteadyStream stream = new SteadyStream(KAFKA.bootstrapServers(), "keep-in", KEYS, 41, 300);
        awaitPredictions(first.getJobID(), 500);
        registry.publish(b, List.of(command(ModelCommand.Action.STABLE, b.version())));
        awaitRole(first.getJobID(), b, ScoringMetrics.Role.STABLE);
        awaitCompletedCheckpoints(first.getJobID(), 2); // the state with B is in a completed checkpoint

        cluster.terminateTaskManager(0).get(30, TimeUnit.SECONDS);
        cluster.startTaskManager();
        awaitRunning(first);
        awaitMorePredictions(first.getJobID(), 600);
        String savepoint = first.stopWithSavepoint(false, dir.resolve("savepoints").toUri().toString(),
                SavepointFormatType.CANONICAL).get(60, TimeUnit.SECONDS);

        // the same arguments, whose --model is A: the restored state, not the path, decides what serves
        Configuration restore = new Configuration();
        restore.set(StateRecoveryOptions.SAVEPOINT_PATH, savepoint);
        JobClient second = startJob(restore, args);
        awaitRunning(second);
        awaitPredictions(second.getJobID(), 600);
        List<InputRecord> inputs = stream.stop();
        List<Prediction> predictions = readPredictions(KAFKA.bootstrapServers(), "keep-out", inputs.size(),
                Duration.ofSeconds(90));
        second.cancel().get(30, TimeUnit.SECONDS);

        Map<String, Long> perId = predictions.stream()
                .collect(Collectors.groupingBy(Prediction::id, Collectors.counting()));
        assertThat(perId).as("none duplicated").allSatisfy((input, n) -> assertThat(n).isOne());
        assertThat(perId.keySet()).as("none lost").containsExactlyInAnyOrderElementsOf(
                inputs.stream().map(InputRecord::id).toList());
        for (Map.Entry<String, List<Prediction>> key : byKeyInOrder(predictions).entrySet()) {
            assertThat(phases(key.getValue())).as("versions serving key %s", key.getKey())
                    .containsExactly(a.version(), b.version());
        }
        assertForecastsUseEachKeysWholeHistory(predictions, Map.of(a.version(), a.load(), b.version(), b.load()));
    }

    @Test
    void aCanaryServesItsShareOfThousandsOfKeysEachKeyStayingWithOneModel() throws Exception {
        int keys = 3_000;
        Topics.ensure(KAFKA.bootstrapServers(), Map.of("canary-in", 2, "canary-out", 2, "canary-shadow", 2,
                "canary-dlq", 1));
        ModelRegistry registry = new ModelRegistry(KAFKA.bootstrapServers(), "canary-models");
        registry.ensureTopic();
        registry.publish(a, List.of(command(ModelCommand.Action.STABLE, a.version())));
        registry.publish(b, List.of(ModelCommand.of(ModelCommand.Action.CANARY, b.version(), 20, "ModelSwapIT")));
        JobClient job = startJob(new Configuration(), "--bootstrap-servers", KAFKA.bootstrapServers(),
                "--input-topic", "canary-in", "--predictions-topic", "canary-out", "--dead-letter-topic",
                "canary-dlq", "--model-registry", "canary-models", "--shadow-topic", "canary-shadow",
                "--starting-offsets", "earliest", "--parallelism", Integer.toString(PARALLELISM),
                "--job-name", "canary-it");
        awaitRunning(job);
        SteadyStream stream = new SteadyStream(KAFKA.bootstrapServers(), "canary-in", keys, 51, 3_000);
        awaitPredictions(job.getJobID(), 3L * keys);
        List<InputRecord> inputs = stream.stop();
        List<Prediction> predictions = readPredictions(KAFKA.bootstrapServers(), "canary-out", inputs.size(),
                Duration.ofSeconds(90));
        job.cancel().get(30, TimeUnit.SECONDS);

        Map<String, List<Prediction>> byKey = byKeyInOrder(predictions);
        assertThat(byKey).hasSize(keys);
        long onCanary = byKey.values().stream().filter(ofKey -> phases(ofKey).equals(List.of(b.version()))).count();
        long onStable = byKey.values().stream().filter(ofKey -> phases(ofKey).equals(List.of(a.version()))).count();
        assertThat(onCanary + onStable).as("every key served by one model only").isEqualTo(keys);
        assertThat(onCanary / (double) keys).as("share of keys on the canary").isBetween(0.17, 0.23);
    }

    private static void awaitCompletedCheckpoints(JobID job, int more) throws Exception {
        double start = ReportedMetrics.sumOrZero(REPORTER, job, "numberOfCompletedCheckpoints");
        Await.until(more + " more completed checkpoints", Duration.ofSeconds(60), () ->
                ReportedMetrics.sumOrZero(REPORTER, job, "numberOfCompletedCheckpoints") >= start + more);
    }

    /** Versions in the order they served, consecutive repeats folded. */
    private static List<String> phases(List<Prediction> ofKey) {
        List<String> phases = new ArrayList<>();
        for (Prediction p : ofKey) {
            if (phases.isEmpty() || !phases.get(phases.size() - 1).equals(p.modelVersion())) {
                phases.add(p.modelVersion());
            }
        }
        return phases;
    }

    /** Squared-error sum and count of {@code forecasts} against each key's next input value. */
    private static double[] errorsOf(List<Prediction> forecasts, List<InputRecord> inputs) {
        Map<String, Double> nextValue = new HashMap<>();
        Map<String, InputRecord> lastOfKey = new HashMap<>();
        for (InputRecord input : inputs) {
            InputRecord previous = lastOfKey.put(input.key(), input);
            if (previous != null) {
                nextValue.put(previous.id(), input.features().get(SyntheticSeries.FEATURE));
            }
        }
        double sum = 0;
        int count = 0;
        for (Prediction p : forecasts) {
            Double next = nextValue.get(p.id());
            if (next != null) {
                sum += (p.prediction() - next) * (p.prediction() - next);
                count++;
            }
        }
        return new double[]{sum, count};
    }

    private static ModelCommand command(ModelCommand.Action action, String version) {
        return ModelCommand.of(action, version, 0, "ModelSwapIT");
    }

    /** An artifact record of any bytes, as anyone with WRITE on the registry can write it. */
    private static void sendRaw(String topic, String version, byte[] value) throws Exception {
        ProducerRecord<byte[], byte[]> record = new ProducerRecord<>(topic, 0, null,
                version.getBytes(StandardCharsets.UTF_8), value);
        record.headers().add(new RecordHeader(RegistryRecords.HEADER_TYPE,
                "artifact".getBytes(StandardCharsets.UTF_8)));
        record.headers().add(new RecordHeader(RegistryRecords.HEADER_VERSION,
                version.getBytes(StandardCharsets.UTF_8)));
        TopicWriter.write(KAFKA.bootstrapServers(), record);
    }

    private static void awaitRole(JobID job, ModelArchive model, ScoringMetrics.Role role) throws Exception {
        PipelineTesting.awaitRole(REPORTER, job, model.version(), role, PARALLELISM);
    }

    private static void awaitMorePredictions(JobID job, long more) throws Exception {
        PipelineTesting.awaitMorePredictions(REPORTER, job, more);
    }

    private static void awaitPredictions(JobID job, long count) throws Exception {
        PipelineTesting.awaitPredictions(REPORTER, job, count);
    }
}
