package dev.streampredict.job;

import dev.streampredict.common.kafka.Topics;
import dev.streampredict.common.message.InputRecord;
import dev.streampredict.common.message.Prediction;
import dev.streampredict.kafka.LocalKafkaCluster;
import dev.streampredict.model.ModelArtifact;
import dev.streampredict.testing.InBackground;
import dev.streampredict.testing.MiniClusters;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.test.junit5.InjectMiniCluster;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.TopicDescription;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import static dev.streampredict.job.PipelineTesting.assertForecastsUseEachKeysWholeHistory;
import static dev.streampredict.job.PipelineTesting.awaitRunning;
import static dev.streampredict.job.PipelineTesting.readPredictions;
import static dev.streampredict.job.PipelineTesting.sendInBackground;
import static dev.streampredict.job.PipelineTesting.startJob;
import static dev.streampredict.job.PipelineTesting.syntheticRecords;
import static dev.streampredict.job.PipelineTesting.trainSyntheticModel;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * What Kafka promises to survive: one of three brokers killed with SIGKILL mid-stream, every topic on three replicas
 * with {@code min.insync.replicas=2}. Exactly-once ends with exactly one prediction per input; at-least-once loses
 * none.
 */
class BrokerLossIT {

    private static final int KEYS = 6;

    @RegisterExtension
    static final MiniClusterExtension FLINK = new MiniClusterExtension();

    @TempDir
    static Path dir;
    private static Path model;

    @BeforeAll
    static void train() throws Exception {
        model = trainSyntheticModel(dir, KEYS);
    }

    @AfterEach
    void cancelLeftoverJobs(@InjectMiniCluster MiniCluster cluster) throws Exception {
        MiniClusters.cancelRunningJobs(cluster);
    }

    @Test
    void exactlyOnceGivesEveryInputOnePredictionAcrossAKilledBroker(@TempDir Path kafkaDir) throws Exception {
        Map<String, Long> perId = streamThroughABrokerLoss(kafkaDir, "exactly-once");
        assertThat(perId).as("none duplicated").allSatisfy((id, n) -> assertThat(n).isOne());
    }

    @Test
    void atLeastOnceLosesNoInputAcrossAKilledBroker(@TempDir Path kafkaDir) throws Exception {
        streamThroughABrokerLoss(kafkaDir, "at-least-once");
    }

    /** Streams 3,000 inputs, kills the broker leading the input's first partition once predictions flow. */
    private Map<String, Long> streamThroughABrokerLoss(Path kafkaDir, String guarantee) throws Exception {
        List<InputRecord> inputs = syntheticRecords(KEYS, 3_000, 23);
        try (LocalKafkaCluster kafka = LocalKafkaCluster.start(kafkaDir, 3)) {
            String bootstrap = kafka.bootstrapServers();
            Topics.ensure(bootstrap, Map.of("bl-in", 2, "bl-out", 2, "bl-dlq", 1));
            int leader;
            try (Admin admin = kafka.admin()) {
                TopicDescription in = admin.describeTopics(Set.of("bl-in")).allTopicNames().get(30, TimeUnit.SECONDS)
                        .get("bl-in");
                assertThat(in.partitions()).allSatisfy(p -> assertThat(p.replicas()).hasSize(3));
                leader = in.partitions().get(0).leader().id();
            }
            JobClient job = startJob(new Configuration(), "--bootstrap-servers", bootstrap,
                    "--input-topic", "bl-in", "--predictions-topic", "bl-out", "--dead-letter-topic", "bl-dlq",
                    "--model", model.toString(), "--starting-offsets", "earliest",
                    "--delivery-guarantee", guarantee, "--checkpoint-interval", "500ms",
                    "--checkpoint-dir", dir.resolve("checkpoints").toUri().toString(),
                    "--transactional-id-prefix", "broker-loss-" + guarantee, "--job-name", "broker-loss-" + guarantee);
            awaitRunning(job);
            InBackground producer = sendInBackground(bootstrap, "bl-in", inputs, 500);
            assertThat(readPredictions(bootstrap, "bl-out", 600, Duration.ofSeconds(60)))
                    .hasSizeGreaterThanOrEqualTo(600);
            kafka.kill(leader);
            producer.await(Duration.ofSeconds(120)); // across the broker loss

            List<Prediction> predictions = readPredictions(bootstrap, "bl-out", inputs.size(),
                    Duration.ofSeconds(180));
            job.cancel().get(60, TimeUnit.SECONDS);
            Map<String, Long> perId = predictions.stream()
                    .collect(Collectors.groupingBy(Prediction::id, Collectors.counting()));
            assertThat(perId.keySet()).as("none lost").containsExactlyInAnyOrderElementsOf(
                    inputs.stream().map(InputRecord::id).toList());
            if (guarantee.equals("exactly-once")) {
                assertForecastsUseEachKeysWholeHistory(predictions, ModelArtifact.load(model.toString()));
            }
            return perId;
        }
    }
}
