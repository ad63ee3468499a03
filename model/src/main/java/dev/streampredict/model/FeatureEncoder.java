package dev.streampredict.model;

/**
 * Turns raw values into network inputs and network outputs back into predictions. Training builds its data set
 * through this class and the job scores through it, so the two cannot drift apart.
 */
public final class FeatureEncoder {

    private final ModelMetadata metadata;
    private final Standardizer standardizer;
    private final boolean differences;

    public FeatureEncoder(ModelMetadata metadata) {
        this.metadata = metadata;
        this.standardizer = metadata.standardizer();
        this.differences = metadata.targetMode() == TargetMode.DIFFERENCE;
    }

    public int inputs() {
        return metadata.networkInputs();
    }

    /**
     * Writes the inputs for one regression window into {@code row} at {@code offset}.
     *
     * @param window past values of the target, oldest first: the model reads the last {@code windowSize} of them
     */
    public void encodeWindow(double[] window, float[] row, int offset) {
        int start = window.length - metadata.windowSize();
        if (differences) {
            for (int i = start + 1; i < window.length; i++) {
                row[offset + i - start - 1] = (float) standardizer.standardize(0, window[i] - window[i - 1]);
            }
        } else {
            for (int i = start; i < window.length; i++) {
                row[offset + i - start] = (float) standardizer.standardize(0, window[i]);
            }
        }
    }

    /** The network's training target for the value that followed {@code window}. */
    public double encodeNext(double[] window, double next) {
        double last = window[window.length - 1];
        return differences ? standardizer.standardize(0, next - last) : standardizer.standardize(0, next);
    }

    /**
     * The latest input of {@code window} as the network sees it: the standardised last step (differences) or
     * value (levels). Training inputs have mean 0 and spread 1 on this scale.
     */
    public double standardisedLatest(double[] window) {
        int last = window.length - 1;
        return differences ? standardizer.standardize(0, window[last] - window[last - 1])
                : standardizer.standardize(0, window[last]);
    }

    /** The forecast next value, from the network's output for {@code window}. */
    public double decodeForecast(double[] window, double output) {
        double restored = standardizer.restore(0, output);
        return differences ? window[window.length - 1] + restored : restored;
    }

    /** Each feature standardised as the training data was, into {@code out}. */
    public void standardise(double[] features, double[] out) {
        for (int i = 0; i < features.length; i++) {
            out[i] = standardizer.standardize(i, features[i]);
        }
    }

    /** Writes the inputs for one classification feature vector (in {@link ModelMetadata#features()} order). */
    public void encodeFeatures(double[] features, float[] row, int offset) {
        for (int i = 0; i < features.length; i++) {
            row[offset + i] = (float) standardizer.standardize(i, features[i]);
        }
    }
}
