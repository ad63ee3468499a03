package dev.streampredict.job.inference;

import dev.streampredict.common.message.InputRecord;
import dev.streampredict.common.message.Prediction;
import dev.streampredict.job.pipeline.RawRecord;
import dev.streampredict.job.pipeline.ScoringInput;
import dev.streampredict.model.ModelArtifact;
import dev.streampredict.model.Predictor;
import dev.streampredict.model.TargetMode;
import dev.streampredict.producer.SyntheticSeries;
import dev.streampredict.training.FitOptions;
import dev.streampredict.training.RegressionTraining;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/** The micro-batching scorer on Flink's operator test harness: when batches are scored, and that batching is exact. */
class ModelScorerTest {

    private static final int WINDOW = 4;

    @TempDir
    static Path dir;
    private static Predictor model;

    private KeyedOneInputStreamOperatorTestHarness<String, ScoringInput, Prediction> harness;
    private long offset;

    @BeforeAll
    static void trainModel() throws Exception {
        SyntheticSeries history = new SyntheticSeries(2, 10, 0.2, 3, new AtomicLong()::incrementAndGet);
        List<InputRecord> records = new ArrayList<>();
        for (int i = 0; i < 600; i++) {
            records.add(history.next());
        }
        RegressionTraining.train(records, new RegressionTraining.Settings("tiny", "generated", SyntheticSeries.FEATURE,
                        WINDOW, TargetMode.DIFFERENCE, 0.2, 0.2, new FitOptions(List.of(8), 5, 2, 32, 0.01, 1)),
                new PrintStream(OutputStream.nullOutputStream())).save(dir.resolve("model"));
        model = ModelArtifact.load(dir.resolve("model").toString());
    }

    @AfterEach
    void close() throws Exception {
        harness.close();
    }

    @Test
    void aBatchIsScoredWhenFullOrWhenItsOldestInputHasWaitedLongEnough() throws Exception {
        open(3, 10);
        harness.setProcessingTime(1_000);

        send("a", 1.0);
        send("b", 2.0);
        assertThat(harness.extractOutputValues()).as("batch of 2 still waiting").isEmpty();
        send("a", 1.5);
        assertThat(harness.extractOutputValues()).as("full batch of 3 scored").hasSize(3);

        send("b", 2.5);
        harness.setProcessingTime(1_009);
        assertThat(harness.extractOutputValues()).hasSize(3);
        harness.setProcessingTime(1_010);
        assertThat(harness.extractOutputValues()).as("timed out after 10 ms").hasSize(4);
    }

    @Test
    void batchedForecastsAreExactlyTheOnesMadeOneAtATime() throws Exception {
        open(5, 1_000);
        double[] a = {1.0, 1.2, 1.1, 1.4, 1.3, 1.6, 1.2};
        for (int i = 0; i < a.length; i++) {
            send("a", a[i]);
            send("b", -a[i]);
        }
        harness.prepareSnapshotPreBarrier(1); // scores the last, partly filled batch

        List<Prediction> out = harness.extractOutputValues();
        assertThat(out).extracting(Prediction::key).hasSize(2 * a.length).startsWith("a", "b", "a", "b");
        for (int i = 0; i < a.length; i++) {
            Prediction forA = out.get(2 * i);
            double[] window = paddedWindow(a, i);
            assertThat(forA.prediction()).isCloseTo(model.forecast(new double[][]{window}, 1)[0], within(1e-9));
            assertThat(forA.windowFill()).isEqualTo(Math.min(i + 1, WINDOW));
        }
    }

    @Test
    void aWatermarkNeverOvertakesTheInputsWaitingInABatch() throws Exception {
        open(10, 1_000);
        send("a", 1.0);
        send("b", 2.0);

        harness.processWatermark(new Watermark(500));

        List<Object> out = new ArrayList<>(harness.getOutput());
        assertThat(out).hasSize(3);
        assertThat(out.get(2)).isEqualTo(new Watermark(500));
    }

    @Test
    void aRepeatedIdIsDeadLetteredNotScoredTwice() throws Exception {
        open(1, 0);
        ScoringInput first = input("a", 1.0);
        harness.processElement(new StreamRecord<>(first, 1));
        harness.processElement(new StreamRecord<>(first, 1));

        assertThat(harness.extractOutputValues()).hasSize(1);
        assertThat(harness.getSideOutput(ModelScorer.DUPLICATES)).extracting(r -> r.getValue().reason().label())
                .containsExactly("duplicate_id");
    }

    private void open(int maxBatch, long maxWaitMs) throws Exception {
        harness = new KeyedOneInputStreamOperatorTestHarness<>(
                new ModelScorer(dir.resolve("model").toString(), 8, maxBatch, maxWaitMs), ScoringInput::key,
                Types.STRING);
        harness.open();
    }

    private void send(String key, double value) throws Exception {
        harness.processElement(new StreamRecord<>(input(key, value), offset));
    }

    private ScoringInput input(String key, double value) {
        long at = ++offset;
        String json = "{\"id\":\"" + key + at + "\"}";
        return new ScoringInput(key + at, key, at, at, new double[]{value}, null, new RawRecord(
                key.getBytes(StandardCharsets.UTF_8), json.getBytes(StandardCharsets.UTF_8), "in", 0, at, at));
    }

    private static double[] paddedWindow(double[] values, int last) {
        double[] window = new double[WINDOW];
        int first = Math.max(0, last - WINDOW + 1);
        for (int i = 0; i < WINDOW; i++) {
            window[i] = values[Math.max(first, last - WINDOW + 1 + i)];
        }
        return window;
    }
}
