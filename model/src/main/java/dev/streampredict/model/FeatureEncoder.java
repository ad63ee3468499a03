package dev.streampredict.model;

/**
 * Turns raw values into network inputs and network outputs back into predictions. Training builds its data set
 * through this class and the job scores through it, so the two cannot drift apart.
 */
public final class FeatureEncoder {

    private final ModelMetadata metadata;
    private final Standardizer standardizer;
    private final boolean differences;
    /** How many series a forecaster reads, and which of them is the target. */
    private final int series;
    private final int target;

    public FeatureEncoder(ModelMetadata metadata) {
        this.metadata = metadata;
        this.standardizer = metadata.standardizer();
        this.differences = metadata.targetMode() == TargetMode.DIFFERENCE;
        this.series = metadata.seriesCount();
        this.target = metadata.targetIndex();
    }

    public int inputs() {
        return metadata.networkInputs();
    }

    /**
     * Writes the inputs for one regression window into {@code row} at {@code offset}: each series' steps, series
     * after series, which is also how a sequence network's channels lie in a row.
     *
     * @param window the past values of each series the model reads, series after series (its features in their
     *               order, then its calendar's, see {@link ModelMetadata#seriesCount()}), each as long as the others
     *               and oldest first: the model reads the last {@code windowSize} of each
     */
    public void encodeWindow(double[] window, float[] row, int offset) {
        int length = window.length / series;
        int size = metadata.windowSize();
        int steps = differences ? size - 1 : size;
        for (int s = 0; s < series; s++) {
            int start = s * length + length - size;
            int to = offset + s * steps;
            if (differences) {
                for (int i = start + 1; i < start + size; i++) {
                    row[to + i - start - 1] = (float) standardizer.standardize(s, window[i] - window[i - 1]);
                }
            } else {
                for (int i = start; i < start + size; i++) {
                    row[to + i - start] = (float) standardizer.standardize(s, window[i]);
                }
            }
        }
    }

    /**
     * The network's training target for a value of the target that followed {@code window}, at any step ahead: the
     * value, or its difference from the window's last.
     */
    public double encodeNext(double[] window, double next) {
        return differences ? standardizer.standardize(target, next - lastOfTarget(window))
                : standardizer.standardize(target, next);
    }

    /**
     * The target's latest input in {@code window} as the network sees it: the standardised last step (differences)
     * or value (levels). Training inputs have mean 0 and spread 1 on this scale.
     */
    public double standardisedLatest(double[] window) {
        int last = (target + 1) * (window.length / series) - 1;
        return differences ? standardizer.standardize(target, window[last] - window[last - 1])
                : standardizer.standardize(target, window[last]);
    }

    /** The target's forecast value, at the step of the network output {@code output} for {@code window}. */
    public double decodeForecast(double[] window, double output) {
        double restored = standardizer.restore(target, output);
        return differences ? lastOfTarget(window) + restored : restored;
    }

    private double lastOfTarget(double[] window) {
        return window[(target + 1) * (window.length / series) - 1];
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
