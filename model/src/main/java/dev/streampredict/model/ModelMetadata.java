package dev.streampredict.model;

import com.fasterxml.jackson.annotation.JsonInclude;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Everything needed to use a network correctly, stored next to it as {@code model.json}.
 *
 * @param formatVersion version of this metadata layout; a reader refuses versions it does not know
 * @param modelVersion  unique, human-readable version of this artifact, echoed in every prediction
 * @param task          regression or classification
 * @param windowSize    regression: how many past values of each series make one input; classification: 1
 * @param features      names of the input features the model reads from each message; a forecaster reads the
 *                      window of each (its input series)
 * @param target        regression: the feature whose next value is forecast; classification: {@code null}
 * @param targetMode    regression: levels or differences; classification: {@code null}
 * @param standardizer  fitted on the training part only; one column per feature (a forecaster's in its target
 *                      mode: levels, or differences of consecutive values)
 * @param classes       classification: class names in output order; regression: empty
 * @param createdAt     ISO-8601 time of training
 * @param trainingData  where the training data came from
 * @param metrics       metrics on the held-out validation part (model and baselines)
 * @param runtime       what runs the network, and so which file holds it; absent in artifacts older than ONNX
 *                      support, which are DL4J
 * @param onnx          an ONNX model's input, output and output kind; {@code null} for any other runtime
 * @param intervals     regression: the forecasts' prediction intervals; {@code null} without (as before they existed)
 * @param architecture  a DL4J forecaster's network: how it reads its window; absent in artifacts from before the
 *                      choice, which are {@link Architecture#MLP}
 * @param horizon       regression: how many steps ahead the forecaster forecasts at once, the network's outputs (the
 *                      next value first); 1 for a classifier, and absent (read as 1) in artifacts from before
 * @param calendar      regression: the cycles of the calendar read beside the features, each as two more series
 *                      after them (see {@link CalendarFeature}); empty without, and absent in artifacts from before
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
        Map<String, Double> metrics,
        ModelRuntime runtime,
        @JsonInclude(JsonInclude.Include.NON_NULL) OnnxSignature onnx,
        @JsonInclude(JsonInclude.Include.NON_NULL) PredictionIntervals intervals,
        Architecture architecture,
        int horizon,
        @JsonInclude(JsonInclude.Include.NON_EMPTY) List<CalendarFeature> calendar) {

    public static final int CURRENT_FORMAT = 1;

    /**
     * Refuses, with the field it names, metadata that no network could be used with: a job reads every field of it
     * when a model arrives, so nothing may be missing, null or out of range.
     */
    public ModelMetadata {
        require(Untrusted.isPlain(modelVersion, ModelLimits.MAX_VERSION_LENGTH) && !modelVersion.isBlank(),
                "modelVersion", "needs 1 to " + ModelLimits.MAX_VERSION_LENGTH + " characters, no control characters "
                        + "and no backslash, got " + Untrusted.text(modelVersion));
        require(task != null, "task", "is missing: REGRESSION or CLASSIFICATION");
        features = names(features, "features", ModelLimits.MAX_FEATURES);
        require(!features.isEmpty(), "features", "is empty");
        require(standardizer != null, "standardizer", "is missing");
        classes = classes == null ? List.of() : names(classes, "classes", ModelLimits.MAX_CLASSES);
        require(metrics == null || metrics.values().stream().allMatch(Objects::nonNull), "metrics",
                "holds a null value");
        metrics = metrics == null ? Map.of() : Map.copyOf(metrics);
        calendar = calendar == null ? List.of() : List.copyOf(calendar);
        require(calendar.isEmpty() || task == Task.REGRESSION, "calendar", "is for forecasters, not " + task);
        require(calendar.stream().distinct().count() == calendar.size(), "calendar", "holds a cycle twice: "
                + calendar);
        int series = CalendarFeature.seriesCount(features.size(), calendar);
        task.check(windowSize, features, series, target, targetMode, standardizer, classes);
        runtime = runtime == null ? ModelRuntime.DL4J : runtime;
        require((runtime == ModelRuntime.ONNX) == (onnx != null), "onnx", runtime == ModelRuntime.ONNX
                ? "is missing: an ONNX model needs its input, inputShape, output and outputs"
                : "is only for ONNX models");
        if (onnx != null) {
            require(onnx.outputs().fits(task), "onnx.outputs", "of a " + task + " model cannot be " + onnx.outputs());
            int inputs = task.networkInputs(windowSize, series, targetMode);
            require(onnx.rowWidth() == inputs, "onnx.inputShape", onnx.inputShape() + " takes rows of "
                    + onnx.rowWidth() + " values; this " + task + " model's inputs make rows of " + inputs);
        }
        require(intervals == null || task == Task.REGRESSION, "intervals", "are for forecasts, not " + task);
        architecture = architecture == null ? Architecture.MLP : architecture;
        require(!architecture.readsSequence() || task == Task.REGRESSION && runtime == ModelRuntime.DL4J,
                "architecture", architecture + " is for DL4J forecasters");
        horizon = horizon == 0 ? 1 : horizon;
        require(horizon >= 1 && horizon <= ModelLimits.MAX_HORIZON && (horizon == 1 || task == Task.REGRESSION),
                "horizon", "must be from 1 to " + ModelLimits.MAX_HORIZON + " steps for a forecaster and 1 for a "
                        + "classifier, got " + horizon);
        require(intervals == null || intervals.halfWidths().size() == horizon, "intervals.halfWidths",
                "must hold one half-width per step of the horizon (" + horizon + "), got "
                        + (intervals == null ? null : intervals.halfWidths()));
    }

    /** A model of any runtime without intervals. */
    public ModelMetadata(int formatVersion, String modelVersion, Task task, int windowSize, List<String> features,
                         String target, TargetMode targetMode, Standardizer standardizer, List<String> classes,
                         String createdAt, String trainingData, Map<String, Double> metrics, ModelRuntime runtime,
                         OnnxSignature onnx) {
        this(formatVersion, modelVersion, task, windowSize, features, target, targetMode, standardizer, classes,
                createdAt, trainingData, metrics, runtime, onnx, null, null, 1, null);
    }

    /** A DL4J model, as training makes it. */
    public ModelMetadata(int formatVersion, String modelVersion, Task task, int windowSize, List<String> features,
                         String target, TargetMode targetMode, Standardizer standardizer, List<String> classes,
                         String createdAt, String trainingData, Map<String, Double> metrics) {
        this(formatVersion, modelVersion, task, windowSize, features, target, targetMode, standardizer, classes,
                createdAt, trainingData, metrics, ModelRuntime.DL4J, null, null, null, 1, null);
    }

    /** This metadata with {@code intervals}. */
    public ModelMetadata withIntervals(PredictionIntervals intervals) {
        return new ModelMetadata(formatVersion, modelVersion, task, windowSize, features, target, targetMode,
                standardizer, classes, createdAt, trainingData, metrics, runtime, onnx, intervals, architecture,
                horizon, calendar);
    }

    /** This forecaster's metadata with a {@code horizon} of steps (and no intervals: they are per step). */
    public ModelMetadata withHorizon(int horizon) {
        return new ModelMetadata(formatVersion, modelVersion, task, windowSize, features, target, targetMode,
                standardizer, classes, createdAt, trainingData, metrics, runtime, onnx, null, architecture, horizon,
                calendar);
    }

    /**
     * How many series a forecaster reads: its features, then two for each cycle of its calendar; a classifier's
     * features.
     */
    public int seriesCount() {
        return CalendarFeature.seriesCount(features.size(), calendar);
    }

    /** The names of the series {@link #seriesCount()} counts, in the order a window holds them. */
    public List<String> seriesNames() {
        List<String> names = new ArrayList<>(features);
        calendar.forEach(cycle -> names.addAll(cycle.seriesNames()));
        return names;
    }

    static void require(boolean holds, String field, String problem) {
        if (!holds) {
            throw new IllegalArgumentException("field '" + field + "' " + problem);
        }
    }

    /** A list of names, each present, printable and unique. */
    private static List<String> names(List<String> names, String field, int most) {
        require(names != null, field, "is missing");
        require(names.size() <= most, field, "has " + names.size() + " entries; the format allows " + most);
        Set<String> seen = new HashSet<>();
        for (String name : names) {
            require(Untrusted.isPlain(name, ModelLimits.MAX_NAME_LENGTH) && !name.isBlank(), field,
                    "holds a name that is null, blank, longer than " + ModelLimits.MAX_NAME_LENGTH
                            + " characters or has control characters or backslashes: " + Untrusted.text(name));
            require(seen.add(name), field, "holds " + Untrusted.text(name) + " twice");
        }
        return List.copyOf(names);
    }

    /** Size of the network's input layer that this metadata implies. */
    public int networkInputs() {
        return task.networkInputs(windowSize, seriesCount(), targetMode);
    }

    /** Where the target is among the features (a forecaster's input series); -1 for a classifier. */
    public int targetIndex() {
        return target == null ? -1 : features.indexOf(target);
    }

    /**
     * A sequence network's channels (the series it reads), the time steps being {@link #networkInputs()} divided by
     * them; 0 for a network that reads each row as it is.
     */
    public int sequenceChannels() {
        return architecture.readsSequence() ? seriesCount() : 0;
    }

    /** Size of the network's output layer that this metadata implies. */
    public int networkOutputs() {
        return task.networkOutputs(this);
    }

    /**
     * Inputs as a job would give them, each at the training mean plus one of {@code spreads} standard deviations:
     * a network whose weights hold NaN, or which overflows just outside its training range, shows it on them.
     */
    public double[][] probeRows(double[] spreads) {
        return task.probeRows(this, spreads);
    }
}
