package dev.streampredict.job.inference;

/**
 * Per-key state of a regression series: the last values in a primitive ring buffer (O(window) doubles per key,
 * no boxing), the forecasts waiting for the next value with the versions that made them, and the key's running
 * error. A Flink POJO: public fields and a no-argument constructor, so it is serialised without Kryo and can evolve
 * (fields added later restore as their defaults from older savepoints).
 * <p>
 * The buffer holds as many values as the widest model that has served the key needs. A model with a smaller window
 * reads the latest values; a model with a larger one (a swap, or a savepoint restored with another model) makes the
 * buffer grow, and until it has filled, the missing older values are padded exactly as for a new key, and the
 * prediction says so in its window fill.
 */
public class SeriesWindow {

    public double[] values;
    /** Position of the next write, as a count of values written since the buffer last changed size. */
    public long seen;
    /** Forecast for this key's next value, NaN when there is none yet. */
    public double pendingForecast = Double.NaN;
    /** The version that made {@link #pendingForecast}. */
    public String pendingVersion;
    /** The shadow model's forecast for this key's next value, NaN when there is none. */
    public double shadowForecast = Double.NaN;
    public String shadowVersion;
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

    /** The latest value; only when {@link #fill()} is above 0. */
    public double last() {
        return values[(int) ((seen - 1) % values.length)];
    }

    /** How many real values the window holds. */
    public int fill() {
        return (int) Math.min(seen, values.length);
    }

    /** Makes room for {@code size} values, keeping the ones held, oldest first. */
    public void growTo(int size) {
        if (size <= values.length) {
            return;
        }
        double[] grown = new double[size];
        int fill = fill();
        copyTo(grown, fill, 0);
        values = grown;
        seen = fill;
    }

    /**
     * Copies the latest {@code out.length} values into {@code out}, oldest first. Before the window is full the
     * missing older values are the oldest value seen, so a key's first events get a forecast from a flat history
     * instead of none.
     */
    public void copyTo(double[] out) {
        int count = Math.min(fill(), out.length);
        copyTo(out, count, out.length - count);
    }

    /** Copies the latest {@code count} values to {@code out[padding...]}, the oldest of them into the padding. */
    private void copyTo(double[] out, int count, int padding) {
        int size = values.length;
        int oldest = seen > size ? (int) (seen % size) : 0;
        int skip = fill() - count;
        for (int i = 0; i < padding; i++) {
            out[i] = values[(oldest + skip) % size];
        }
        for (int i = 0; i < count; i++) {
            out[padding + i] = values[(oldest + skip + i) % size];
        }
    }
}
