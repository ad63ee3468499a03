package dev.streampredict.training;

import dev.streampredict.common.message.InputRecord;
import dev.streampredict.model.Architecture;
import dev.streampredict.model.Dl4jRuntime;
import dev.streampredict.model.FeatureEncoder;
import dev.streampredict.model.ModelMetadata;
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
     */
    public record Settings(String name, String trainingData, String target, int windowSize, TargetMode targetMode,
                           double validationFraction, double testFraction, FitOptions fit, double intervalLevel,
                           Architecture architecture, List<String> features) {

        public Settings {
            features = features == null ? List.of(target) : List.copyOf(features);
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
    }

    private static final PrintStream QUIET = new PrintStream(OutputStream.nullOutputStream());

    private RegressionTraining() {
    }

    public static TrainedModel train(List<InputRecord> records, Settings settings, PrintStream log) {
        List<SeriesSample> samples = samples(records, settings);
        TimeSplit<SeriesSample> split = TimeSplit.of(samples, SeriesSample::timestamp,
                settings.validationFraction(), settings.testFraction());
        log.printf("%d windows of %d values%s: %d train, %d validation (from %s), %d test (from %s)%n",
                samples.size(), settings.windowSize(), settings.features().size() > 1 ? " of each of "
                        + settings.features() : "", split.train().size(), split.validation().size(),
                Instant.ofEpochMilli(split.validationFrom()), split.test().size(),
                Instant.ofEpochMilli(split.testFrom()));

        Fitted fitted = fit(split, settings, log);
        double[] validationForecasts = fitted.forecast(split.validation());
        ForecastErrors validation = ForecastErrors.of(split.validation(), validationForecasts);
        double[] forecasts = fitted.forecast(split.test());
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
        int season = Seasonality.find(split.train());
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
            log.printf("  model / seasonal naive MSE ratio: %.4f (a season of %d steps, found in the training part; "
                    + "%s)%n", model.mse() / seasonal.mse(), season, model.mse() < seasonal.mse()
                    ? "the model beats it" : "the seasonal naive forecast is as good or better");
        } else {
            log.printf("  no season found in the training part: no seasonal naive baseline%n");
        }

        PredictionIntervals intervals = null;
        if (settings.intervals()) {
            intervals = calibrate(split.validation(), validationForecasts, settings.intervalLevel());
            double coverage = coverage(split.test(), forecasts, intervals.nextHalfWidth());
            metrics.put("interval.level", intervals.level());
            metrics.put("interval.halfWidth", intervals.nextHalfWidth());
            metrics.put("test.intervalCoverage", coverage);
            log.printf("  %.0f%% prediction interval: forecast ± %.6g (from %d validation errors); it covers %.3f "
                    + "of the test part%n", intervals.level() * 100, intervals.nextHalfWidth(),
                    split.validation().size(), coverage);
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
     * Split conformal intervals from the validation part's errors. The validation part chose when training stopped,
     * but the network was not fitted on it; the coverage measured on the test part, never seen, is the honest number.
     */
    private static PredictionIntervals calibrate(List<SeriesSample> validation, double[] forecasts, double level) {
        double[] errors = new double[forecasts.length];
        for (int i = 0; i < errors.length; i++) {
            errors[i] = forecasts[i] - validation.get(i).next();
        }
        return new PredictionIntervals(level, List.of(PredictionIntervals.halfWidth(errors, level)));
    }

    private static double coverage(List<SeriesSample> samples, double[] forecasts, double halfWidth) {
        int inside = 0;
        for (int i = 0; i < forecasts.length; i++) {
            if (Math.abs(forecasts[i] - samples.get(i).next()) <= halfWidth) {
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
            double[] forecasts = fitted.forecast(split.test());
            ForecastErrors model = ForecastErrors.of(split.test(), forecasts);
            ForecastErrors persistence = ForecastErrors.persistence(split.test());
            Map<String, Double> metrics = new LinkedHashMap<>();
            metrics.put("mse", model.mse());
            metrics.put("persistence.mse", persistence.mse());
            metrics.put("mseRatioToPersistence", model.mse() / persistence.mse());
            int season = Seasonality.find(split.train());
            double seasonal = season > 0 ? ForecastErrors.seasonalNaive(split.test(), season).mse() : Double.NaN;
            if (Double.isFinite(seasonal)) {
                metrics.put("seasonalNaive.mse", seasonal);
                metrics.put("mseRatioToSeasonalNaive", model.mse() / seasonal);
            }
            double[] validationForecasts = fitted.forecast(split.validation());
            metrics.put("validation.mse", ForecastErrors.of(split.validation(), validationForecasts).mse());
            if (settings.intervals()) {
                double halfWidth = calibrate(split.validation(), validationForecasts, settings.intervalLevel())
                        .nextHalfWidth();
                metrics.put("intervalCoverage", coverage(split.test(), forecasts, halfWidth));
            }
            folds.add(new ModelEvaluation.Fold(1, i + 1, split.train().size(), split.test().size(), metrics));
            log.printf("  origin %s: MSE %.6g on %d, persistence %.6g, ratio %.4f%n",
                    Instant.ofEpochMilli(split.testFrom()), model.mse(), split.test().size(), persistence.mse(),
                    metrics.get("mseRatioToPersistence"));
        }
        Map<String, ModelEvaluation.Summary> summary = CrossValidationSummary.of(folds, log);
        return new ModelEvaluation.CrossValidation("rolling origin", k, 1, folds, summary, null);
    }

    /** The windows, or an error that says how much data or how short a window would do. */
    private static List<SeriesSample> samples(List<InputRecord> records, Settings settings) {
        List<SeriesSample> samples = SeriesSamples.build(records, settings.features(), settings.target(),
                settings.windowSize());
        if (samples.size() >= TimeSplit.MIN_SAMPLES) {
            return samples;
        }
        Map<String, Integer> lengths = new LinkedHashMap<>();
        records.forEach(r -> lengths.merge(r.key(), 1, Integer::sum));
        int longest = lengths.values().stream().mapToInt(Integer::intValue).max().orElse(0);
        String problem = String.format("with --window %d the data give %d windows (%d series, the longest has %d "
                        + "values; a window needs %d past values and the next one), and at least %d are needed "
                        + "to train, validate and test", settings.windowSize(), samples.size(), lengths.size(),
                longest, settings.windowSize(), TimeSplit.MIN_SAMPLES);
        for (int window = settings.windowSize() - 1; window >= 2; window--) {
            int w = window;
            if (lengths.values().stream().mapToInt(n -> Math.max(0, n - w)).sum() >= TimeSplit.MIN_SAMPLES) {
                throw new IllegalArgumentException(problem + ": use --window " + window + " or shorter, or give "
                        + "one series at least " + (settings.windowSize() + TimeSplit.MIN_SAMPLES) + " values");
            }
        }
        throw new IllegalArgumentException(problem + ": give one series at least "
                + (settings.windowSize() + TimeSplit.MIN_SAMPLES) + " values (or "
                + (2 + TimeSplit.MIN_SAMPLES) + " with --window 2)");
    }

    /** A network fitted on one split's training part, early-stopped on its validation part. */
    private record Fitted(MultiLayerNetwork network, Predictor predictor, Standardizer standardizer) {

        double[] forecast(List<SeriesSample> samples) {
            double[][] windows = samples.stream().map(SeriesSample::inputs).toArray(double[][]::new);
            return predictor.forecast(windows, windows.length);
        }
    }

    private static Fitted fit(TimeSplit<SeriesSample> split, Settings settings, PrintStream log) {
        ModelMetadata draft = metadata(settings, "draft", fitStandardizer(split.train(), settings), Map.of());
        FeatureEncoder encoder = new FeatureEncoder(draft);
        int series = settings.features().size();
        MultiLayerNetwork network = Networks.regression(series, encoder.inputs() / series, settings.architecture(),
                settings.fit());
        float[][] x = new float[split.train().size()][encoder.inputs()];
        float[][] y = new float[split.train().size()][1];
        for (int i = 0; i < x.length; i++) {
            SeriesSample s = split.train().get(i);
            encoder.encodeWindow(s.inputs(), x[i], 0);
            y[i][0] = (float) encoder.encodeNext(s.inputs(), s.next());
        }
        Fitted fitted = new Fitted(network, new Predictor(draft, Dl4jRuntime.of(network, draft)), draft.standardizer());
        EarlyStoppingFit.fit(network, x, y,
                net -> ForecastErrors.of(split.validation(), fitted.forecast(split.validation())).mse(), "MSE",
                draft.sequenceChannels(), settings.fit(), log);
        return fitted;
    }

    /**
     * One column per series, in the target mode: the target's from the values it forecasts (as the network's output
     * is scaled), every other series' from its latest value in each window (it is never forecast).
     */
    private static Standardizer fitStandardizer(List<SeriesSample> train, Settings settings) {
        boolean differences = settings.targetMode() == TargetMode.DIFFERENCE;
        int series = settings.features().size();
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
                Instant.now().toString(), settings.trainingData(), metrics).withArchitecture(settings.architecture());
    }
}
