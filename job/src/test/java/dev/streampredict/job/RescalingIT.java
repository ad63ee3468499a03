package dev.streampredict.job;

import dev.streampredict.common.kafka.Topics;
import dev.streampredict.common.message.InputRecord;
import dev.streampredict.common.message.Prediction;
import dev.streampredict.job.metrics.ScoringMetrics;
import dev.streampredict.model.ModelArtifact;
import dev.streampredict.producer.InputProducer;
import dev.streampredict.testing.KafkaBrokerExtension;
import dev.streampredict.testing.MiniClusters;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.StateRecoveryOptions;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.core.execution.SavepointFormatType;
import org.apache.flink.runtime.testutils.InMemoryReporter;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import static dev.streampredict.job.PipelineTesting.assertForecastsUseEachKeysWholeHistory;
import static dev.streampredict.job.PipelineTesting.awaitRunning;
import static dev.streampredict.job.PipelineTesting.readPredictions;
import static dev.streampredict.job.PipelineTesting.startJob;
import static dev.streampredict.job.PipelineTesting.syntheticRecords;
import static dev.streampredict.job.PipelineTesting.trainSyntheticModel;
import static dev.streampredict.testing.ReportedMetrics.sum;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Rescaling as an operator does it: stop with a savepoint at parallelism 2, restore at 4, stop again, restore at 1.
 * Every key's window, pending forecast and running error move with its key group to whichever subtask owns it now.
 */
class RescalingIT {

    private static final int KEYS = 24;
    private static final InMemoryReporter REPORTER = InMemoryReporter.createWithRetainedMetrics();

    @RegisterExtension
    static final MiniClusterExtension FLINK = MiniClusters.reportingTo(REPORTER, 2, 2);

    @RegisterExtension
    static final KafkaBrokerExtension KAFKA = new KafkaBrokerExtension();

    @TempDir
    static Path dir;

    @Test
    void exactlyOncePredictionsAndEveryKeysStateSurviveRescalingFrom2To4To1() throws Exception {
        Path model = trainSyntheticModel(dir, KEYS);
        List<InputRecord> inputs = syntheticRecords(KEYS, 2_400, 17);
        List<List<InputRecord>> phases = List.of(inputs.subList(0, 800), inputs.subList(800, 1_600),
                inputs.subList(1_600, 2_400));
        Topics.ensure(KAFKA.bootstrapServers(), Map.of("rs-in", 4, "rs-out", 4, "rs-dlq", 1));
        String savepoint = null;
        int predicted = 0;
        int[] parallelism = {2, 4, 1};
        for (int phase = 0; phase < 3; phase++) {
            send(phases.get(phase));
            Configuration restore = new Configuration();
            if (savepoint != null) {
                restore.set(StateRecoveryOptions.SAVEPOINT_PATH, savepoint);
            }
            JobClient job = startJob(restore, "--bootstrap-servers", KAFKA.bootstrapServers(),
                    "--input-topic", "rs-in", "--predictions-topic", "rs-out", "--dead-letter-topic", "rs-dlq",
                    "--model", model.toString(), "--starting-offsets", "earliest",
                    "--delivery-guarantee", "exactly-once", "--checkpoint-interval", "500ms",
                    "--transactional-id-prefix", "rescale-" + phase,
                    "--parallelism", Integer.toString(parallelism[phase]),
                    "--job-name", "rescaling-it-" + parallelism[phase]);
            awaitRunning(job);
            predicted += phases.get(phase).size();
            assertThat(readPredictions(KAFKA.bootstrapServers(), "rs-out", predicted, Duration.ofSeconds(120)))
                    .as("committed predictions after phase %d", phase).hasSizeGreaterThanOrEqualTo(predicted);
            if (phase > 0) {
                // each key's first input after the restore met the forecast its key had pending in the savepoint
                assertThat(sum(REPORTER, job.getJobID(), ScoringMetrics.EVALUATED))
                        .as("forecasts checked at parallelism %d", parallelism[phase])
                        .isEqualTo(phases.get(phase).size());
            }
            savepoint = job.stopWithSavepoint(false, dir.resolve("savepoints").toUri().toString(),
                    SavepointFormatType.CANONICAL).get(60, TimeUnit.SECONDS);
        }

        List<Prediction> predictions = readPredictions(KAFKA.bootstrapServers(), "rs-out", inputs.size(),
                Duration.ofSeconds(30));
        Map<String, Long> perId = predictions.stream()
                .collect(Collectors.groupingBy(Prediction::id, Collectors.counting()));
        assertThat(perId).as("none duplicated").allSatisfy((id, n) -> assertThat(n).isOne());
        assertThat(perId.keySet()).as("none lost").containsExactlyInAnyOrderElementsOf(
                inputs.stream().map(InputRecord::id).toList());
        // windows moved with their keys: every forecast is the model's answer on the key's whole history
        assertForecastsUseEachKeysWholeHistory(predictions, ModelArtifact.load(model.toString()));
    }

    private static void send(List<InputRecord> records) {
        try (InputProducer producer = new InputProducer(KAFKA.bootstrapServers(), "rs-in")) {
            records.forEach(producer::send);
            producer.flush();
        }
    }
}
