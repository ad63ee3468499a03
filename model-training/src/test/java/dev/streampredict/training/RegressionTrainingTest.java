package dev.streampredict.training;

import dev.streampredict.common.message.InputRecord;
import dev.streampredict.model.Architecture;
import dev.streampredict.model.CalendarFeature;
import dev.streampredict.model.ModelArtifact;
import dev.streampredict.model.Predictor;
import dev.streampredict.model.TargetMode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CancellationException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

class RegressionTrainingTest {

    private static final PrintStream QUIET = new PrintStream(OutputStream.nullOutputStream());

    @TempDir
    Path dir;

    @Test
    void beatsPersistenceClearlyOnAPredictableNoisySine() {
        TrainedModel model = RegressionTraining.train(noisySine(1500, 7), settings(TargetMode.LEVEL), QUIET);

        Map<String, Double> m = model.metadata().metrics();
        assertThat(m.get("test.mseRatioToPersistence")).isLessThan(0.5);
        assertThat(m.get("test.mse")).isLessThan(m.get("test.movingAverage.mse"));
    }

    /** Noise of spread 0.5 around a sine the network learns: a 90% interval is about 1.645 spreads wide. */
    @Test
    void intervalsOnNoiseOfKnownSpreadHoldTheirLevelOnTheTestPartAndTravelWithTheArtifact() throws Exception {
        TrainedModel model = RegressionTraining.train(noisySine(2000, 13), settings(TargetMode.LEVEL, 0.9,
                Architecture.MLP), QUIET);
        model.save(dir);

        Map<String, Double> m = model.metadata().metrics();
        double halfWidth = model.metadata().intervals().nextHalfWidth();
        assertThat(halfWidth).as("1.645 x 0.5, and a little for the model's own error").isBetween(0.75, 1.05);
        assertThat(m.get("interval.halfWidth")).isEqualTo(halfWidth);
        assertThat(m.get("test.intervalCoverage")).as("on %s test windows", m.get("test.samples"))
                .isBetween(0.85, 0.95);
        assertThat(ModelArtifact.load(dir.toString()).metadata().intervals())
                .isEqualTo(model.metadata().intervals());
    }

    /** Each architecture learns the sine, and its saved artifact loads as a job loads it and forecasts alike. */
    @ParameterizedTest
    @EnumSource(value = Architecture.class, names = {"LSTM", "CNN"})
    void aSequenceNetworkBeatsPersistenceAndServesFromItsArtifactAsTrained(Architecture architecture)
            throws Exception {
        List<InputRecord> data = noisySine(1500, 7);
        TrainedModel model = RegressionTraining.train(data, settings(TargetMode.DIFFERENCE, 0, architecture), QUIET);
        model.save(dir);

        Map<String, Double> m = model.metadata().metrics();
        assertThat(m.get("test.mseRatioToPersistence")).as(architecture + " against persistence").isLessThan(0.5);
        Predictor loaded = ModelArtifact.load(dir.toString());
        assertThat(loaded.metadata().architecture()).isEqualTo(architecture);
        List<SeriesSample> samples = SeriesSamples.build(data, "value", 16);
        TimeSplit<SeriesSample> split = TimeSplit.of(samples, SeriesSample::timestamp, 0.15, 0.15);
        double[][] windows = split.test().stream().map(SeriesSample::window).toArray(double[][]::new);
        assertThat(ForecastErrors.of(split.test(), loaded.forecast(windows, windows.length)).mse())
                .isCloseTo(m.get("test.mse"), within(1e-6 * m.get("test.mse")));
    }

    /**
     * A target that is a known function of another series' last value, plus little noise: a model of the target
     * alone cannot forecast it, a model that reads both does, in each architecture, and its artifact serves alike.
     */
    @ParameterizedTest
    @EnumSource(Architecture.class)
    void aTargetDrivenByAnotherSeriesIsForecastFromBoth(Architecture architecture) throws Exception {
        List<InputRecord> data = drivenSeries(1200, 5);
        RegressionTraining.Settings both = new RegressionTraining.Settings("driven", "generated", "load", 8,
                TargetMode.DIFFERENCE, 0.15, 0.15, new FitOptions(List.of(32, 32), 60, 8, 64, 0.003, 42), 0,
                architecture, List.of("speed", "load"));
        TrainedModel model = RegressionTraining.train(data, both, QUIET);
        model.save(dir);

        Map<String, Double> m = model.metadata().metrics();
        assertThat(m.get("test.mseRatioToPersistence")).as(architecture + " reading both series").isLessThan(0.1);
        assertThat(model.metadata().features()).containsExactly("speed", "load");
        assertThat(model.metadata().standardizer().columns()).isEqualTo(2);
        Predictor loaded = ModelArtifact.load(dir.toString());
        List<SeriesSample> samples = SeriesSamples.build(data, List.of("speed", "load"), "load", 8);
        TimeSplit<SeriesSample> split = TimeSplit.of(samples, SeriesSample::timestamp, 0.15, 0.15);
        double[][] inputs = split.test().stream().map(SeriesSample::inputs).toArray(double[][]::new);
        assertThat(ForecastErrors.of(split.test(), loaded.forecast(inputs, inputs.length)).mse())
                .isCloseTo(m.get("test.mse"), within(1e-6 * m.get("test.mse")));
        if (architecture == Architecture.MLP) { // the other series is what makes it forecastable
            TrainedModel alone = RegressionTraining.train(data, new RegressionTraining.Settings("driven", "generated",
                    "load", 8, TargetMode.DIFFERENCE, 0.15, 0.15, both.fit()), QUIET);
            assertThat(alone.metadata().metrics().get("test.mseRatioToPersistence")).isGreaterThan(0.3);
        }
    }

    /**
     * A daily series that is high on weekends: after three ordinary days the next may be ordinary (Monday to
     * Wednesday) or a Saturday, which a window of three values cannot tell and the day of the week can.
     */
    @Test
    void theDayOfTheWeekTellsWhatTheWindowCannot() {
        Random random = new Random(23);
        List<InputRecord> days = new ArrayList<>();
        for (int day = 0; day < 1_500; day++) { // day 0: Thursday 1 January 1970
            long time = day * 86_400_000L;
            int weekday = (day + 3) % 7; // Monday 0
            days.add(new InputRecord("d" + day, "shop", time, Map.of("sales", (weekday >= 5 ? 10 : 0)
                    + 0.5 * random.nextGaussian())));
        }
        FitOptions fit = new FitOptions(List.of(16), 60, 8, 64, 0.01, 42);
        TrainedModel alone = RegressionTraining.train(days, new RegressionTraining.Settings("sales", "generated",
                "sales", 3, TargetMode.LEVEL, 0.15, 0.15, fit), QUIET);
        TrainedModel withCalendar = RegressionTraining.train(days, new RegressionTraining.Settings("sales",
                "generated", "sales", 3, TargetMode.LEVEL, 0.15, 0.15, fit, 0, Architecture.MLP, null, 1,
                List.of(CalendarFeature.DAY_OF_WEEK), 0), QUIET);

        double noise = 0.25;
        assertThat(withCalendar.metadata().calendar()).containsExactly(CalendarFeature.DAY_OF_WEEK);
        assertThat(withCalendar.metadata().metrics().get("test.mse")).as("about the noise's variance")
                .isLessThan(1.5 * noise);
        assertThat(alone.metadata().metrics().get("test.mse")).as("a Saturday after three ordinary days is a guess")
                .isGreaterThan(3 * withCalendar.metadata().metrics().get("test.mse"));
    }

    /** {@code load} is three times the previous {@code speed}, which is noise: only {@code speed} tells it. */
    static List<InputRecord> drivenSeries(int n, long seed) {
        Random random = new Random(seed);
        List<InputRecord> records = new ArrayList<>();
        double speed = 0;
        for (int t = 0; t < n; t++) {
            double load = 3 * speed + 0.1 * random.nextGaussian();
            speed = random.nextGaussian();
            records.add(new InputRecord("id-" + t, "machine", 1_000L * t, Map.of("speed", speed, "load", load)));
        }
        return records;
    }

    /**
     * Six steps ahead on a sine of period 20: persistence is far off at step 6, the model is not; each step has its
     * errors, baselines and interval, and the saved artifact forecasts every step as training measured it.
     */
    @Test
    void aHorizonOfStepsIsForecastEvaluatedAndCalibratedStepByStep() throws Exception {
        List<InputRecord> data = noisySine(2000, 17);
        RegressionTraining.Settings settings = new RegressionTraining.Settings("sine-value", "generated", "value", 16,
                TargetMode.DIFFERENCE, 0.15, 0.15, new FitOptions(List.of(32, 32), 60, 8, 64, 0.003, 42), 0.9,
                Architecture.MLP, null, 6);
        TrainedModel model = RegressionTraining.train(data, settings, QUIET);
        model.save(dir);

        Map<String, Double> m = model.metadata().metrics();
        assertThat(model.metadata().horizon()).isEqualTo(6);
        assertThat(model.metadata().intervals().halfWidths()).hasSize(6);
        Predictor loaded = ModelArtifact.load(dir.toString());
        List<SeriesSample> samples = SeriesSamples.build(data, List.of("value"), "value", 16, 6);
        TimeSplit<SeriesSample> split = TimeSplit.of(samples, SeriesSample::timestamp, 0.15, 0.15);
        double[][] windows = split.test().stream().map(SeriesSample::inputs).toArray(double[][]::new);
        double[][] steps = loaded.forecastSteps(windows, windows.length);
        for (int step = 1; step <= 6; step++) {
            String prefix = "test.step" + step + ".";
            assertThat(m.get(prefix + "mseRatioToPersistence")).as("step %d against persistence", step)
                    .isLessThan(step == 1 ? 0.5 : 0.1);
            assertThat(m.get(prefix + "intervalCoverage")).as("step %d's 90%% interval", step).isBetween(0.82, 0.97);
            assertThat(ForecastErrors.of(split.test(), ForecastErrors.atStep(steps, step), step).mse())
                    .isCloseTo(m.get(prefix + "mse"), within(1e-6 * m.get(prefix + "mse")));
        }
        assertThat(m.get("test.step1.mse")).isEqualTo(m.get("test.mse"));
    }

    /**
     * A slow cycle under noise: its day-to-day changes are mostly noise, so no season is found in them, but a season
     * given reaches back beyond the window, and the seasonal naive forecast then errs by two noises: 2 sigma^2.
     */
    @Test
    void aSeasonGivenBeyondTheWindowGivesTheSeasonalNaiveBaseline() {
        Random random = new Random(5);
        List<InputRecord> slowCycle = new ArrayList<>();
        for (int t = 0; t < 2_000; t++) {
            double value = 10 * Math.sin(2 * Math.PI * t / 50) + 2 * random.nextGaussian();
            slowCycle.add(new InputRecord("id-" + t, "cycle", 1_000L * t, Map.of("value", value)));
        }
        FitOptions quick = new FitOptions(List.of(8), 5, 2, 64, 0.01, 42);
        Map<String, Double> found = RegressionTraining.train(slowCycle, new RegressionTraining.Settings("cycle",
                "generated", "value", 8, TargetMode.LEVEL, 0.15, 0.15, quick), QUIET).metadata().metrics();
        assertThat(found).doesNotContainKey("season.length");

        Map<String, Double> given = RegressionTraining.train(slowCycle, new RegressionTraining.Settings("cycle",
                "generated", "value", 8, TargetMode.LEVEL, 0.15, 0.15, quick, 0, Architecture.MLP, null, 2, null, 50),
                QUIET).metadata().metrics();
        assertThat(given.get("season.length")).isEqualTo(50.0);
        assertThat(given.get("test.seasonalNaive.mse")).isBetween(6.0, 10.0);
        assertThat(given.get("test.step2.seasonalNaive.mse")).isBetween(6.0, 10.0);
        assertThatThrownBy(() -> new RegressionTraining.Settings("cycle", "generated", "value", 8, TargetMode.LEVEL,
                0.15, 0.15, quick, 0, Architecture.MLP, null, 1, null, -1)).hasMessageContaining("--season");
    }

    @Test
    void anInterruptedTrainingStopsAtTheNextEpochInsteadOfRunningToItsEnd() {
        List<InputRecord> data = noisySine(600, 3);
        Thread.currentThread().interrupt(); // as the retrainer's stop does while it fits

        try {
            assertThatThrownBy(() -> RegressionTraining.train(data, settings(TargetMode.LEVEL), QUIET))
                    .isInstanceOf(CancellationException.class).hasMessageContaining("training stopped after 0 epochs");
        } finally {
            Thread.interrupted();
        }
    }

    @Test
    void theSameSeedGivesTheSameMetrics() {
        List<InputRecord> data = noisySine(600, 3);

        Map<String, Double> first = RegressionTraining.train(data, settings(TargetMode.DIFFERENCE), QUIET)
                .metadata().metrics();
        Map<String, Double> second = RegressionTraining.train(data, settings(TargetMode.DIFFERENCE), QUIET)
                .metadata().metrics();

        assertThat(second).isEqualTo(first);
    }

    @Test
    void savedArtifactReproducesTheReportedTestError() throws Exception {
        List<InputRecord> data = noisySine(800, 11);
        TrainedModel model = RegressionTraining.train(data, settings(TargetMode.DIFFERENCE), QUIET);
        model.save(dir);

        Predictor loaded = ModelArtifact.load(dir.toString());
        List<SeriesSample> samples = SeriesSamples.build(data, "value", 16);
        TimeSplit<SeriesSample> split = TimeSplit.of(samples, SeriesSample::timestamp, 0.15, 0.15);
        double[][] windows = split.test().stream().map(SeriesSample::window).toArray(double[][]::new);
        double mse = ForecastErrors.of(split.test(), loaded.forecast(windows, windows.length)).mse();

        assertThat(loaded.metadata().modelVersion()).startsWith("sine-value-");
        assertThat(mse).isCloseTo(model.metadata().metrics().get("test.mse"), within(1e-6));
    }

    @Test
    void theEvaluationBesideTheArtifactHoldsEveryHeldOutForecast() throws Exception {
        TrainedModel model = RegressionTraining.train(noisySine(600, 3), settings(TargetMode.DIFFERENCE), QUIET);
        model.save(dir);

        ModelEvaluation evaluation = ModelEvaluation.read(dir.resolve(ModelEvaluation.FILE));

        assertThat(evaluation.modelVersion()).isEqualTo(model.metadata().modelVersion());
        assertThat(evaluation.metrics()).isEqualTo(model.metadata().metrics());
        List<ModelEvaluation.HeldOutForecast> forecasts = evaluation.heldOutForecasts();
        assertThat((double) forecasts.size()).isEqualTo(model.metadata().metrics().get("test.samples"));
        double squared = forecasts.stream().mapToDouble(f -> Math.pow(f.model() - f.actual(), 2)).sum();
        double persistence = forecasts.stream().mapToDouble(f -> Math.pow(f.persistence() - f.actual(), 2)).sum();
        assertThat(squared / forecasts.size()).isCloseTo(evaluation.metrics().get("test.mse"), within(1e-9));
        assertThat(persistence / forecasts.size())
                .isCloseTo(evaluation.metrics().get("test.persistence.mse"), within(1e-9));
    }

    @Test
    void rollingOriginEvaluationScoresEachBlockAgainstPersistence() {
        ModelEvaluation.CrossValidation cv = RegressionTraining.crossValidate(noisySine(1200, 5),
                settings(TargetMode.LEVEL), 3, QUIET);

        assertThat(cv.results()).hasSize(3);
        assertThat(cv.results()).allSatisfy(fold -> assertThat(fold.metrics().get("mseRatioToPersistence"))
                .isCloseTo(fold.metrics().get("mse") / fold.metrics().get("persistence.mse"), within(1e-12))
                .as("a predictable sine is forecast better than next = last").isLessThan(0.7));
        assertThat(cv.summary().get("mse").mean()).isCloseTo(
                cv.results().stream().mapToDouble(f -> f.metrics().get("mse")).average().orElseThrow(),
                within(1e-12));
        assertThat(cv.results().get(0).trainSamples()).isLessThan(cv.results().get(2).trainSamples());
    }

    @Test
    void rollingOriginEvaluationOfAHorizonScoresEveryStepAndPrintsThemAsOneTable() {
        FitOptions quick = new FitOptions(List.of(16), 20, 4, 64, 0.003, 42);
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        ModelEvaluation.CrossValidation cv = RegressionTraining.crossValidate(noisySine(1200, 5),
                new RegressionTraining.Settings("sine-value", "generated", "value", 16, TargetMode.DIFFERENCE, 0.15,
                        0.15, quick, 0.9, Architecture.MLP, null, 3), 2,
                new PrintStream(printed, true, StandardCharsets.UTF_8));

        for (int step = 2; step <= 3; step++) {
            for (String metric : List.of("mseRatioToPersistence", "mseRatioToSeasonalNaive", "intervalCoverage")) {
                assertThat(cv.summary()).as("step %d's %s", step, metric).containsKey("step" + step + "." + metric);
            }
        }
        assertThat(cv.results()).allSatisfy(fold -> assertThat(fold.metrics().get("step3.mseRatioToPersistence"))
                .as("three steps ahead a sine is still far better forecast than by its last value").isLessThan(0.5));
        String output = printed.toString(StandardCharsets.UTF_8);
        assertThat(output).contains("each step ahead over the folds").doesNotContain("step2.mseRatio");
        assertThat(output.lines().filter(line -> line.matches("\\s+[123] .*±.*"))).hasSize(3);
    }

    @Test
    void tooShortASeriesNamesTheWindowThatWouldFit() {
        assertThatThrownBy(() -> RegressionTraining.train(noisySine(20, 1), settings(TargetMode.LEVEL), QUIET))
                .hasMessageContaining("with --window 16 the data give 4 windows")
                .hasMessageContaining("use --window 10 or shorter, or give one series at least 26 values");
        assertThatThrownBy(() -> RegressionTraining.train(noisySine(8, 1), settings(TargetMode.LEVEL), QUIET))
                .hasMessageContaining("give one series at least 26 values (or 12 with --window 2)");
    }

    static RegressionTraining.Settings settings(TargetMode mode) {
        return settings(mode, 0, Architecture.MLP);
    }

    static RegressionTraining.Settings settings(TargetMode mode, double intervalLevel, Architecture architecture) {
        return new RegressionTraining.Settings("sine-value", "generated", "value", 16, mode, 0.15, 0.15,
                new FitOptions(List.of(32, 32), 60, 8, 64, 0.003, 42), intervalLevel, architecture);
    }

    static List<InputRecord> noisySine(int n, long seed) {
        Random random = new Random(seed);
        List<InputRecord> records = new ArrayList<>();
        for (int t = 0; t < n; t++) {
            double value = 100 + 10 * Math.sin(2 * Math.PI * t / 20) + 0.5 * random.nextGaussian();
            records.add(new InputRecord("id-" + t, "sine", 1_000L * t, Map.of("value", value)));
        }
        return records;
    }
}
