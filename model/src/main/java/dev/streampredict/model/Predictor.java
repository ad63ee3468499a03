package dev.streampredict.model;


import java.util.Arrays;

/**
 * A loaded model ready to score batches: the metadata's encoding around a network run by an
 * {@link InferenceRuntime}. Not thread-safe (runtimes are not): each Flink subtask holds its own, and closes it when
 * it drops it.
 */
public final class Predictor implements AutoCloseable {

    private final ModelMetadata metadata;
    private final InferenceRuntime runtime;
    private final FeatureEncoder encoder;
    private float[] buffer = new float[0];

    public Predictor(ModelMetadata metadata, InferenceRuntime runtime) {
        this.metadata = metadata;
        this.runtime = runtime;
        this.encoder = new FeatureEncoder(metadata);
    }

    public ModelMetadata metadata() {
        return metadata;
    }

    /**
     * Forecasts the target's next value after each window, in one network call.
     *
     * @param windows the first {@code count} entries are windows of the series the model reads, series after series
     *                as {@link FeatureEncoder#encodeWindow} takes them: of at least {@code windowSize} values each,
     *                oldest first; the model reads the last {@code windowSize} of each
     */
    public double[] forecast(double[][] windows, int count) {
        double[] flat = forecastFlat(windows, count);
        int horizon = metadata.horizon();
        if (horizon == 1) {
            return flat;
        }
        double[] next = new double[count];
        for (int i = 0; i < count; i++) {
            next[i] = flat[i * horizon];
        }
        return next;
    }

    /** As {@link #forecast}, every step of the horizon: {@code [input][step - 1]}. */
    public double[][] forecastSteps(double[][] windows, int count) {
        double[] flat = forecastFlat(windows, count);
        int horizon = metadata.horizon();
        double[][] steps = new double[count][];
        for (int i = 0; i < count; i++) {
            steps[i] = Arrays.copyOfRange(flat, i * horizon, (i + 1) * horizon);
        }
        return steps;
    }

    /** Each input's forecasts, step after step, input after input. */
    private double[] forecastFlat(double[][] windows, int count) {
        requireTask(Task.REGRESSION);
        int inputs = encoder.inputs();
        float[] rows = rows(count, inputs);
        for (int i = 0; i < count; i++) {
            encoder.encodeWindow(windows[i], rows, i * inputs);
        }
        double[] forecasts = runtime.run(rows, count);
        int horizon = metadata.horizon();
        for (int i = 0; i < forecasts.length; i++) {
            forecasts[i] = encoder.decodeForecast(windows[i / horizon], forecasts[i]);
        }
        return forecasts;
    }

    /** Class probabilities for each feature vector, in {@link ModelMetadata#classes()} order. */
    public double[][] classify(double[][] featureVectors, int count) {
        requireTask(Task.CLASSIFICATION);
        int inputs = encoder.inputs();
        float[] rows = rows(count, inputs);
        for (int i = 0; i < count; i++) {
            encoder.encodeFeatures(featureVectors[i], rows, i * inputs);
        }
        double[] flat = runtime.run(rows, count);
        int classes = flat.length / count;
        double[][] probabilities = new double[count][];
        for (int i = 0; i < count; i++) {
            probabilities[i] = Arrays.copyOfRange(flat, i * classes, (i + 1) * classes);
        }
        return probabilities;
    }

    /** The outputs for the first {@code count} inputs, whatever the task: a forecast, or each class's probability. */
    public double[][] outputs(double[][] inputs, int count) {
        return metadata.task().outputs(this, inputs, count);
    }

    /** How far inputs are from the training data: see {@link FeatureEncoder#standardisedLatest}. */
    public double standardisedLatest(double[] window) {
        return encoder.standardisedLatest(window);
    }

    /** How far inputs are from the training data: see {@link FeatureEncoder#standardise}. */
    public void standardise(double[] features, double[] out) {
        encoder.standardise(features, out);
    }

    /**
     * Releases the runtime's native memory: an ONNX Runtime session holds its own until it is closed, whatever the
     * garbage collector does. The predictor is not used after.
     */
    @Override
    public void close() {
        runtime.close();
    }

    /** Index of the most probable class. */
    public static int mostLikely(double[] probabilities) {
        int best = 0;
        for (int i = 1; i < probabilities.length; i++) {
            if (probabilities[i] > probabilities[best]) {
                best = i;
            }
        }
        return best;
    }

    private float[] rows(int count, int inputs) {
        if (buffer.length != count * inputs) {
            buffer = new float[count * inputs];
        }
        return buffer;
    }

    private void requireTask(Task task) {
        if (metadata.task() != task) {
            throw new IllegalStateException("model " + metadata.modelVersion() + " is a " + metadata.task()
                    + " model, not " + task);
        }
    }
}
