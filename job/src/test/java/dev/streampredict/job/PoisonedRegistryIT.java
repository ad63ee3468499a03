package dev.streampredict.job;

import dev.streampredict.common.kafka.Topics;
import dev.streampredict.common.message.InputRecord;
import dev.streampredict.common.message.Prediction;
import dev.streampredict.job.metrics.ModelMetrics;
import dev.streampredict.model.ModelArchive;
import dev.streampredict.model.TestArtifacts;
import dev.streampredict.registry.ModelCommand;
import dev.streampredict.registry.ModelRegistry;
import dev.streampredict.registry.RegistryRecords;
import dev.streampredict.registry.RegistryStatus;
import dev.streampredict.testing.Await;
import dev.streampredict.testing.KafkaBrokerExtension;
import dev.streampredict.testing.MiniClusters;
import dev.streampredict.testing.TopicReader;
import dev.streampredict.testing.TopicWriter;
import org.apache.flink.api.common.JobID;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.runtime.minicluster.MiniCluster;
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
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.TimeUnit;

import static dev.streampredict.job.PipelineTesting.awaitRunning;
import static dev.streampredict.job.PipelineTesting.readPredictions;
import static dev.streampredict.job.PipelineTesting.startJob;
import static dev.streampredict.job.PipelineTesting.trainSyntheticModel;
import static dev.streampredict.testing.ReportedMetrics.sum;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

/**
 * A registry that holds every kind of record that once stopped serving, as anyone with WRITE on the topic can write
 * them: a job still starts on it, serves the last good model, keeps serving when more arrive, and reports each
 * refusal on the status topic, where the tools read it.
 */
class PoisonedRegistryIT {

    private static final int KEYS = 6;
    private static final int PARALLELISM = 2;
    private static final InMemoryReporter REPORTER = InMemoryReporter.createWithRetainedMetrics();

    @RegisterExtension
    static final MiniClusterExtension FLINK = MiniClusters.reportingTo(REPORTER, 1, PARALLELISM);

    @RegisterExtension
    static final KafkaBrokerExtension KAFKA = new KafkaBrokerExtension();

    @TempDir
    static Path dir;
    private static ModelArchive good;

    @BeforeAll
    static void train() throws Exception {
        good = ModelArchive.of(trainSyntheticModel(dir, "good", KEYS, 8, 1).toString());
    }

    @AfterEach
    void cancelLeftoverJobs(@InjectMiniCluster MiniCluster cluster) throws Exception {
        MiniClusters.cancelRunningJobs(cluster);
    }

    @Test
    void aJobStartsOnAPoisonedRegistryServesTheLastGoodModelAndReportsEveryRefusal() throws Exception {
        Topics.ensure(KAFKA.bootstrapServers(), Map.of("poison-in", 2, "poison-out", 2, "poison-dlq", 1,
                "poison-shadow", 1));
        ModelRegistry registry = new ModelRegistry(KAFKA.bootstrapServers(), "poison-models");
        registry.ensureTopic();
        registry.publish(good, List.of(stable(good.version())));
        String feature = good.metadata().target();
        write(artifact("no-target", TestArtifacts.Hostile.withoutTarget("no-target", feature)),
                command(stable("no-target")), // offsets 2, 3
                artifact("bomb", TestArtifacts.Hostile.networkBomb("bomb", feature)), command(stable("bomb")),
                artifact("wide", TestArtifacts.Hostile.tooWide("wide", feature)), command(stable("wide")),
                artifact("v9\nWARN fake: command accepted", good.bytes()),
                new ProducerRecord<>("poison-models", 0, null, null, "?".getBytes(StandardCharsets.UTF_8), List.of(
                        new RecordHeader(RegistryRecords.HEADER_TYPE, "model".getBytes(StandardCharsets.UTF_8)))));

        JobClient job = startJob(new Configuration(), "--bootstrap-servers", KAFKA.bootstrapServers(),
                "--input-topic", "poison-in", "--predictions-topic", "poison-out", "--dead-letter-topic", "poison-dlq",
                "--shadow-topic", "poison-shadow", "--model-registry", "poison-models", "--checkpoint-interval",
                "500ms", "--starting-offsets", "earliest", "--parallelism", Integer.toString(PARALLELISM),
                "--job-name", "poison-it");
        JobID id = job.getJobID();
        awaitRunning(job);
        SteadyStream stream = new SteadyStream(KAFKA.bootstrapServers(), "poison-in", KEYS, 7, 300);
        PipelineTesting.awaitPredictions(REPORTER, id, 300);
        // and one more of each while it runs
        write(artifact("bomb-2", TestArtifacts.Hostile.networkBomb("bomb-2", feature)), command(stable("bomb-2")),
                artifact("wide-2", TestArtifacts.Hostile.tooWide("wide-2", feature)));
        List<RegistryStatus> statuses = awaitStatuses("poison-models-status", 12);
        PipelineTesting.awaitMorePredictions(REPORTER, id, 300);
        List<InputRecord> inputs = stream.stop();
        List<Prediction> predictions = readPredictions(KAFKA.bootstrapServers(), "poison-out", inputs.size(),
                Duration.ofSeconds(60));
        double overBudget = sum(REPORTER, id, "reason.over_budget", ModelMetrics.MODEL_REJECTED);
        job.cancel().get(30, TimeUnit.SECONDS);

        assertThat(predictions).hasSizeGreaterThanOrEqualTo(inputs.size()).extracting(Prediction::modelVersion)
                .containsOnly(good.version());
        assertThat(statuses).filteredOn(s -> s.outcome() == RegistryStatus.Outcome.REFUSED)
                .extracting(RegistryStatus::offset, RegistryStatus::reason).containsExactly(
                        tuple(2L, "invalid_metadata"), tuple(3L, "unknown_version"),
                        tuple(4L, "over_budget"), tuple(5L, "unknown_version"),
                        tuple(6L, "over_budget"), tuple(7L, "unknown_version"),
                        tuple(8L, "malformed_record"), tuple(9L, "malformed_record"),
                        tuple(10L, "over_budget"), tuple(11L, "unknown_version"), tuple(12L, "over_budget"));
        assertThat(statuses).filteredOn(s -> s.outcome() == RegistryStatus.Outcome.SERVING)
                .extracting(RegistryStatus::version).containsOnly(good.version());
        assertThat(statuses).extracting(RegistryStatus::detail).filteredOn(Objects::nonNull)
                .allSatisfy(detail -> assertThat(detail).doesNotContain("\n"));
        assertThat(overBudget).as("the two refused while running, by each subtask").isEqualTo(2 * PARALLELISM);
    }

    @Test
    void aRegistryWithNothingValidStableSaysSoInOneLineAndWhatToPublish() throws Exception {
        Topics.ensure(KAFKA.bootstrapServers(), Map.of("poison-in", 2, "poison-out", 2, "poison-dlq", 1,
                "poison-shadow", 1));
        new ModelRegistry(KAFKA.bootstrapServers(), "only-poison").ensureTopic();
        String feature = good.metadata().target();
        write(artifact("only-poison", "bomb", TestArtifacts.Hostile.networkBomb("bomb", feature)),
                RegistryRecords.command("only-poison", stable("bomb"), null));

        assertThatThrownBy(() -> startJob(new Configuration(), "--bootstrap-servers", KAFKA.bootstrapServers(),
                "--input-topic", "poison-in", "--predictions-topic", "poison-out", "--dead-letter-topic", "poison-dlq",
                "--shadow-topic", "poison-shadow", "--model-registry", "only-poison", "--job-name", "no-stable-it"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("model registry 'only-poison' has no valid stable model (2 records refused")
                .hasMessageContaining("over_budget").hasMessageContaining("publish one (scripts/model.sh publish")
                .hasMessageNotContaining("\n");
    }

    private static List<RegistryStatus> awaitStatuses(String topic, int count) throws Exception {
        List<RegistryStatus> statuses = new ArrayList<>();
        Await.until("the job's reports on " + topic, Duration.ofSeconds(60), () -> {
            statuses.clear();
            TopicReader.readToEnd(KAFKA.bootstrapServers(), topic).stream()
                    .map(r -> RegistryStatus.parse(r.value())).filter(Objects::nonNull).forEach(statuses::add);
            return statuses.size() >= count;
        });
        return statuses;
    }

    private static ModelCommand stable(String version) {
        return ModelCommand.of(ModelCommand.Action.STABLE, version, 0, "test");
    }

    private static ProducerRecord<byte[], byte[]> command(ModelCommand command) {
        return RegistryRecords.command("poison-models", command, null);
    }

    @SafeVarargs
    private static void write(ProducerRecord<byte[], byte[]>... records) throws Exception {
        TopicWriter.write(KAFKA.bootstrapServers(), records);
    }

    private static ProducerRecord<byte[], byte[]> artifact(String version, byte[] archive) {
        return artifact("poison-models", version, archive);
    }

    /** An artifact record as anyone may write it: headers as the CLI writes them, any bytes. */
    private static ProducerRecord<byte[], byte[]> artifact(String topic, String version, byte[] archive) {
        return new ProducerRecord<>(topic, 0, null, null, archive, List.of(
                new RecordHeader(RegistryRecords.HEADER_TYPE, "artifact".getBytes(StandardCharsets.UTF_8)),
                new RecordHeader(RegistryRecords.HEADER_VERSION, version.getBytes(StandardCharsets.UTF_8))));
    }

}
