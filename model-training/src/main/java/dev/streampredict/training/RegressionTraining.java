package dev.streampredict.training;

import dev.streampredict.common.message.InputRecord;
import dev.streampredict.model.FeatureEncoder;
import dev.streampredict.model.ModelMetadata;
import dev.streampredict.model.Predictor;
import dev.streampredict.model.Standardizer;
import dev.streampredict.model.TargetMode;
import dev.streampredict.model.Task;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;

import java.io.PrintStream;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Trains a next-value forecaster on a sliding window and measures it against naive baselines. */
public final class RegressionTraining {

    /**
     * @param name         short name that starts the model version, e.g. {@code sp500-close}
     * @param trainingData where the records came from, recorded in the metadata
     */
    public record Settings(String name, String trainingData, String target, int windowSize, TargetMode targetMode,
                           double validationFraction, double testFraction, FitOptions fit) {
    }

    private RegressionTraining() {
    }

    public static TrainedModel train(List<InputRecord> records, Settings settings, PrintStream log) {
        List<SeriesSample> samples = SeriesSamples.build(records, settings.target(), settings.windowSize());
        TimeSplit<SeriesSample> split = TimeSplit.of(samples, SeriesSample::timestamp,
                settings.validationFraction(), settings.testFraction());
        log.printf("%d windows of %d values: %d train, %d validation (from %s), %d test (from %s)%n",
                samples.size(), settings.windowSize(), split.train().size(), split.validation().size(),
                Instant.ofEpochMilli(split.validationFrom()), split.test().size(),
                Instant.ofEpochMilli(split.testFrom()));

        ModelMetadata draft = metadata(settings, "draft", fitStandardizer(split.train(), settings.targetMode()),
                Map.of());
        FeatureEncoder encoder = new FeatureEncoder(draft);
        MultiLayerNetwork network = Networks.regression(encoder.inputs(), settings.fit());
        float[][] x = new float[split.train().size()][encoder.inputs()];
        float[][] y = new float[split.train().size()][1];
        for (int i = 0; i < x.length; i++) {
            SeriesSample s = split.train().get(i);
            encoder.encodeWindow(s.window(), x[i], 0);
            y[i][0] = (float) encoder.encodeNext(s.window(), s.next());
        }
        Predictor predictor = new Predictor(draft, network);
        EarlyStoppingFit.fit(network, x, y, net -> errors(predictor, split.validation()).mse(), "MSE",
                settings.fit(), log);

        ForecastErrors validation = errors(predictor, split.validation());
        ForecastErrors model = errors(predictor, split.test());
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
        log.printf("  model / persistence MSE ratio: %.4f (%s)%n", model.mse() / persistence.mse(),
                model.mse() < persistence.mse() ? "the model beats persistence" : "persistence is as good or better");

        ModelMetadata metadata = metadata(settings, ModelVersions.of(settings.name(), Instant.now(), network),
                draft.standardizer(), metrics);
        return new TrainedModel(metadata, network);
    }

    private static ForecastErrors errors(Predictor predictor, List<SeriesSample> samples) {
        double[][] windows = samples.stream().map(SeriesSample::window).toArray(double[][]::new);
        return ForecastErrors.of(samples, predictor.forecast(windows, windows.length));
    }

    private static Standardizer fitStandardizer(List<SeriesSample> train, TargetMode mode) {
        double[][] values = train.stream()
                .map(s -> new double[]{mode == TargetMode.DIFFERENCE ? s.next() - s.last() : s.next()})
                .toArray(double[][]::new);
        return Standardizer.fit(values);
    }

    private static ModelMetadata metadata(Settings settings, String version, Standardizer standardizer,
                                          Map<String, Double> metrics) {
        return new ModelMetadata(ModelMetadata.CURRENT_FORMAT, version, Task.REGRESSION, settings.windowSize(),
                List.of(settings.target()), settings.target(), settings.targetMode(), standardizer, List.of(),
                Instant.now().toString(), settings.trainingData(), metrics);
    }
}
