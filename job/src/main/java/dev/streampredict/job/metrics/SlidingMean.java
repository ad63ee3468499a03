package dev.streampredict.job.metrics;

/**
 * Mean of the last {@code capacity} values: what a dashboard wants to see drift when the model goes stale, where a
 * mean since the start would barely move. Written by the task thread, read by metric reporters.
 */
final class SlidingMean {

    private final double[] values;
    private int next;
    private int size;
    private double sum;
    private volatile double mean = Double.NaN;

    SlidingMean(int capacity) {
        values = new double[capacity];
    }

    void add(double value) {
        if (size == values.length) {
            sum -= values[next];
        } else {
            size++;
        }
        values[next] = value;
        sum += value;
        next = (next + 1) % values.length;
        if (next == 0) { // once per lap, drop the rounding error that adding and subtracting accumulates
            sum = 0;
            for (int i = 0; i < size; i++) {
                sum += values[i];
            }
        }
        mean = sum / size;
    }

    double mean() {
        return mean;
    }
}
