package dev.streampredict.job.inference;

/**
 * Per-key state of a regression series: the last values in a primitive ring buffer (O(window) doubles per key,
 * no boxing), the forecast waiting for the next value, and the key's running error. A Flink POJO: public fields
 * and a no-argument constructor, so it is serialised without Kryo and can evolve.
 */
public class SeriesWindow {

    public double[] values;
    /** Values seen so far (not capped): the window is full once this reaches {@code values.length}. */
    public long seen;
    /** Forecast for this key's next value, NaN when there is none yet. */
    public double pendingForecast = Double.NaN;
    public long evaluated;
    public double squaredErrorSum;

    public SeriesWindow() {
    }

    public static SeriesWindow empty(int size) {
        SeriesWindow window = new SeriesWindow();
        window.values = new double[size];
        return window;
    }

    public void add(double value) {
        values[(int) (seen % values.length)] = value;
        seen++;
    }

    /** How many real values the window holds. */
    public int fill() {
        return (int) Math.min(seen, values.length);
    }

    /**
     * Copies the window into {@code out}, oldest first. Before the window is full the missing older values are
     * the oldest value seen, so a key's first events get a forecast from a flat history instead of none.
     */
    public void copyTo(double[] out) {
        int size = values.length;
        int fill = fill();
        int oldest = seen > size ? (int) (seen % size) : 0;
        int padding = size - fill;
        for (int i = 0; i < padding; i++) {
            out[i] = values[oldest];
        }
        for (int i = 0; i < fill; i++) {
            out[padding + i] = values[(oldest + i) % size];
        }
    }
}
