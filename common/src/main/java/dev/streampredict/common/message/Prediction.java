package dev.streampredict.common.message;

import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * One record on the {@code predictions} topic: the model's answer for one input event.
 *
 * @param id                  the input's id
 * @param key                 the input's key
 * @param input               the input message exactly as it arrived (JSON text)
 * @param target              regression: the feature whose next value is forecast; classification: {@code null}
 * @param prediction          regression: the forecast next value of {@code target}; classification: {@code null}
 * @param predictedClass      classification: the most probable class; regression: {@code null}
 * @param classProbabilities  classification: probability of every class; regression: {@code null}
 * @param modelVersion        version of the model artifact that made the prediction
 * @param predictionTimestamp when the prediction was made, epoch milliseconds
 * @param latencyMs           {@code predictionTimestamp} minus the time the input was written to Kafka
 * @param windowFill          how many real past values the model saw: the window size once a key is warm, fewer
 *                            for a key's first events (the window is then padded with its oldest value); 1 for
 *                            classification
 * @param interval            regression by a model with prediction intervals: the interval around
 *                            {@code prediction}; otherwise {@code null}
 * @param steps               regression by a model of several steps ahead: each step's forecast, the first being
 *                            {@code prediction}; otherwise {@code null}
 * @param missingSteps        regression: how many values the key's series is missing just before this input, by its
 *                            event time and the key's spacing before it (the window holds the values as they came)
 */
public record Prediction(
        String id,
        String key,
        String input,
        String target,
        Double prediction,
        String predictedClass,
        Map<String, Double> classProbabilities,
        String modelVersion,
        long predictionTimestamp,
        long latencyMs,
        int windowFill,
        Interval interval,
        List<Step> steps,
        int missingSteps) {

    /**
     * Where the actual value should fall with probability {@code level}, if errors ahead are like those the model
     * was calibrated on.
     */
    public record Interval(double level, double lower, double upper) {
    }

    /**
     * One step of a forecast of several.
     *
     * @param step     how many values ahead: 1 for the next
     * @param time     the event time it refers to, from the key's latest spacing; {@code null} before the key has
     *                 two values
     * @param forecast the forecast value
     * @param interval its prediction interval, or {@code null} for a model without
     */
    public record Step(int step, Long time, double forecast, Interval interval) {
    }

    public Prediction {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(input, "input");
        Objects.requireNonNull(modelVersion, "modelVersion");
        if ((prediction == null) == (predictedClass == null)) {
            throw new IllegalArgumentException("a prediction is either a number or a class, not both or neither");
        }
        if (interval != null && prediction == null) {
            throw new IllegalArgumentException("an interval is for a number, not a class");
        }
        if (steps != null && (prediction == null || steps.isEmpty() || steps.get(0).forecast() != prediction)) {
            throw new IllegalArgumentException("steps are a forecast's, the first being the prediction");
        }
        steps = steps == null ? null : List.copyOf(steps);
    }

    /** A prediction of one value, as before there were steps. */
    public Prediction(String id, String key, String input, String target, Double prediction, String predictedClass,
                      Map<String, Double> classProbabilities, String modelVersion, long predictionTimestamp,
                      long latencyMs, int windowFill, Interval interval) {
        this(id, key, input, target, prediction, predictedClass, classProbabilities, modelVersion, predictionTimestamp,
                latencyMs, windowFill, interval, null, 0);
    }

    public static Prediction regression(String id, String key, String input, String target, double value,
                                        String modelVersion, long predictionTimestamp, long latencyMs,
                                        int windowFill, Interval interval) {
        return regression(id, key, input, target, value, modelVersion, predictionTimestamp, latencyMs, windowFill,
                interval, null, 0);
    }

    /**
     * A forecast of several steps ({@code steps}, whose first is {@code value} with {@code interval}; {@code null} for
     * one), after {@code missingSteps} values the series lacks.
     */
    public static Prediction regression(String id, String key, String input, String target, double value,
                                        String modelVersion, long predictionTimestamp, long latencyMs,
                                        int windowFill, Interval interval, List<Step> steps, int missingSteps) {
        return new Prediction(id, key, input, target, value, null, null, modelVersion, predictionTimestamp,
                latencyMs, windowFill, interval, steps, missingSteps);
    }

    public static Prediction classification(String id, String key, String input, String predictedClass,
                                            Map<String, Double> classProbabilities, String modelVersion,
                                            long predictionTimestamp, long latencyMs) {
        return new Prediction(id, key, input, null, null, predictedClass, classProbabilities, modelVersion,
                predictionTimestamp, latencyMs, 1, null);
    }
}
