package dev.streampredict.job;

import dev.streampredict.common.kafka.Topics;
import dev.streampredict.common.message.InputFormat;
import dev.streampredict.common.message.InputRecord;
import dev.streampredict.common.message.Prediction;
import dev.streampredict.job.metrics.ScoringMetrics;
import dev.streampredict.model.ModelArchive;
import dev.streampredict.model.Predictor;
import dev.streampredict.registry.ModelCommand;
import dev.streampredict.registry.ModelRegistry;
import dev.streampredict.testing.Await;
import dev.streampredict.testing.InBackground;
import dev.streampredict.testing.KafkaBrokerExtension;
import dev.streampredict.testing.MiniClusters;
import dev.streampredict.cli.RetrainCli;
import org.apache.flink.api.common.JobID;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.runtime.testutils.InMemoryReporter;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static dev.streampredict.job.LoopErrors.add;
import static dev.streampredict.job.LoopErrors.mean;
import static dev.streampredict.job.LoopErrors.value;
import static dev.streampredict.job.PipelineTesting.awaitRunning;
import static dev.streampredict.job.PipelineTesting.readPredictions;
import static dev.streampredict.job.PipelineTesting.startJob;
import static dev.streampredict.job.PipelineTesting.trainSyntheticModel;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The feedback loop end to end, on a real broker and MiniCluster: the series changes its regime mid-stream, the
 * model trained on the old regime goes stale, the retrainer trains on what the stream showed and publishes a shadow
 * only because it is better, the job promotes it on live outcomes, and the error falls again. The inputs are Avro:
 * job and retrainer both read the binary format (the JSON path is what every other test sends).
 */
class FeedbackLoopIT {

    private static final int KEYS = 10;
    private static final int SHIFT = 3_000;
    private static final InMemoryReporter REPORTER = InMemoryReporter.createWithRetainedMetrics();

    @RegisterExtension
    static final MiniClusterExtension FLINK = MiniClusters.reportingTo(REPORTER, 1, 2);

    @RegisterExtension
    static final KafkaBrokerExtension KAFKA = new KafkaBrokerExtension();

    @TempDir
    static Path dir;

    @Test
    void afterARegimeChangeTheRetrainedModelIsPublishedPromotedAndItsErrorFallsWellBelowTheStaleModels()
            throws Exception {
        ModelArchive first = ModelArchive.of(trainSyntheticModel(dir, "first", KEYS, 8, 1).toString());
        Topics.ensure(KAFKA.bootstrapServers(), Map.of("loop-in", 2, "loop-out", 2, "loop-shadow", 2,
                "loop-dlq", 1));
        ModelRegistry registry = new ModelRegistry(KAFKA.bootstrapServers(), "loop-models");
        registry.ensureTopic();
        registry.publish(first, List.of(ModelCommand.of(ModelCommand.Action.STABLE, first.version(), 0, "IT")));
        JobClient job = startJob(new Configuration(), "--bootstrap-servers", KAFKA.bootstrapServers(),
                "--input-topic", "loop-in", "--predictions-topic", "loop-out", "--dead-letter-topic", "loop-dlq",
                "--model-registry", "loop-models", "--shadow-topic", "loop-shadow", "--auto-promote-after", "400",
                "--checkpoint-interval", "500ms", "--starting-offsets", "earliest", "--job-name", "feedback-it",
                "--input-format", "avro");
        JobID id = job.getJobID();
        awaitRunning(job);
        RetrainCli retrain = new RetrainCli();
        StringWriter retrainLog = new StringWriter();
        InBackground retrainer = InBackground.start("retrainer", () -> assertThat(new CommandLine(retrain)
                .setOut(new PrintWriter(retrainLog, true))
                .execute("--bootstrap-servers", KAFKA.bootstrapServers(), "--model-registry", "loop-models",
                        "--input-topic", "loop-in", "--input-format", "avro", "--decisions-topic", "loop-decisions",
                        "--every", "5000",
                        "--history", "2500", "--hidden", "16,16", "--epochs", "30", "--patience", "5",
                        "--work-dir", dir.resolve("retrain").toString())).as("the retrainer's exit code").isZero());
        SteadyStream stream = new SteadyStream(KAFKA.bootstrapServers(), "loop-in",
                TinyModels.series(KEYS, 11).regimeChangeAt(SHIFT, 9, 20), 500,
                InputFormat.AVRO);

        String retrained = awaitAnotherStableVersion(registry, first.version(), retrainLog);
        PipelineTesting.awaitRole(REPORTER, id, retrained, ScoringMetrics.Role.STABLE, 2);
        PipelineTesting.awaitMorePredictions(REPORTER, id, 2_000);
        List<InputRecord> inputs = stream.stop();
        retrain.stop();
        retrainer.await(Duration.ofSeconds(60));
        List<Prediction> predictions = readPredictions(KAFKA.bootstrapServers(), "loop-out", inputs.size(),
                Duration.ofSeconds(90));
        job.cancel().get(30, TimeUnit.SECONDS);

        Phases phases = Phases.of(inputs, predictions, first.version(), retrained, first.load());
        System.out.println("feedback loop: " + phases);
        // REPORT 3.7's figure is drawn from a copy of this file (benchmark/results/*-feedback-loop.json)
        LoopErrors.write(Path.of("target", "feedback-loop.json"), inputs, predictions, first.load(), SHIFT,
                SHIFT + (int) phases.eventsToPromotion);
        System.out.println(retrainLog);
        assertThat(phases.staleAfterShift).as("the stale model's error rises after the shift")
                .isGreaterThan(2 * phases.beforeShift);
        assertThat(phases.retrainedAfterPromotion).as("the retrained model's error, after its promotion")
                .isLessThan(0.5 * phases.staleAfterShift)
                .isLessThan(0.5 * phases.staleOnTheSameInputs);
        assertThat(retrainLog.toString()).contains(retrained + " published as shadow")
                .doesNotContainPattern("rejected.*better than both");
    }

    /**
     * Mean squared forecast errors of one run, by phase; a forecast counts where the value it forecast lies.
     *
     * @param staleOnTheSameInputs what the first model would have scored on the inputs after the promotion: the
     *                             same stream without the feedback loop
     */
    record Phases(double beforeShift, double staleAfterShift, double retrainedAfterPromotion,
                  double staleOnTheSameInputs, long eventsToPromotion, long secondsToPromotion) {

        static Phases of(List<InputRecord> inputs, List<Prediction> predictions, String stale, String retrained,
                         Predictor staleModel) {
            Map<String, Prediction> byId = new HashMap<>();
            predictions.forEach(p -> byId.put(p.id(), p));
            Map<String, List<Integer>> byKey = new HashMap<>();
            for (int i = 0; i < inputs.size(); i++) {
                byKey.computeIfAbsent(inputs.get(i).key(), k -> new ArrayList<>()).add(i);
            }
            int promoted = Integer.MAX_VALUE;
            for (int i = 0; i < inputs.size(); i++) {
                Prediction p = byId.get(inputs.get(i).id());
                if (p != null && p.modelVersion().equals(retrained)) {
                    promoted = Math.min(promoted, i);
                }
            }
            double[][] sums = new double[4][2];
            for (List<Integer> ofKey : byKey.values()) {
                for (int j = 1; j < ofKey.size(); j++) {
                    int at = ofKey.get(j);
                    Prediction forecast = byId.get(inputs.get(ofKey.get(j - 1)).id());
                    double actual = value(inputs.get(at));
                    double error = forecast.prediction() - actual;
                    if (at < SHIFT && at > 1_000 && forecast.modelVersion().equals(stale)) {
                        add(sums[0], error);
                    } else if (at >= SHIFT && forecast.modelVersion().equals(stale)) {
                        add(sums[1], error);
                    } else if (at > promoted && forecast.modelVersion().equals(retrained)) {
                        add(sums[2], error);
                        double[] window = new double[staleModel.metadata().windowSize()];
                        for (int w = 0; w < window.length; w++) {
                            window[w] = value(inputs.get(ofKey.get(j - window.length + w)));
                        }
                        add(sums[3], staleModel.forecast(new double[][]{window}, 1)[0] - actual);
                    }
                }
            }
            long shiftTime = inputs.get(SHIFT).timestamp();
            long promotionTime = byId.get(inputs.get(promoted).id()).predictionTimestamp();
            return new Phases(mean(sums[0]), mean(sums[1]), mean(sums[2]), mean(sums[3]), promoted - SHIFT,
                    (promotionTime - shiftTime) / 1_000);
        }
    }

    private static String awaitAnotherStableVersion(ModelRegistry registry, String first, StringWriter log)
            throws Exception {
        Await.until(() -> "a retrained version promoted; the retrainer's output: " + log, Duration.ofSeconds(180),
                () -> !registry.servingNow(TinyModels.LIMITS).state().policy().stable().equals(first));
        return registry.servingNow(TinyModels.LIMITS).state().policy().stable();
    }
}
