package dev.streampredict.model;

import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Everything needed to use a network correctly, stored next to it as {@code model.json}.
 *
 * @param formatVersion version of this metadata layout; a reader refuses versions it does not know
 * @param modelVersion  unique, human-readable version of this artifact, echoed in every prediction
 * @param task          regression or classification
 * @param windowSize    regression: how many past values of the target make one input; classification: 1
 * @param features      names of the input features the model reads from each message
 * @param target        regression: the feature whose next value is forecast; classification: {@code null}
 * @param targetMode    regression: levels or differences; classification: {@code null}
 * @param standardizer  fitted on the training part only
 * @param classes       classification: class names in output order; regression: empty
 * @param createdAt     ISO-8601 time of training
 * @param trainingData  where the training data came from
 * @param metrics       metrics on the held-out validation part (model and baselines)
 */
public record ModelMetadata(
        int formatVersion,
        String modelVersion,
        Task task,
        int windowSize,
        List<String> features,
        String target,
        TargetMode targetMode,
        Standardizer standardizer,
        List<String> classes,
        String createdAt,
        String trainingData,
        Map<String, Double> metrics) {

    public static final int CURRENT_FORMAT = 1;

    public ModelMetadata {
        Objects.requireNonNull(modelVersion, "modelVersion");
        Objects.requireNonNull(task, "task");
        Objects.requireNonNull(standardizer, "standardizer");
        features = List.copyOf(features);
        classes = classes == null ? List.of() : List.copyOf(classes);
        metrics = metrics == null ? Map.of() : Map.copyOf(metrics);
    }

    /** Size of the network's input layer that this metadata implies. */
    public int networkInputs() {
        return switch (task) {
            case CLASSIFICATION -> features.size();
            case REGRESSION -> targetMode == TargetMode.DIFFERENCE ? windowSize - 1 : windowSize;
        };
    }

    /** Size of the network's output layer that this metadata implies. */
    public int networkOutputs() {
        return task == Task.CLASSIFICATION ? classes.size() : 1;
    }
}
