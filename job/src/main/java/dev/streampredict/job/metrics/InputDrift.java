package dev.streampredict.job.metrics;

/**
 * How far the recent inputs a model sees lie from its training data: each feature, standardised with the statistics
 * fitted on the training part (so that the training inputs have mean 0 and spread 1), is followed as an exponential
 * moving root mean square over about the last {@value #HORIZON} values. The gauge is the largest over features:
 * about 1 while inputs look like the training data, growing when their level shifts or their spread widens. Written
 * by the task thread, read by metric reporters.
 */
final class InputDrift {

    static final int HORIZON = 1_000;
    private static final double WEIGHT = 1.0 / HORIZON;

    private final double[] meanSquare;
    private long seen;
    private volatile double drift = Double.NaN;

    InputDrift(int features) {
        meanSquare = new double[features];
    }

    /** One input's features, standardised as the model's training data was. */
    void observe(double[] standardised) {
        seen++;
        // a plain mean until the horizon is reached, so that the first values are not weighted against zeros
        double weight = Math.max(WEIGHT, 1.0 / seen);
        double largest = 0;
        for (int i = 0; i < meanSquare.length; i++) {
            meanSquare[i] += weight * (standardised[i] * standardised[i] - meanSquare[i]);
            largest = Math.max(largest, meanSquare[i]);
        }
        drift = Math.sqrt(largest);
    }

    double drift() {
        return drift;
    }
}
