package dev.streampredict.model;

import java.util.Arrays;
import java.util.List;

/**
 * A forecaster's prediction intervals, by split conformal prediction: each step's half-width is the quantile of the
 * absolute errors on held-out windows that makes a {@code level} share of new errors fall inside, if the errors
 * ahead are like those. A forecast {@code f} then comes with {@code [f - halfWidth, f + halfWidth]}.
 *
 * @param level      the share of actual values meant to fall inside, e.g. 0.9
 * @param halfWidths one per forecast step, the first for the next value
 */
public record PredictionIntervals(double level, List<Double> halfWidths) {

    public PredictionIntervals {
        ModelMetadata.require(level > 0 && level < 1, "intervals.level", "must be between 0 and 1, got " + level);
        ModelMetadata.require(halfWidths != null && !halfWidths.isEmpty(), "intervals.halfWidths",
                "must hold one half-width per forecast step, the next value's first");
        for (Double halfWidth : halfWidths) {
            ModelMetadata.require(halfWidth != null && Double.isFinite(halfWidth) && halfWidth >= 0,
                    "intervals.halfWidths", "must be finite and not negative, got " + halfWidths);
        }
        halfWidths = List.copyOf(halfWidths);
    }

    /** The half-width of the next value's interval. */
    public double nextHalfWidth() {
        return halfWidths.get(0);
    }

    /** The half-width of the interval {@code step} steps ahead (1: the next value). */
    public double halfWidth(int step) {
        return halfWidths.get(step - 1);
    }

    /**
     * Split conformal: the half-width that covers a {@code level} share of new absolute errors, from {@code errors}
     * measured on windows the network was not fitted on; the ceil((n + 1) level)-th smallest of them.
     *
     * @throws IllegalArgumentException when there are too few errors for that level
     */
    public static double halfWidth(double[] errors, double level) {
        double[] sorted = errors.clone();
        for (int i = 0; i < sorted.length; i++) {
            sorted[i] = Math.abs(sorted[i]);
        }
        Arrays.sort(sorted);
        int rank = (int) Math.ceil((sorted.length + 1) * level);
        if (rank > sorted.length) {
            throw new IllegalArgumentException("a " + level + " interval needs at least "
                    + (int) Math.ceil(level / (1 - level)) + " held-out errors, there are " + sorted.length
                    + ": lower --interval-level or give more data");
        }
        return sorted[rank - 1];
    }
}
