package dev.streampredict.job.inference;

import dev.streampredict.common.message.InputFormat;
import dev.streampredict.common.message.Prediction;
import dev.streampredict.job.TinyModels;
import dev.streampredict.job.records.DeadLetter;
import dev.streampredict.job.records.InputEcho;
import dev.streampredict.job.records.PipelineSettings;
import dev.streampredict.job.records.RawRecord;
import dev.streampredict.job.records.RegistryMessage;
import dev.streampredict.job.records.ScoringInput;
import dev.streampredict.job.promotion.PromotionRule;
import dev.streampredict.model.Architecture;
import dev.streampredict.model.CalendarFeature;
import dev.streampredict.model.ModelArchive;
import dev.streampredict.model.ModelLimits;
import dev.streampredict.model.ModelMetadata;
import dev.streampredict.model.ModelRuntime;
import dev.streampredict.model.OnnxModels;
import dev.streampredict.model.OnnxSignature;
import dev.streampredict.model.OutputKind;
import dev.streampredict.model.Predictor;
import dev.streampredict.model.Standardizer;
import dev.streampredict.model.TargetMode;
import dev.streampredict.model.Task;
import dev.streampredict.registry.InputSchema;
import dev.streampredict.registry.ModelCommand;
import dev.streampredict.model.TestArtifacts;
import dev.streampredict.registry.RecordSignature;
import dev.streampredict.registry.RegistryRecords;
import dev.streampredict.registry.RegistryState;
import dev.streampredict.registry.RegistryStatus;
import dev.streampredict.registry.ServingPolicy;
import dev.streampredict.producer.SyntheticSeries;
import dev.streampredict.training.FitOptions;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.util.KeyedTwoInputStreamOperatorTestHarness;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;
import static org.assertj.core.api.Assertions.within;

/** The micro-batching scorer on Flink's operator test harness: when batches are scored, and that batching is exact. */
class ModelScorerTest {

    private static final int WINDOW = 4;
    private static final int WIDER_WINDOW = 6;
    /** The inputs of the job's forecasters: the synthetic series alone. */
    private static final InputSchema SERIES = new InputSchema(Task.REGRESSION, List.of(SyntheticSeries.FEATURE),
            SyntheticSeries.FEATURE);

    @TempDir
    static Path dir;
    private static ModelArchive first;
    private static Path firstDir;
    private static ModelArchive wider;
    /** A model of another series feature: it cannot score this job's inputs. */
    private static ModelArchive otherFeature;
    private static Predictor model;
    private static Predictor widerModel;

    private KeyedTwoInputStreamOperatorTestHarness<String, ScoringInput, RegistryMessage, Prediction> harness;
    private ModelLimits limits = TinyModels.LIMITS;
    /** Refuses registry records not signed for the registry, when a test sets it. */
    private RecordSignature.Verifier verifier;
    /** What the submission refused, as a new job reports it at start. */
    private final ArrayList<RegistryStatus> startRefused = new ArrayList<>();
    private long offset;

    @BeforeAll
    static void trainModels() throws Exception {
        firstDir = train("tiny", WINDOW);
        first = ModelArchive.of(firstDir.toString());
        wider = ModelArchive.of(train("wider", WIDER_WINDOW).toString());
        otherFeature = ModelArchive.of(train("other", WINDOW, "level").toString());
        model = first.load();
        widerModel = wider.load();
    }

    static Path train(String name, int window) throws IOException {
        return train(name, window, SyntheticSeries.FEATURE);
    }

    static Path train(String name, int window, String feature) throws IOException {
        return TinyModels.train(dir, name, feature, 2, window, TargetMode.DIFFERENCE,
                new FitOptions(List.of(8), 5, 2, 32, 0.01, 1));
    }

    @AfterEach
    void close() throws Exception {
        if (harness != null) {
            harness.close();
        }
    }

    @Test
    void aBatchIsScoredWhenFullOrWhenItsOldestInputHasWaitedLongEnough() throws Exception {
        open(3, 10);
        harness.setProcessingTime(1_000);

        send("a", 1.0);
        send("b", 2.0);
        assertThat(harness.extractOutputValues()).as("batch of 2 still waiting").isEmpty();
        assertThat(pendingFlushes()).as("the first input of a batch sets its deadline").isOne();
        send("a", 1.5);
        assertThat(harness.extractOutputValues()).as("full batch of 3 scored").hasSize(3);
        assertThat(pendingFlushes()).as("a batch scored when full takes its deadline with it").isZero();

        send("b", 2.5);
        harness.setProcessingTime(1_009);
        assertThat(harness.extractOutputValues()).hasSize(3);
        harness.setProcessingTime(1_010);
        assertThat(harness.extractOutputValues()).as("timed out after 10 ms").hasSize(4);
        assertThat(pendingFlushes()).as("nothing waits, so no deadline").isZero();
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
            // float32 matrix products over batches of other shapes may round the last bits differently
            assertThat(forA.prediction()).as("forecast %d", i)
                    .isCloseTo(model.forecast(new double[][]{window}, 1)[0], within(1e-6));
            assertThat(forA.windowFill()).isEqualTo(Math.min(i + 1, WINDOW));
        }
    }

    @Test
    void aWatermarkNeverOvertakesTheInputsWaitingInABatch() throws Exception {
        open(10, 1_000);
        send("a", 1.0);
        send("b", 2.0);

        harness.processWatermark1(new Watermark(500));

        List<Object> out = new ArrayList<>(harness.getOutput());
        assertThat(out).hasSize(3);
        assertThat(out.get(2)).isEqualTo(new Watermark(500));
    }

    @Test
    void aRepeatedIdIsDeadLetteredNotScoredTwice() throws Exception {
        open(1, 0);
        ScoringInput once = input("a", 1.0);
        harness.processElement1(new StreamRecord<>(once, 1));
        harness.processElement1(new StreamRecord<>(once, 1));

        assertThat(harness.extractOutputValues()).hasSize(1);
        assertThat(harness.getSideOutput(ModelScorer.DEAD_LETTERS)).extracting(r -> r.getValue().reason().label())
                .containsExactly("duplicate_id");
    }

    @Test
    void anInputTheModelAnswersWithInfinityIsDeadLetteredAndTheRestServed() throws Exception {
        open(4, 1_000);
        for (int i = 0; i < 3 * WINDOW; i++) {
            // key a's value 1e300 is finite, but no float32 network input can hold it
            send("a", i == WINDOW ? 1e300 : 1.0 + 0.1 * i);
            send("b", 2.0 - 0.1 * i);
        }
        harness.prepareSnapshotPreBarrier(1);

        List<Prediction> served = harness.extractOutputValues();
        List<DeadLetter> failed = harness.getSideOutput(ModelScorer.DEAD_LETTERS).stream()
                .map(StreamRecord::getValue).toList();
        assertThat(failed).isNotEmpty().allSatisfy(d -> {
            assertThat(d.reason().label()).isEqualTo("non_finite_prediction");
            assertThat(d.detail()).contains("model " + first.version() + " forecast").contains("1.0E300");
        });
        assertThat(served).allSatisfy(p -> assertThat(p.prediction()).isFinite());
        assertThat(served).filteredOn(p -> p.key().equals("b")).as("the other key is untouched")
                .hasSize(3 * WINDOW);
        List<String> accountedFor = new ArrayList<>(served.stream().map(Prediction::id).toList());
        failed.forEach(d -> accountedFor.add(new String(d.source().key(), StandardCharsets.UTF_8)
                + d.source().offset()));
        assertThat(accountedFor).as("every input predicted or dead-lettered, once").doesNotHaveDuplicates()
                .hasSize(6 * WINDOW);
        assertThat(served).filteredOn(p -> p.key().equals("a")).last().as("served again once the value has left "
                + "the window").satisfies(p -> assertThat(p.prediction()).isCloseTo(2.1, within(1.0)));
    }

    @Test
    void aKeyThatStopsSendingLosesItsStateAfterTheTtlAndAnActiveKeyKeepsIt() throws Exception {
        open(1, 0, null, first, Duration.ofMinutes(10));
        harness.setStateTtlProcessingTime(0);
        for (int i = 0; i < WINDOW; i++) {
            send("quiet", 1.0 + i);
            send("busy", 2.0 + i);
        }
        int bothKeys = harness.numKeyedStateEntries();
        assertThat(bothKeys).as("each key's window and recent ids").isEqualTo(4);
        for (long minute = 1; minute <= 12; minute++) { // busy keeps sending, quiet is silent for 12 minutes
            harness.setStateTtlProcessingTime(minute * 60_000);
            send("busy", 3.0);
        }
        assertThat(harness.numKeyedStateEntries()).as("quiet's expired window and ids are removed, not only hidden")
                .isEqualTo(bothKeys / 2);
        send("quiet", 9.0);
        send("busy", 3.5);

        List<Prediction> out = harness.extractOutputValues();
        Prediction quiet = out.get(out.size() - 2);
        Prediction busy = out.get(out.size() - 1);
        assertThat(quiet.windowFill()).as("quiet's window expired: it starts again like a new key").isEqualTo(1);
        assertThat(quiet.prediction()).isCloseTo(model.forecast(new double[][]{{9.0, 9.0, 9.0, 9.0}}, 1)[0],
                within(1e-6));
        assertThat(busy.windowFill()).isEqualTo(WINDOW);
        assertThat(out.stream().filter(p -> p.key().equals("quiet")).count()).isEqualTo(WINDOW + 1);
    }

    /**
     * A pure unit test of the isolation, with a model call that throws whenever its rows hold the marker value:
     * no DL4J network throws on demand, and the operator harness cannot replace the call.
     */
    @Test
    void aModelThatThrowsFailsOnlyTheInputsItThrowsOn() throws Exception {
        double marker = 666;
        RecordedScores scored = new RecordedScores(marker);
        List<Prediction> served = scored.served;
        Map<String, String> failed = scored.failed;
        InMemoryState<SeriesWindow> windows = new InMemoryState<>();
        SeriesForecasting task = task(windows, scored);
        List<ScoringInput> inputs = List.of(input("a", 1.0), input("b", 2.0), input("a", 1.1), input("c", marker),
                input("b", 2.1), input("d", 3.0));
        scoreInOneBatch(task, windows, inputs);

        assertThat(failed).containsOnlyKeys(inputs.get(3).id());
        assertThat(failed.get(inputs.get(3).id())).startsWith("model_error: model " + first.version()
                + " threw java.lang.IllegalStateException: boom");
        assertThat(served).extracting(Prediction::id).containsExactly(inputs.get(0).id(), inputs.get(1).id(),
                inputs.get(2).id(), inputs.get(4).id(), inputs.get(5).id());
        windows.key("c");
        assertThat(windows.value().served).as("no forecast of c waits for its next value").isNull();
        windows.key("a");
        assertThat(windows.value().served.steps).containsExactly(served.get(2).prediction());
        assertThat(windows.value().served.madeAfter).as("made after a's second value").containsExactly(2);
    }

    /**
     * A forecast is checked against its key's next value when that value comes, whether it comes in the same batch
     * (the forecast made a few slots earlier) or a later one, and each key's error counts only its own forecasts.
     */
    @Test
    void eachForecastIsMetByItsOwnKeysNextValueWithinABatchAndAcrossBatches() throws Exception {
        RecordedScores scored = new RecordedScores(Double.NaN);
        InMemoryState<SeriesWindow> windows = new InMemoryState<>();
        SeriesForecasting task = task(windows, scored);
        scoreInOneBatch(task, windows, List.of(input("a", 1.0), input("b", 2.0), input("a", 1.1), input("b", 2.3),
                input("a", 1.2)));
        scoreInOneBatch(task, windows, List.of(input("b", 2.2), input("a", 1.6), input("c", 9.0)));

        Map<String, List<Double>> forecasts = new HashMap<>();
        scored.served.forEach(p -> forecasts.computeIfAbsent(p.key(), k -> new ArrayList<>()).add(p.prediction()));
        List<Double> a = forecasts.get("a");
        List<Double> b = forecasts.get("b");
        double[] aErrors = {a.get(0) - 1.1, a.get(1) - 1.2, a.get(2) - 1.6};
        double[] bErrors = {b.get(0) - 2.3, b.get(1) - 2.2};
        assertThat(scored.metErrors).hasSize(5).containsExactlyInAnyOrder(aErrors[0], aErrors[1], aErrors[2],
                bErrors[0], bErrors[1]);
        windows.key("a");
        assertThat(windows.value().evaluated).isEqualTo(3);
        assertThat(windows.value().squaredErrorSum).isCloseTo(Arrays.stream(aErrors).map(e -> e * e).sum(),
                within(1e-12));
        windows.key("b");
        assertThat(windows.value().evaluated).isEqualTo(2);
        assertThat(windows.value().squaredErrorSum).isCloseTo(Arrays.stream(bErrors).map(e -> e * e).sum(),
                within(1e-12));
        windows.key("c");
        assertThat(windows.value().evaluated).as("c's only forecast still waits for its next value").isZero();
    }

    /**
     * A forecast of three steps: each step meets the value it forecast, in the batch it was made in or a later one,
     * against persistence at that step; a key's last three forecasts wait, no older one does; each step says when.
     */
    @Test
    void everyStepOfAHorizonIsScoredWhenItsValueArrivesAndNoneIsLeftBehind() throws Exception {
        Predictor threeSteps = TestArtifacts.saved(dir.resolve("three-steps"), TestArtifacts.regression("three-steps",
                SyntheticSeries.FEATURE, WINDOW, TargetMode.LEVEL).withHorizon(3),
                TestArtifacts.networkFile(TestArtifacts.network(WINDOW, 3))).load();
        RecordedScores scored = new RecordedScores(Double.NaN);
        InMemoryState<SeriesWindow> windows = new InMemoryState<>();
        SeriesForecasting task = task(windows, scored);
        double[] values = {1.0, 1.5, 1.2, 2.0, 1.7, 2.4, 2.2};
        List<ScoringInput> inputs = new ArrayList<>();
        for (double value : values) {
            inputs.add(input("h", value));
        }
        scoreInOneBatch(task, windows, inputs.subList(0, 4), threeSteps);
        scoreInOneBatch(task, windows, inputs.subList(4, 7), threeSteps);

        List<Prediction> served = scored.served;
        assertThat(served).hasSize(7).allSatisfy(p -> assertThat(p.steps()).hasSize(3));
        for (int step = 1; step <= 3; step++) {
            List<Double> expected = new ArrayList<>();
            for (int made = 0; made + step < values.length; made++) { // made after values[made]
                expected.add(served.get(made).steps().get(step - 1).forecast() - values[made + step]);
            }
            assertThat(scored.stepErrors.get(step)).as("step %d's errors, in the order their values came", step)
                    .containsExactlyElementsOf(expected);
        }
        assertThat(served.get(3).steps()).extracting(Prediction.Step::time).as("the key's spacing is 1 ms")
                .containsExactly(inputs.get(3).eventTimestamp() + 1, inputs.get(3).eventTimestamp() + 2,
                        inputs.get(3).eventTimestamp() + 3);
        assertThat(served.get(0).steps().get(0).time()).as("no spacing before a second value").isNull();
        windows.key("h");
        assertThat(windows.value().served.madeAfter).as("only the last three forecasts still have steps to score")
                .containsExactlyInAnyOrder(5L, 6L, 7L);
    }

    /**
     * A value more than the allowed lateness before its key's latest is dead-lettered and changes nothing; one within
     * it is read in arrival order; a value after a gap says how many are missing before it.
     */
    @Test
    void aLateValueIsDeadLetteredAndAGapIsSaidInThePrediction() throws Exception {
        RecordedScores scored = new RecordedScores(Double.NaN);
        InMemoryState<SeriesWindow> windows = new InMemoryState<>();
        SeriesForecasting task = new SeriesForecasting(SERIES, windows, windows::key, scored, new InputEcho(
                InputEcho.Mode.COPY, InputFormat.JSON, List.of(SyntheticSeries.FEATURE)), 8, Duration.ofSeconds(1));
        // one value a second, then two missing, then one 2 s late, then one 1 s late
        List<ScoringInput> inputs = List.of(inputAt("k", 1.0, 1_000), inputAt("k", 1.1, 2_000),
                inputAt("k", 1.2, 3_000), inputAt("k", 1.5, 6_000), inputAt("k", 1.3, 4_000),
                inputAt("k", 1.4, 5_000));
        scoreInOneBatch(task, windows, inputs);

        assertThat(scored.failed).containsOnlyKeys(inputs.get(4).id());
        assertThat(scored.failed.get(inputs.get(4).id())).startsWith("late_value: event time 1970-01-01T00:00:04Z "
                + "is PT2S before the key's latest, 1970-01-01T00:00:06Z, more than --allowed-lateness PT1S");
        assertThat(scored.served).extracting(Prediction::missingSteps).containsExactly(0, 0, 0, 2, 0);
        assertThat(scored.metErrors).as("the late value met no forecast; the one a second late met the latest")
                .hasSize(4).last().isEqualTo(scored.served.get(3).prediction() - 1.4);
        windows.key("k");
        assertThat(windows.value().count).isEqualTo(5);
        assertThat(windows.value().lastTimestamp).isEqualTo(6_000);
    }

    /** A model of the calendar: the job computes each value's hour of day and keeps its window beside the value's. */
    @Test
    void theCalendarOfEachValuesEventTimeJoinsTheKeysWindows() throws Exception {
        ModelMetadata metadata = new ModelMetadata(ModelMetadata.CURRENT_FORMAT, "hourly", Task.REGRESSION, WINDOW,
                List.of(SyntheticSeries.FEATURE), SyntheticSeries.FEATURE, TargetMode.LEVEL, new Standardizer(
                new double[]{5, 0, 0}, new double[]{2, 1, 1}), List.of(), "t", "test", Map.of(), ModelRuntime.DL4J,
                null, null, Architecture.MLP, 1, List.of(CalendarFeature.HOUR_OF_DAY));
        Predictor hourly = TestArtifacts.saved(dir.resolve("hourly"), metadata,
                TestArtifacts.networkFile(TestArtifacts.network(3 * WINDOW, 1))).load();
        RecordedScores scored = new RecordedScores(Double.NaN);
        InMemoryState<SeriesWindow> windows = new InMemoryState<>();
        SeriesForecasting task = new SeriesForecasting(InputSchema.of(metadata), windows, windows::key, scored,
                new InputEcho(InputEcho.Mode.COPY, InputFormat.JSON, List.of(SyntheticSeries.FEATURE)), 8);
        long hour = 3_600_000L;
        double[] values = {4.0, 5.5, 6.0, 4.5, 5.0};
        List<ScoringInput> inputs = new ArrayList<>();
        for (int i = 0; i < values.length; i++) {
            inputs.add(inputAt("h", values[i], (20 + i) * hour)); // 20:00 to midnight
        }
        scoreInOneBatch(task, windows, inputs, hourly);

        double[] window = new double[3 * WINDOW];
        double[] cycle = new double[2];
        for (int i = 0; i < WINDOW; i++) { // the last four values, then their hours' sines, then their cosines
            window[i] = values[i + 1];
            CalendarFeature.HOUR_OF_DAY.write((21 + i) * hour, cycle, 0);
            window[WINDOW + i] = cycle[0];
            window[2 * WINDOW + i] = cycle[1];
        }
        assertThat(scored.served.get(4).prediction())
                .isCloseTo(hourly.forecast(new double[][]{window}, 1)[0], within(1e-9));
    }

    private SeriesForecasting task(InMemoryState<SeriesWindow> windows, Scored scored) {
        return new SeriesForecasting(SERIES, windows, windows::key, scored,
                new InputEcho(InputEcho.Mode.COPY, InputFormat.JSON, List.of(SyntheticSeries.FEATURE)), 8);
    }

    private void scoreInOneBatch(SeriesForecasting task, InMemoryState<SeriesWindow> windows,
                                 List<ScoringInput> inputs) throws Exception {
        scoreInOneBatch(task, windows, inputs, model);
    }

    private void scoreInOneBatch(SeriesForecasting task, InMemoryState<SeriesWindow> windows,
                                 List<ScoringInput> inputs, Predictor served) throws Exception {
        ServingModels serving = new ServingModels(new ServingPolicy(served.metadata().modelVersion(), null,
                ServingPolicy.Mode.NONE, 0, List.of()), served, null);
        Batch batch = new Batch(8);
        batch.width(task.width(served));
        for (ScoringInput in : inputs) {
            windows.key(in.key());
            task.add(in, batch.add(in, 0, served), batch);
        }
        task.score(batch, serving);
    }

    /** Keyed value state in a map, for a task tested without Flink. */
    private static final class InMemoryState<T> implements ValueState<T> {
        private final Map<String, T> values = new HashMap<>();
        private String key;

        void key(String key) {
            this.key = key;
        }

        @Override
        public T value() {
            return values.get(key);
        }

        @Override
        public void update(T value) {
            values.put(key, value);
        }

        @Override
        public void clear() {
            values.remove(key);
        }
    }

    @Test
    void aNewStableVersionServesFromTheNextCheckpointBarrierWithItsOwnWindow() throws Exception {
        open(1, 0);
        double[] a = {1.0, 1.2, 1.1, 1.4};
        send("a", a[0]);
        publish(wider);
        command(ModelCommand.Action.STABLE, wider.version(), 0);
        send("a", a[1]);
        send("a", a[2]);
        harness.prepareSnapshotPreBarrier(1);
        send("a", a[3]);

        List<Prediction> out = harness.extractOutputValues();
        assertThat(out).extracting(Prediction::modelVersion)
                .containsExactly(first.version(), first.version(), first.version(), wider.version());
        // the key's window grew to the wider model's 6 values: 4 real ones, the oldest repeated as padding
        Prediction swapped = out.get(3);
        assertThat(swapped.windowFill()).isEqualTo(4);
        assertThat(swapped.prediction()).isCloseTo(widerModel.forecast(new double[][]{
                {a[0], a[0], a[0], a[1], a[2], a[3]}}, 1)[0], within(1e-6));
    }

    @Test
    void aRefusedArtifactOrCommandLeavesTheServingModelInPlace() throws Exception {
        open(1, 0);
        byte[] whole = wider.bytes();
        publish("garbage", "not a model".getBytes(StandardCharsets.UTF_8));
        publish(wider.version(), Arrays.copyOf(whole, whole.length / 2));
        publish(otherFeature);
        publish("renamed", whole);
        command(ModelCommand.Action.STABLE, wider.version(), 0);
        command(ModelCommand.Action.STABLE, otherFeature.version(), 0);
        command(ModelCommand.Action.PROMOTE, null, 0);
        harness.processElement2(new StreamRecord<>(new RegistryMessage("command", null, "{".getBytes(
                StandardCharsets.UTF_8), null, "test", 0)));
        harness.prepareSnapshotPreBarrier(1);
        send("a", 1.0);

        assertThat(harness.extractOutputValues()).extracting(Prediction::modelVersion)
                .containsExactly(first.version());
        assertThat(statuses()).extracting(RegistryStatus::outcome, RegistryStatus::reason).containsExactly(
                tuple(RegistryStatus.Outcome.SERVING, null),
                tuple(RegistryStatus.Outcome.REFUSED, "unreadable"),
                tuple(RegistryStatus.Outcome.REFUSED, "unreadable"),
                tuple(RegistryStatus.Outcome.REFUSED, "mismatch"),
                tuple(RegistryStatus.Outcome.REFUSED, "unreadable"),
                tuple(RegistryStatus.Outcome.REFUSED, "unknown_version"),
                tuple(RegistryStatus.Outcome.REFUSED, "unknown_version"),
                tuple(RegistryStatus.Outcome.REFUSED, "invalid_command"),
                tuple(RegistryStatus.Outcome.REFUSED, "malformed_record"));
    }

    @Test
    void theRecordsThatOnceStoppedServingAreRefusedCountedAndReported() throws Exception {
        open(1, 0);
        String feature = first.metadata().target();
        publish("no-target", TestArtifacts.Hostile.withoutTarget("no-target", feature));
        publish("bomb", TestArtifacts.Hostile.networkBomb("bomb", feature));
        publish("wide", TestArtifacts.Hostile.tooWide("wide", feature));
        command(ModelCommand.Action.STABLE, "wide", 0);
        harness.prepareSnapshotPreBarrier(1);
        send("a", 1.0);

        assertThat(harness.extractOutputValues()).extracting(Prediction::modelVersion)
                .containsExactly(first.version());
        assertThat(statuses()).filteredOn(s -> s.outcome() == RegistryStatus.Outcome.REFUSED)
                .extracting(RegistryStatus::version, RegistryStatus::reason).containsExactly(
                        tuple("no-target", "invalid_metadata"), tuple("bomb", "over_budget"),
                        tuple("wide", "over_budget"), tuple("wide", "unknown_version"));
    }

    @Test
    void aNewJobReportsTheRefusalsOfItsStartOnceAndARestoredOneOnlyWhatItServes() throws Exception {
        startRefused.add(new RegistryStatus("test", 7, "artifact", "broken", RegistryStatus.Outcome.REFUSED,
                "corrupt", "at submission", 0));
        open(1, 0);
        publish(wider);
        OperatorSubtaskState snapshot = harness.snapshot(1, 1);
        assertThat(statuses()).extracting(RegistryStatus::outcome, RegistryStatus::offset).containsExactly(
                tuple(RegistryStatus.Outcome.REFUSED, 7L), tuple(RegistryStatus.Outcome.SERVING, -1L),
                tuple(RegistryStatus.Outcome.ACCEPTED, 0L));
        harness.close();

        open(1, 0, snapshot);
        assertThat(statuses()).extracting(RegistryStatus::outcome).containsExactly(RegistryStatus.Outcome.SERVING);
    }

    @Test
    void aVerifyingJobAppliesOnlyRecordsSignedWithItsKeysForItsRegistry() throws Exception {
        KeyPair publisher = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
        verifier = RecordSignature.Verifier.of(List.of(publisher.getPublic()), "registry-id");
        RecordSignature.Signer signer = new RecordSignature.Signer(publisher.getPrivate(), "registry-id");
        open(1, 0);
        ModelCommand toWider = ModelCommand.of(ModelCommand.Action.STABLE, wider.version(), 0, "t");
        receive(RegistryRecords.artifact("models", wider, null));
        receive(RegistryRecords.artifact("models", wider, signer));
        receive(RegistryRecords.command("models", toWider, new RecordSignature.Signer(publisher.getPrivate(),
                "another-registry")));
        receive(RegistryRecords.command("models", toWider, null));
        harness.prepareSnapshotPreBarrier(1);
        send("a", 1.0);
        receive(RegistryRecords.command("models", toWider, signer));
        harness.prepareSnapshotPreBarrier(2);
        send("a", 1.1);

        assertThat(statuses()).extracting(RegistryStatus::outcome, RegistryStatus::reason).containsExactly(
                tuple(RegistryStatus.Outcome.SERVING, null), tuple(RegistryStatus.Outcome.REFUSED, "unsigned"),
                tuple(RegistryStatus.Outcome.ACCEPTED, null), tuple(RegistryStatus.Outcome.REFUSED, "bad_signature"),
                tuple(RegistryStatus.Outcome.REFUSED, "unsigned"), tuple(RegistryStatus.Outcome.ACCEPTED, null),
                tuple(RegistryStatus.Outcome.SERVING, null));
        assertThat(harness.extractOutputValues()).extracting(Prediction::modelVersion)
                .containsExactly(first.version(), wider.version());
    }

    @Test
    void aJobRestoredWithASmallerBudgetServesWhatItAcceptedAndHoldsNewArrivalsToIt() throws Exception {
        open(1, 0);
        publish(wider);
        command(ModelCommand.Action.STABLE, wider.version(), 0);
        harness.prepareSnapshotPreBarrier(1);
        OperatorSubtaskState snapshot = harness.snapshot(1, 1);
        harness.close();

        limits = new ModelLimits(1024 * 1024, 100_000); // a batch of 100,000 rows: no model fits
        open(1, 0, snapshot);
        send("a", 1.0);
        publish(first);

        assertThat(harness.extractOutputValues()).extracting(Prediction::modelVersion)
                .containsExactly(wider.version());
        assertThat(statuses()).extracting(RegistryStatus::reason).containsExactly(null, "over_budget");
    }

    @Test
    void aShadowScoresEveryInputBesideTheStableModelWithoutServing() throws Exception {
        open(2, 1_000);
        publish(wider);
        command(ModelCommand.Action.SHADOW, wider.version(), 0);
        harness.prepareSnapshotPreBarrier(1);
        double[] a = {1.0, 1.2, 1.1};
        for (double value : a) {
            send("a", value);
        }
        harness.prepareSnapshotPreBarrier(2);

        List<Prediction> served = harness.extractOutputValues();
        List<Prediction> shadowed = harness.getSideOutput(ModelScorer.SHADOW_PREDICTIONS).stream()
                .map(StreamRecord::getValue).toList();
        assertThat(served).extracting(Prediction::modelVersion).containsOnly(first.version()).hasSize(3);
        assertThat(shadowed).extracting(Prediction::modelVersion).containsOnly(wider.version()).hasSize(3);
        assertThat(shadowed).extracting(Prediction::id).isEqualTo(served.stream().map(Prediction::id).toList());
        assertThat(shadowed.get(2).prediction()).isCloseTo(widerModel.forecast(new double[][]{
                {a[0], a[0], a[0], a[0], a[1], a[2]}}, 1)[0], within(1e-6));
        assertThat(served.get(2).prediction()).isCloseTo(model.forecast(new double[][]{
                {a[0], a[0], a[1], a[2]}}, 1)[0], within(1e-6));
    }

    @Test
    void aForecastOfAModelWithIntervalsCarriesItsIntervalAndAShadowWithoutNone() throws Exception {
        ModelMetadata m = first.metadata();
        assertThat(m.intervals()).as("the tests' forecasters have intervals").isNotNull();
        ModelArchive withoutIntervals = TestArtifacts.saved(dir.resolve("tiny-plain"), new ModelMetadata(
                m.formatVersion(), "tiny-plain", m.task(), m.windowSize(), m.features(), m.target(),
                m.targetMode(), m.standardizer(), m.classes(), m.createdAt(), m.trainingData(), m.metrics()),
                Files.readAllBytes(firstDir.resolve("network.zip")));
        open(2, 1_000);
        publish(withoutIntervals);
        command(ModelCommand.Action.SHADOW, withoutIntervals.version(), 0);
        harness.prepareSnapshotPreBarrier(1);
        for (double value : new double[]{1.0, 1.2, 1.1}) {
            send("a", value);
        }
        harness.prepareSnapshotPreBarrier(2);

        double halfWidth = m.intervals().nextHalfWidth();
        assertThat(harness.extractOutputValues()).hasSize(3).allSatisfy(p -> {
            assertThat(p.modelVersion()).isEqualTo(first.version());
            assertThat(p.interval()).isEqualTo(new Prediction.Interval(m.intervals().level(),
                    p.prediction() - halfWidth, p.prediction() + halfWidth));
        });
        assertThat(harness.getSideOutput(ModelScorer.SHADOW_PREDICTIONS)).hasSize(3)
                .allSatisfy(r -> assertThat(r.getValue().interval()).isNull());
    }

    @Test
    void aClassifierServesItsClassesAndAShadowClassifierItsOwnBesideIt() throws Exception {
        ModelArchive servedArchive = TestArtifacts.classifier("iris-a", ClassifyingTest.FEATURES,
                ClassifyingTest.CLASSES, 1, dir);
        ModelArchive shadowArchive = TestArtifacts.classifier("iris-b", ClassifyingTest.FEATURES,
                ClassifyingTest.CLASSES, 2, dir);
        open(2, 1_000, null, servedArchive);
        publish(shadowArchive);
        command(ModelCommand.Action.SHADOW, shadowArchive.version(), 0);
        harness.prepareSnapshotPreBarrier(1);
        double[][] flowers = {{5.1, 3.5, 1.4, 0.2}, {6.4, 3.2, 4.5, 1.5}, {-4.0, 9.0, -2.0, 7.0}};
        for (int i = 0; i < flowers.length; i++) {
            ScoringInput flower = input("flower-" + i, 0);
            harness.processElement1(new StreamRecord<>(new ScoringInput(flower.id(), flower.key(),
                    flower.eventTimestamp(), flower.ingestTimestamp(), flowers[i].clone(), "setosa", flower.source()),
                    i));
        }
        harness.prepareSnapshotPreBarrier(2);

        List<Prediction> served = harness.extractOutputValues();
        List<Prediction> shadowed = harness.getSideOutput(ModelScorer.SHADOW_PREDICTIONS).stream()
                .map(StreamRecord::getValue).toList();
        List<String> servedClasses = classes(servedArchive.load().classify(flowers, flowers.length));
        List<String> shadowClasses = classes(shadowArchive.load().classify(flowers, flowers.length));
        assertThat(shadowClasses).as("the two classifiers disagree on a flower, so each is told apart")
                .isNotEqualTo(servedClasses);
        assertThat(served).extracting(Prediction::predictedClass).containsExactlyElementsOf(servedClasses);
        assertThat(served).extracting(Prediction::modelVersion).containsOnly("iris-a");
        assertThat(shadowed).extracting(Prediction::predictedClass).containsExactlyElementsOf(shadowClasses);
        assertThat(shadowed).extracting(Prediction::modelVersion).containsOnly("iris-b");
    }

    private static List<String> classes(double[][] probabilities) {
        return Arrays.stream(probabilities).map(p -> ClassifyingTest.CLASSES.get(Predictor.mostLikely(p))).toList();
    }

    @Test
    void aCanaryServesItsShareOfKeysAndEveryKeyStaysWithOneModel() throws Exception {
        open(16, 1_000);
        publish(wider);
        command(ModelCommand.Action.CANARY, wider.version(), 30);
        harness.prepareSnapshotPreBarrier(1);
        for (int round = 0; round < 3; round++) {
            for (int k = 0; k < 40; k++) {
                send("key-" + k, round + k * 0.1);
            }
        }
        harness.prepareSnapshotPreBarrier(2);

        Map<String, Set<String>> versionsOfKey = new HashMap<>();
        harness.extractOutputValues().forEach(p ->
                versionsOfKey.computeIfAbsent(p.key(), k -> new HashSet<>()).add(p.modelVersion()));
        assertThat(versionsOfKey).hasSize(40).allSatisfy((key, versions) -> assertThat(versions).containsExactly(
                ServingPolicy.canaryBucket(key) < 30 ? wider.version() : first.version()));
        assertThat(versionsOfKey.values()).anySatisfy(v -> assertThat(v).contains(wider.version()))
                .anySatisfy(v -> assertThat(v).contains(first.version()));
    }

    @Test
    void aRestoredSubtaskServesTheVersionInItsStateNotTheOneItWasStartedWith() throws Exception {
        open(1, 0);
        send("a", 1.0);
        publish(wider);
        command(ModelCommand.Action.STABLE, wider.version(), 0);
        harness.prepareSnapshotPreBarrier(1);
        OperatorSubtaskState snapshot = harness.snapshot(1, 1);
        harness.close();

        open(1, 0, snapshot);
        send("a", 2.0);

        Prediction restored = harness.extractOutputValues().get(0);
        assertThat(restored.modelVersion()).isEqualTo(wider.version());
        assertThat(restored.windowFill()).as("the key's window came back too").isEqualTo(2);
    }

    @Test
    void eachCheckpointReportsTheTrialsOutcomesOfStableAndShadowOnTheSameInputs() throws Exception {
        open(1, 0);
        publish(wider);
        command(ModelCommand.Action.SHADOW, wider.version(), 0);
        harness.prepareSnapshotPreBarrier(1);
        double[] a = {1.0, 1.2, 1.1, 1.5};
        for (double value : a) {
            send("a", value);
        }
        harness.prepareSnapshotPreBarrier(2);

        List<Prediction> served = harness.extractOutputValues();
        List<Prediction> shadowed = harness.getSideOutput(ModelScorer.SHADOW_PREDICTIONS).stream()
                .map(StreamRecord::getValue).toList();
        assertThat(harness.getSideOutput(ModelScorer.TRIALS)).extracting(StreamRecord::getValue)
                .singleElement().satisfies(report -> {
                    assertThat(report.stable()).isEqualTo(first.version());
                    assertThat(report.candidate()).isEqualTo(wider.version());
                    assertThat(report.stableOutcomes()).isEqualTo(3);
                    assertThat(report.candidateOutcomes()).isEqualTo(3);
                    assertThat(report.stableError()).isCloseTo(squaredErrors(served, a), within(1e-9));
                    assertThat(report.candidateError()).isCloseTo(squaredErrors(shadowed, a), within(1e-9));
                });
    }

    private static double squaredErrors(List<Prediction> forecasts, double[] actual) {
        double sum = 0;
        for (int i = 0; i + 1 < actual.length; i++) {
            sum += Math.pow(forecasts.get(i).prediction() - actual[i + 1], 2);
        }
        return sum;
    }

    @Test
    void aSavepointFromBeforeTheRegistryRestoredWithAWiderModelGrowsEachKeysWindow() throws Exception {
        open(1, 0);
        double[] a = {1.0, 1.2, 1.1};
        for (double value : a) {
            send("a", value);
        }
        OperatorSubtaskState withRegistry = harness.snapshot(1, 1);
        harness.close();
        // keyed state only, as a savepoint of the job before it had a registry
        OperatorSubtaskState keyedOnly = OperatorSubtaskState.builder()
                .setManagedKeyedState(withRegistry.getManagedKeyedState()).build();

        open(1, 0, keyedOnly, wider);
        send("a", 1.5);

        Prediction restored = harness.extractOutputValues().get(0);
        assertThat(restored.modelVersion()).isEqualTo(wider.version());
        assertThat(restored.windowFill()).as("the 3 values kept plus the new one").isEqualTo(4);
        assertThat(restored.prediction()).isCloseTo(widerModel.forecast(new double[][]{
                {a[0], a[0], a[0], a[1], a[2], 1.5}}, 1)[0], within(1e-6));
    }

    @Test
    void anOnnxCanaryBesideADl4jStableServesItsKeysThenAllOfThemAndRollsBack() throws Exception {
        float[] weights = {0.5f, -1f, 2f};
        ModelArchive onnx = TestArtifacts.onnxForecaster("onnx-linear", SyntheticSeries.FEATURE, weights, 0.25f, dir);
        open(16, 1_000);
        publish(onnx);
        command(ModelCommand.Action.CANARY, onnx.version(), 50);
        harness.prepareSnapshotPreBarrier(1);
        double[] values = {1.0, 1.5, 0.5};
        for (double value : values) {
            for (int k = 0; k < 20; k++) {
                send("key-" + k, value + k);
            }
        }
        harness.prepareSnapshotPreBarrier(2);
        List<Prediction> canary = List.copyOf(harness.extractOutputValues());
        harness.getOutput().clear();
        command(ModelCommand.Action.STABLE, onnx.version(), 0);
        harness.prepareSnapshotPreBarrier(3);
        send("key-0", 4.0);
        command(ModelCommand.Action.ROLLBACK, null, 0);
        harness.prepareSnapshotPreBarrier(4);
        send("key-0", 5.0);
        harness.prepareSnapshotPreBarrier(5);

        List<Prediction> onnxServed = canary.stream().filter(p -> p.modelVersion().equals(onnx.version())).toList();
        assertThat(canary).hasSize(60).allSatisfy(p -> assertThat(p.modelVersion()).isEqualTo(
                ServingPolicy.canaryBucket(p.key()) < 50 ? onnx.version() : first.version()));
        assertThat(onnxServed).isNotEmpty().hasSizeLessThan(60);
        Map<String, List<Prediction>> byKey = new HashMap<>();
        onnxServed.forEach(p -> byKey.computeIfAbsent(p.key(), key -> new ArrayList<>()).add(p));
        byKey.forEach((key, predictions) -> {
            int k = Integer.parseInt(key.substring("key-".length()));
            assertThat(predictions).hasSize(3);
            assertThat(predictions.get(2).prediction()).as(key).isCloseTo(
                    0.5 * (values[0] + k) - (values[1] + k) + 2 * (values[2] + k) + 0.25, within(1e-5));
        });
        assertThat(harness.extractOutputValues()).extracting(Prediction::modelVersion, Prediction::prediction)
                .first().isEqualTo(tuple(onnx.version(), 0.5 * 1.5 - 0.5 + 2 * 4.0 + 0.25));
        assertThat(harness.extractOutputValues()).extracting(Prediction::modelVersion)
                .containsExactly(onnx.version(), first.version());
    }

    @Test
    void aDl4jShadowScoresBesideAnOnnxStableOnTheSameInputs() throws Exception {
        ModelArchive onnx = TestArtifacts.onnxForecaster("onnx-stable", SyntheticSeries.FEATURE,
                new float[]{1f, 1f, 1f, 1f}, 0f, dir);
        open(2, 1_000, null, onnx);
        publish(first);
        command(ModelCommand.Action.SHADOW, first.version(), 0);
        harness.prepareSnapshotPreBarrier(1);
        for (double value : new double[]{1.0, 2.0, 3.0, 4.0}) {
            send("a", value);
        }
        harness.prepareSnapshotPreBarrier(2);

        List<Prediction> served = harness.extractOutputValues();
        List<Prediction> shadowed = harness.getSideOutput(ModelScorer.SHADOW_PREDICTIONS).stream()
                .map(StreamRecord::getValue).toList();
        assertThat(served).extracting(Prediction::modelVersion).containsOnly(onnx.version()).hasSize(4);
        assertThat(served.get(3).prediction()).isCloseTo(10.0, within(1e-5));
        assertThat(shadowed).extracting(Prediction::modelVersion).containsOnly(first.version()).hasSize(4);
        assertThat(shadowed.get(3).prediction()).isCloseTo(model.forecast(new double[][]{{1, 2, 3, 4}}, 1)[0],
                within(1e-6));
    }

    @Test
    void onnxFilesTheJobCannotServeAreRefusedWithTheirReasonsAndTheServingModelCarriesOn() throws Exception {
        open(1, 0);
        String feature = first.metadata().target();
        OnnxSignature rowsOf3 = new OnnxSignature("x", List.of(OnnxModels.BATCH, 3L), "y", OutputKind.VALUES);
        byte[] linear = OnnxModels.linear(new float[]{1, 2, 3}, 0);
        publish(TestArtifacts.saved(dir, TestArtifacts.onnxRegression("onnx-wide", feature, 3, rowsOf3),
                OnnxModels.linear(new float[]{1, 2, 3, 4}, 0)));
        publish(TestArtifacts.saved(dir, TestArtifacts.onnxRegression("onnx-op", feature, 3, rowsOf3),
                OnnxModels.graph().input("x", OnnxModels.FLOAT, OnnxModels.BATCH, 3).node("NoSuchOp", "x", "y")
                        .output("y", OnnxModels.FLOAT, OnnxModels.BATCH, 1).bytes()));
        publish(TestArtifacts.saved(dir, TestArtifacts.onnxRegression("onnx-cut", feature, 3, rowsOf3),
                Arrays.copyOf(linear, linear.length - 9)));
        publish(TestArtifacts.saved(dir, TestArtifacts.onnxRegression("onnx-nan", feature, 3, rowsOf3),
                OnnxModels.linear(new float[]{1, Float.NaN, 3}, 0)));
        publish(TestArtifacts.saved(dir, TestArtifacts.onnxRegression("onnx-level", "level", 3, rowsOf3), linear));
        command(ModelCommand.Action.STABLE, "onnx-nan", 0);
        harness.prepareSnapshotPreBarrier(1);
        send("a", 1.0);

        assertThat(harness.extractOutputValues()).extracting(Prediction::modelVersion)
                .containsExactly(first.version());
        assertThat(statuses()).filteredOn(s -> s.outcome() == RegistryStatus.Outcome.REFUSED)
                .extracting(RegistryStatus::version, RegistryStatus::reason).containsExactly(
                        tuple("onnx-wide", "mismatch"), tuple("onnx-op", "unsupported"), tuple("onnx-cut", "corrupt"),
                        tuple("onnx-nan", "non_finite_output"), tuple("onnx-level", "mismatch"),
                        tuple("onnx-nan", "unknown_version"));
    }

    @Test
    void rollbackReturnsToThePreviousStableVersion() throws Exception {
        open(1, 0);
        publish(wider);
        command(ModelCommand.Action.STABLE, wider.version(), 0);
        harness.prepareSnapshotPreBarrier(1);
        send("a", 1.0);
        command(ModelCommand.Action.ROLLBACK, null, 0);
        harness.prepareSnapshotPreBarrier(2);
        send("a", 2.0);

        assertThat(harness.extractOutputValues()).extracting(Prediction::modelVersion)
                .containsExactly(wider.version(), first.version());
    }

    private void open(int maxBatch, long maxWaitMs) throws Exception {
        open(maxBatch, maxWaitMs, null);
    }

    private void open(int maxBatch, long maxWaitMs, OperatorSubtaskState restored) throws Exception {
        open(maxBatch, maxWaitMs, restored, first);
    }

    private void open(int maxBatch, long maxWaitMs, OperatorSubtaskState restored, ModelArchive startWith)
            throws Exception {
        open(maxBatch, maxWaitMs, restored, startWith, Duration.ZERO);
    }

    private void open(int maxBatch, long maxWaitMs, OperatorSubtaskState restored, ModelArchive startWith,
                      Duration stateTtl) throws Exception {
        harness = new KeyedTwoInputStreamOperatorTestHarness<>(new ModelScorer(new PipelineSettings(
                InputSchema.of(startWith.metadata()), new HashMap<>(RegistryState.withStable(startWith).toEntries()),
                limits, verifier, "test", startRefused, true, InputFormat.JSON, InputEcho.Mode.COPY,
                4096, 0, Duration.ofHours(1), Duration.ZERO, 8, maxBatch, Duration.ofMillis(maxWaitMs),
                new PromotionRule(1_000, 0.05, 0.05), stateTtl, null)), ScoringInput::key, message -> "", Types.STRING);
        if (restored != null) {
            harness.initializeState(restored);
        }
        harness.open();
    }

    /** A registry record as the job's Kafka source hands it on. */
    private void receive(ProducerRecord<byte[], byte[]> record) throws Exception {
        Header signature = record.headers().lastHeader(RegistryRecords.HEADER_SIGNATURE);
        Header version = record.headers().lastHeader(RegistryRecords.HEADER_VERSION);
        harness.processElement2(new StreamRecord<>(new RegistryMessage(
                new String(record.headers().lastHeader(RegistryRecords.HEADER_TYPE).value(), StandardCharsets.UTF_8),
                version == null ? null : new String(version.value(), StandardCharsets.UTF_8), record.value(),
                signature == null ? null : signature.value(), "test", ++offset)));
    }

    private List<RegistryStatus> statuses() {
        return harness.getSideOutput(ModelScorer.STATUS).stream().map(StreamRecord::getValue).toList();
    }

    /** The batch deadlines set and not yet passed or cancelled. */
    private int pendingFlushes() {
        return harness.getProcessingTimeService().getNumActiveTimers();
    }

    private void send(String key, double value) throws Exception {
        harness.processElement1(new StreamRecord<>(input(key, value), offset));
    }

    private void publish(ModelArchive archive) throws Exception {
        publish(archive.version(), archive.bytes());
    }

    private void publish(String version, byte[] bytes) throws Exception {
        harness.processElement2(new StreamRecord<>(new RegistryMessage("artifact", version, bytes, null, "test", 0)));
    }

    private void command(ModelCommand.Action action, String version, int percent) throws Exception {
        byte[] json = ("{\"action\":\"" + action + "\",\"version\":" + (version == null ? "null" : "\"" + version
                + "\"") + ",\"percent\":" + percent + ",\"issuedAt\":1}").getBytes(StandardCharsets.UTF_8);
        harness.processElement2(new StreamRecord<>(new RegistryMessage("command", null, json, null, "test", 0)));
    }

    private ScoringInput input(String key, double value) {
        return inputAt(key, value, ++offset);
    }

    private static ScoringInput inputAt(String key, double value, long at) {
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
