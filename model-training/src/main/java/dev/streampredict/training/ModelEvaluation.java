package dev.streampredict.training;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.streampredict.common.message.Json;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * What training measured, as data: written beside the artifact ({@value #FILE}) so that REPORT tables and figures
 * are made from files, not copied from a log.
 *
 * @param metrics           the held-out metrics, as in the artifact's {@code model.json}
 * @param heldOutForecasts  regression: every forecast of the held-out test part, next to the actual value and the
 *                          persistence forecast
 * @param heldOutConfusion  classification: the confusion matrix of the held-out test part
 * @param crossValidation   present when training ran with {@code --cv}
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ModelEvaluation(String modelVersion, String task, String trainingData, Map<String, Double> metrics,
                              List<HeldOutForecast> heldOutForecasts, ConfusionMatrix heldOutConfusion,
                              CrossValidation crossValidation) {

    public static final String FILE = "evaluation.json";

    public record HeldOutForecast(String key, long timestamp, double actual, double model, double persistence) {
    }

    /** @param counts {@code [actual][predicted]}, in the order of {@code classes} */
    public record ConfusionMatrix(List<String> classes, int[][] counts) {

        ConfusionMatrix plus(int[][] more) {
            int[][] sum = new int[counts.length][];
            for (int a = 0; a < counts.length; a++) {
                sum[a] = counts[a].clone();
                for (int p = 0; p < counts.length; p++) {
                    sum[a][p] += more[a][p];
                }
            }
            return new ConfusionMatrix(classes, sum);
        }
    }

    /**
     * @param method    {@code repeated stratified k-fold} or {@code rolling origin}
     * @param summary   per metric, over all folds
     * @param confusion classification: summed over every fold of every repeat
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record CrossValidation(String method, int folds, int repeats, List<Fold> results,
                                 Map<String, Summary> summary, ConfusionMatrix confusion) {
    }

    public record Fold(int repeat, int fold, int trainSamples, int testSamples, Map<String, Double> metrics) {
    }

    /** @param sd sample standard deviation (0 for one value) */
    public record Summary(double mean, double sd, double min, double max) {

        static Summary of(double[] values) {
            double mean = Arrays.stream(values).average().orElse(Double.NaN);
            double squares = Arrays.stream(values).map(v -> (v - mean) * (v - mean)).sum();
            double sd = values.length > 1 ? Math.sqrt(squares / (values.length - 1)) : 0;
            return new Summary(mean, sd, Arrays.stream(values).min().orElse(Double.NaN),
                    Arrays.stream(values).max().orElse(Double.NaN));
        }
    }

    ModelEvaluation withCrossValidation(CrossValidation cv) {
        return new ModelEvaluation(modelVersion, task, trainingData, metrics, heldOutForecasts, heldOutConfusion, cv);
    }

    public void write(Path file) throws IOException {
        Json.MAPPER.copy().enable(SerializationFeature.INDENT_OUTPUT).writeValue(file.toFile(), this);
    }

    public static ModelEvaluation read(Path file) throws IOException {
        return Json.MAPPER.readValue(file.toFile(), ModelEvaluation.class);
    }
}
