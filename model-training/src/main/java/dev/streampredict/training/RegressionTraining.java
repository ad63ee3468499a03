package dev.streampredict.training;

import dev.streampredict.common.message.InputRecord;
import dev.streampredict.model.Architecture;
import dev.streampredict.model.CalendarFeature;
import dev.streampredict.model.Dl4jRuntime;
import dev.streampredict.model.FeatureEncoder;
import dev.streampredict.model.ModelLimits;
import dev.streampredict.model.ModelMetadata;
import dev.streampredict.model.ModelRuntime;
import dev.streampredict.model.PredictionIntervals;
import dev.streampredict.model.Predictor;
import dev.streampredict.model.Standardizer;
import dev.streampredict.model.TargetMode;
import dev.streampredict.model.Task;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;

import java.io.OutputStream;
import java.io.PrintStream;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Trains a next-value forecaster on a sliding window of one or several series and measures it against naive
 * baselines.
 */
public final class RegressionTraining {

    /**
     * @param name         short name that starts the model version, e.g. {@code sp500-close}
     * @param trainingData where the records came from, recorded in the metadata
     * @param features     the series the model reads, {@code target} among them; {@code null}: the target alone
     * @param horizon      how many steps ahead the model forecasts at once (1: the next value)
     * @param calendar     cycles of each value's event time read beside the features; {@code null}: none
     * @param season       the seasonal naive baseline's season, in steps (365 for daily values and a year); 0: the
     *                     season found in the training part, if any
     */
    public record Settings(String name, String trainingData, String target, int windowSize, TargetMode targetMode,
                           double validationFraction, double testFraction, FitOptions fit, double intervalLevel,
                           Architecture architecture, List<String> features, int horizon,
                           List<CalendarFeature> calendar, int season) {

        public Settings {
            features = features == null ? List.of(target) : List.copyOf(features);
            calendar = calendar == null ? List.of() : List.copyOf(calendar);
            if (season < 0) {
                throw new IllegalArgumentException("--season is a number of steps (e.g. 24 for hourly values and a "
                        + "day), or 0 to find it in the training part; got " + season);
            }
            if (horizon < 1 || horizon > ModelLimits.MAX_HORIZON) {
                throw new IllegalArgumentException("--horizon is the number of steps to forecast, from 1 to "
                        + ModelLimits.MAX_HORIZON + "; got " + horizon);
            }
        }

        /** A model of the next value. */
        public Settings(String name, String trainingData, String target, int windowSize, TargetMode targetMode,
                        double validationFraction, double testFraction, FitOptions fit, double intervalLevel,
                        Architecture architecture, List<String> features) {
            this(name, trainingData, target, windowSize, targetMode, validationFraction, testFraction, fit,
                    intervalLevel, architecture, features, 1);
        }

        /** A model of {@code horizon} steps, without the calendar. */
        public Settings(String name, String trainingData, String target, int windowSize, TargetMode targetMode,
                        double validationFraction, double testFraction, FitOptions fit, double intervalLevel,
                        Architecture architecture, List<String> features, int horizon) {
            this(name, trainingData, target, windowSize, targetMode, validationFraction, testFraction, fit,
                    intervalLevel, architecture, features, horizon, null, 0);
        }

        /** A model of the target alone. */
        public Settings(String name, String trainingData, String target, int windowSize, TargetMode targetMode,
                        double validationFraction, double testFraction, FitOptions fit, double intervalLevel,
                        Architecture architecture) {
            this(name, trainingData, target, windowSize, targetMode, validationFraction, testFraction, fit,
                    intervalLevel, architecture, null);
        }

        /** A multilayer perceptron without prediction intervals. */
        public Settings(String name, String trainingData, String target, int windowSize, TargetMode targetMode,
                        double validationFraction, double testFraction, FitOptions fit) {
            this(name, trainingData, target, windowSize, targetMode, validationFraction, testFraction, fit, 0,
                    Architecture.MLP);
        }

        boolean intervals() {
            return intervalLevel > 0;
        }

        /** The series the model reads: its features, then two per calendar cycle. */
        int seriesCount() {
            return CalendarFeature.seriesCount(features.size(), calendar);
        }
    }

    private static final PrintStream QUIET = new PrintStream(OutputStream.nullOutputStream());

    private RegressionTraining() {
    }

    public static TrainedModel train(List<InputRecord> records, Settings settings, PrintStream log) {
        List<SeriesSample> samples = samples(records, settings);
        TimeSplit<SeriesSample> split = TimeSplit.of(samples, SeriesSample::timestamp,
                settings.validationFraction(), settings.testFraction());
        log.printf("%d windows of %d values%s%s: %d train, %d validation (from %s), %d test (from %s)%n",
                samples.size(), settings.windowSize(), settings.seriesCount() > 1 ? " of each of "
                        + settings.features() + (settings.calendar().isEmpty() ? "" : " and the calendar's "
                        + settings.calendar()) : "", settings.horizon() > 1 ? ", each followed by the "
                        + settings.horizon() + " values it forecasts" : "", split.train().size(),
                split.validation().size(),
                Instant.ofEpochMilli(split.validationFrom()), split.test().size(),
                Instant.ofEpochMilli(split.testFrom()));

        Fitted fitted = fit(split, settings, log);
        double[][] validationSteps = fitted.forecast(split.validation());
        double[] validationForecasts = ForecastErrors.atStep(validationSteps, 1);
        ForecastErrors validation = ForecastErrors.of(split.validation(), validationForecasts);
        double[][] steps = fitted.forecast(split.test());
        double[] forecasts = ForecastErrors.atStep(steps, 1);
        ForecastErrors model = ForecastErrors.of(split.test(), forecasts);
        ForecastErrors persistence = ForecastErrors.persistence(split.test());
        ForecastErrors movingAverage = ForecastErrors.movingAverage(split.test());
        Map<String, Double> metrics = new LinkedHashMap<>();
        metrics.put("test.mse", model.mse());
        metrics.put("test.mae", model.mae());
        metrics.put("test.persistence.mse", persistence.mse());
        metrics.put("test.persistence.mae", persistence.mae());
        metrics.put("test.movingAverage.mse", movingAverage.mse());
        metrics.put("test.movingAverage.mae", movingAverage.mae());
        metrics.put("test.mseRatioToPersistence", model.mse() / persistence.mse());
        int season = season(settings, split);
        ForecastErrors seasonal = season > 0 ? ForecastErrors.seasonalNaive(split.test(), season) : null;
        boolean seasonalBaseline = seasonal != null && Double.isFinite(seasonal.mse());
        if (seasonalBaseline) {
            metrics.put("season.length", (double) season);
            metrics.put("test.seasonalNaive.mse", seasonal.mse());
            metrics.put("test.seasonalNaive.mae", seasonal.mae());
            metrics.put("test.mseRatioToSeasonalNaive", model.mse() / seasonal.mse());
        }
        metrics.put("validation.mse", validation.mse());
        metrics.put("validation.persistence.mse", ForecastErrors.persistence(split.validation()).mse());
        metrics.put("train.samples", (double) split.train().size());
        metrics.put("test.samples", (double) split.test().size());

        log.printf("%nheld-out test part (%d windows, never used for training or early stopping):%n",
                split.test().size());
        log.printf("  %-22s %14s %12s%n", "forecaster", "MSE", "MAE");
        log.printf("  %-22s %14.6g %12.6g%n", "model", model.mse(), model.mae());
        log.printf("  %-22s %14.6g %12.6g%n", "persistence (next=last)", persistence.mse(), persistence.mae());
        log.printf("  %-22s %14.6g %12.6g%n", "moving average (" + settings.windowSize() + ")",
                movingAverage.mse(), movingAverage.mae());
        if (seasonalBaseline) {
            log.printf("  %-22s %14.6g %12.6g%n", "seasonal naive (" + season + ")", seasonal.mse(), seasonal.mae());
        }
        log.printf("  model / persistence MSE ratio: %.4f (%s)%n", model.mse() / persistence.mse(),
                model.mse() < persistence.mse() ? "the model beats persistence" : "persistence is as good or better");
        if (seasonalBaseline) {
            log.printf("  model / seasonal naive MSE ratio: %.4f (a season of %d steps, %s; %s)%n",
                    model.mse() / seasonal.mse(), season, settings.season() > 0 ? "given"
                            : "found in the training part", model.mse() < seasonal.mse()
                            ? "the model beats it" : "the seasonal naive forecast is as good or better");
        } else if (season > 0) {
            log.printf("  no seasonal naive baseline: the test part's first values have none a season (%d steps) "
                    + "before them%n", season);
        } else {
            log.printf("  no season found in the training part: no seasonal naive baseline (--season gives one)%n");
        }

        PredictionIntervals intervals = null;
        if (settings.intervals()) {
            intervals = calibrate(split.validation(), validationSteps, settings.intervalLevel());
            double coverage = coverage(split.test(), forecasts, 1, intervals.nextHalfWidth());
            metrics.put("interval.level", intervals.level());
            metrics.put("interval.halfWidth", intervals.nextHalfWidth());
            metrics.put("test.intervalCoverage", coverage);
            log.printf("  %.0f%% prediction interval: forecast ± %.6g (from %d validation errors); it covers %.3f "
                    + "of the test part%n", intervals.level() * 100, intervals.nextHalfWidth(),
                    split.validation().size(), coverage);
        }

        if (settings.horizon() > 1) {
            stepTable(split, steps, season, intervals, metrics, log);
        }

        String version = ModelVersions.of(settings.name(), Instant.now(), fitted.network());
        ModelMetadata metadata = metadata(settings, version, fitted.standardizer(), metrics).withIntervals(intervals);
        List<ModelEvaluation.HeldOutForecast> heldOut = new ArrayList<>();
        for (int i = 0; i < forecasts.length; i++) {
            SeriesSample s = split.test().get(i);
            heldOut.add(new ModelEvaluation.HeldOutForecast(s.key(), s.timestamp(), s.next(), forecasts[i], s.last()));
        }
        ModelEvaluation evaluation = new ModelEvaluation(version, "regression", settings.trainingData(), metrics,
                heldOut, null, null);
        return new TrainedModel(metadata, fitted.network(), evaluation);
    }

    /**
     * Every step's errors on the test part beside persistence and the seasonal naive forecast at that step, printed
     * as a table and kept as {@code test.step<K>.*} metrics (step 1's are the ones above).
     */
    private static void stepTable(TimeSplit<SeriesSample> split, double[][] steps, int season,
                                  PredictionIntervals intervals, Map<String, Double> metrics, PrintStream log) {
        List<SeriesSample> test = split.test();
        log.printf("%n  each step ahead on the test part:%n  %5s %14s %14s %8s %14s %8s%s%n", "step", "model MSE",
                "persistence", "ratio", season > 0 ? "seasonal (" + season + ")" : "seasonal", "ratio",
                intervals != null ? "  coverage" : "");
        for (int step = 1; step <= steps[0].length; step++) {
            String prefix = "test.step" + step + ".";
            putStepMetrics(metrics, prefix, test, steps, step, season, intervals);
            double mse = metrics.get(prefix + "mse");
            double persistence = metrics.get(prefix + "persistence.mse");
            double seasonal = metrics.getOrDefault(prefix + "seasonalNaive.mse", Double.NaN);
            log.printf("  %5d %14.6g %14.6g %8.4f %14.6g %8.4f%s%n", step, mse, persistence, mse / persistence,
                    seasonal, mse / seasonal, intervals != null ? String.format("  %.3f ± %.4g",
                            metrics.get(prefix + "intervalCoverage"), intervals.halfWidth(step)) : "");
        }
    }

    /**
     * Step {@code step}'s errors on {@code test} as metrics named {@code prefix}*: the model's, persistence's and
     * the seasonal naive forecast's (where it has one) at that step, the ratios, and the interval's coverage.
     */
    private static void putStepMetrics(Map<String, Double> metrics, String prefix, List<SeriesSample> test,
                                       double[][] steps, int step, int season, PredictionIntervals intervals) {
        double[] forecasts = ForecastErrors.atStep(steps, step);
        double mse = ForecastErrors.of(test, forecasts, step).mse();
        double persistence = ForecastErrors.persistence(test, step).mse();
        double seasonal = season > 0 ? ForecastErrors.seasonalNaive(test, season, step).mse() : Double.NaN;
        metrics.put(prefix + "mse", mse);
        metrics.put(prefix + "persistence.mse", persistence);
        metrics.put(prefix + "mseRatioToPersistence", mse / persistence);
        if (Double.isFinite(seasonal)) {
            metrics.put(prefix + "seasonalNaive.mse", seasonal);
            metrics.put(prefix + "mseRatioToSeasonalNaive", mse / seasonal);
        }
        if (intervals != null) {
            metrics.put(prefix + "intervalCoverage", coverage(test, forecasts, step, intervals.halfWidth(step)));
            metrics.put(prefix + "interval.halfWidth", intervals.halfWidth(step));
        }
    }

    /**
     * Split conformal intervals, one per step, from the validation part's errors at that step. The validation part
     * chose when training stopped, but the network was not fitted on it; the coverage measured on the test part,
     * never seen, is the honest number.
     */
    private static PredictionIntervals calibrate(List<SeriesSample> validation, double[][] steps, double level) {
        List<Double> halfWidths = new ArrayList<>();
        for (int step = 1; step <= steps[0].length; step++) {
            double[] errors = new double[steps.length];
            for (int i = 0; i < errors.length; i++) {
                errors[i] = steps[i][step - 1] - validation.get(i).actual(step);
            }
            halfWidths.add(PredictionIntervals.halfWidth(errors, level));
        }
        return new PredictionIntervals(level, halfWidths);
    }

    private static double coverage(List<SeriesSample> samples, double[] forecasts, int step, double halfWidth) {
        int inside = 0;
        for (int i = 0; i < forecasts.length; i++) {
            if (Math.abs(forecasts[i] - samples.get(i).actual(step)) <= halfWidth) {
                inside++;
            }
        }
        return (double) inside / forecasts.length;
    }

    /**
     * Rolling-origin evaluation with the same settings: the later half of the series cut into {@code k} blocks,
     * each forecast by a model trained only on what came before it, next to persistence on the same block. One
     * test split of a short series says little; the spread over origins says how much.
     */
    public static ModelEvaluation.CrossValidation crossValidate(List<InputRecord> records, Settings settings, int k,
                                                                PrintStream log) {
        List<SeriesSample> samples = samples(records, settings);
        double validationShare = settings.validationFraction() / (1 - settings.testFraction());
        List<TimeSplit<SeriesSample>> splits = TimeSplit.rollingOrigin(samples, SeriesSample::timestamp, k,
                validationShare);
        log.printf("cross-validation: rolling origin, %d test blocks over the later half of %d windows%n", k,
                samples.size());
        List<ModelEvaluation.Fold> folds = new ArrayList<>();
        for (int i = 0; i < splits.size(); i++) {
            TimeSplit<SeriesSample> split = splits.get(i);
            Fitted fitted = fit(split, settings, QUIET);
            double[][] steps = fitted.forecast(split.test());
            double[] forecasts = ForecastErrors.atStep(steps, 1);
            ForecastErrors model = ForecastErrors.of(split.test(), forecasts);
            ForecastErrors persistence = ForecastErrors.persistence(split.test());
            Map<String, Double> metrics = new LinkedHashMap<>();
            metrics.put("mse", model.mse());
            metrics.put("persistence.mse", persistence.mse());
            metrics.put("mseRatioToPersistence", model.mse() / persistence.mse());
            int season = season(settings, split);
            double seasonal = season > 0 ? ForecastErrors.seasonalNaive(split.test(), season).mse() : Double.NaN;
            if (Double.isFinite(seasonal)) {
                metrics.put("seasonalNaive.mse", seasonal);
                metrics.put("mseRatioToSeasonalNaive", model.mse() / seasonal);
            }
            double[][] validationSteps = fitted.forecast(split.validation());
            metrics.put("validation.mse", ForecastErrors.of(split.validation(),
                    ForecastErrors.atStep(validationSteps, 1)).mse());
            PredictionIntervals intervals = settings.intervals()
                    ? calibrate(split.validation(), validationSteps, settings.intervalLevel()) : null;
            if (intervals != null) {
                metrics.put("intervalCoverage", coverage(split.test(), forecasts, 1, intervals.nextHalfWidth()));
            }
            for (int step = 2; step <= settings.horizon(); step++) {
                putStepMetrics(metrics, "step" + step + ".", split.test(), steps, step, season, intervals);
            }
            folds.add(new ModelEvaluation.Fold(1, i + 1, split.train().size(), split.test().size(), metrics));
            log.printf("  origin %s: MSE %.6g on %d, persistence %.6g, ratio %.4f%n",
                    Instant.ofEpochMilli(split.testFrom()), model.mse(), split.test().size(), persistence.mse(),
                    metrics.get("mseRatioToPersistence"));
        }
        Map<String, ModelEvaluation.Summary> summary = CrossValidationSummary.of(folds, log);
        if (settings.horizon() > 1) {
            foldStepTable(summary, settings.horizon(), log);
        }
        return new ModelEvaluation.CrossValidation("rolling origin", k, 1, folds, summary, null);
    }

    /** Each step's ratios and coverage over the folds, as mean ± sd; step 1's are the lines above the table. */
    private static void foldStepTable(Map<String, ModelEvaluation.Summary> summary, int horizon, PrintStream log) {
        log.printf("%n  each step ahead over the folds (mean ± sd):%n  %5s %20s %20s %16s%n", "step",
                "model / persistence", "model / seasonal", "coverage");
        for (int step = 1; step <= horizon; step++) {
            String prefix = step == 1 ? "" : "step" + step + ".";
            log.printf("  %5d %20s %20s %16s%n", step, meanAndSd(summary.get(prefix + "mseRatioToPersistence")),
                    meanAndSd(summary.get(prefix + "mseRatioToSeasonalNaive")),
                    meanAndSd(summary.get(prefix + "intervalCoverage")));
        }
    }

    private static String meanAndSd(ModelEvaluation.Summary s) {
        return s == null ? "-" : String.format("%.4f ± %.3f", s.mean(), s.sd());
    }

    /** The season given, or else the one found in the training part; 0 for none. */
    private static int season(Settings settings, TimeSplit<SeriesSample> split) {
        return settings.season() > 0 ? settings.season() : Seasonality.find(split.train());
    }

    /** The windows, or an error that says how much data or how short a window would do. */
    private static List<SeriesSample> samples(List<InputRecord> records, Settings settings) {
        List<SeriesSample> samples = SeriesSamples.build(records, settings.features(), settings.calendar(),
                settings.target(), settings.windowSize(), settings.horizon());
        if (samples.size() >= TimeSplit.MIN_SAMPLES) {
            return samples;
        }
        Map<String, Integer> lengths = new LinkedHashMap<>();
        records.forEach(r -> lengths.merge(r.key(), 1, Integer::sum));
        int longest = lengths.values().stream().mapToInt(Integer::intValue).max().orElse(0);
        int horizon = settings.horizon();
        String problem = String.format("with --window %d the data give %d windows (%d series, the longest has %d "
                        + "values; a window needs %d past values and the %s), and at least %d are needed "
                        + "to train, validate and test", settings.windowSize(), samples.size(), lengths.size(),
                longest, settings.windowSize(), horizon == 1 ? "next one" : horizon + " it forecasts",
                TimeSplit.MIN_SAMPLES);
        int needed = settings.windowSize() + horizon - 1 + TimeSplit.MIN_SAMPLES;
        for (int window = settings.windowSize() - 1; window >= 2; window--) {
            int w = window;
            if (lengths.values().stream().mapToInt(n -> Math.max(0, n - w - horizon + 1)).sum()
                    >= TimeSplit.MIN_SAMPLES) {
                throw new IllegalArgumentException(problem + ": use --window " + window + " or shorter, or give "
                        + "one series at least " + needed + " values");
            }
        }
        throw new IllegalArgumentException(problem + ": give one series at least " + needed + " values (or "
                + (2 + horizon - 1 + TimeSplit.MIN_SAMPLES) + " with --window 2)");
    }

    /** A network fitted on one split's training part, early-stopped on its validation part. */
    private record Fitted(MultiLayerNetwork network, Predictor predictor, Standardizer standardizer) {

        /** Every step's forecasts: {@code [sample][step - 1]}. */
        double[][] forecast(List<SeriesSample> samples) {
            double[][] windows = samples.stream().map(SeriesSample::inputs).toArray(double[][]::new);
            return predictor.forecastSteps(windows, windows.length);
        }

        /** The mean over the steps of each step's MSE: for one step, the MSE. */
        double meanSquaredError(List<SeriesSample> samples) {
            double[][] steps = forecast(samples);
            double sum = 0;
            for (int step = 1; step <= steps[0].length; step++) {
                sum += ForecastErrors.of(samples, ForecastErrors.atStep(steps, step), step).mse();
            }
            return sum / steps[0].length;
        }
    }

    private static Fitted fit(TimeSplit<SeriesSample> split, Settings settings, PrintStream log) {
        ModelMetadata draft = metadata(settings, "draft", fitStandardizer(split.train(), settings), Map.of());
        FeatureEncoder encoder = new FeatureEncoder(draft);
        int series = settings.seriesCount();
        int horizon = settings.horizon();
        MultiLayerNetwork network = Networks.regression(series, encoder.inputs() / series, horizon,
                settings.architecture(), settings.fit());
        float[][] x = new float[split.train().size()][encoder.inputs()];
        float[][] y = new float[split.train().size()][horizon];
        for (int i = 0; i < x.length; i++) {
            SeriesSample s = split.train().get(i);
            encoder.encodeWindow(s.inputs(), x[i], 0);
            for (int step = 1; step <= horizon; step++) {
                y[i][step - 1] = (float) encoder.encodeNext(s.inputs(), s.actual(step));
            }
        }
        Fitted fitted = new Fitted(network, new Predictor(draft, Dl4jRuntime.of(network, draft)), draft.standardizer());
        EarlyStoppingFit.fit(network, x, y, net -> fitted.meanSquaredError(split.validation()),
                horizon == 1 ? "MSE" : "MSE (mean over steps)", draft.sequenceChannels(), settings.fit(), log);
        return fitted;
    }

    /**
     * One column per series, in the target mode: the target's from the values it forecasts (as the network's output
     * is scaled), every other series' from its latest value in each window (it is never forecast).
     */
    private static Standardizer fitStandardizer(List<SeriesSample> train, Settings settings) {
        boolean differences = settings.targetMode() == TargetMode.DIFFERENCE;
        int series = settings.seriesCount();
        int target = settings.features().indexOf(settings.target());
        double[][] values = new double[train.size()][series];
        for (int i = 0; i < values.length; i++) {
            SeriesSample sample = train.get(i);
            for (int s = 0; s < series; s++) {
                int last = (s + 1) * settings.windowSize() - 1;
                double latest = s == target ? sample.next() : sample.inputs()[last];
                double before = s == target ? sample.last() : sample.inputs()[last - 1];
                values[i][s] = differences ? latest - before : latest;
            }
        }
        return Standardizer.fit(values);
    }

    private static ModelMetadata metadata(Settings settings, String version, Standardizer standardizer,
                                          Map<String, Double> metrics) {
        return new ModelMetadata(ModelMetadata.CURRENT_FORMAT, version, Task.REGRESSION, settings.windowSize(),
                settings.features(), settings.target(), settings.targetMode(), standardizer, List.of(),
                Instant.now().toString(), settings.trainingData(), metrics, ModelRuntime.DL4J, null, null,
                settings.architecture(), settings.horizon(), settings.calendar());
    }
}
