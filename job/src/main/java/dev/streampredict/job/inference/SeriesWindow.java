package dev.streampredict.job.inference;

/**
 * Per-key state of a regression series: the last values of each series the models read (the target, and any others
 * beside it) in one primitive array of ring buffers (O(series x window) doubles per key, no boxing), the forecasts
 * waiting for the target's next value with the versions that made them, and the key's running error. A Flink POJO:
 * public fields and a no-argument constructor, so it is serialised without Kryo and can evolve (fields added later
 * restore as their defaults from older savepoints).
 * <p>
 * The buffers hold as many values as the widest model that has served the key needs. A model with a smaller window
 * reads the latest values; a model with a larger one (a swap, or a savepoint restored with another model) makes the
 * buffers grow, and until they have filled, the missing older values are padded exactly as for a new key, and the
 * prediction says so in its window fill.
 */
public class SeriesWindow {

    /** Each series' ring buffer, series after series, each {@code values.length / series} long. */
    public double[] values;
    /** How many series; 0 in state from before there could be more than one, which held one. */
    public int series;
    /** Position of the next write, as a count of values written since the buffers last changed size. */
    public long seen;
    /** How many values the key has had: what pending forecasts count their steps by. */
    public long count;
    /** The key's latest event time, and the time between its last two values (0 before): step times count by it. */
    public long lastTimestamp;
    public long spacing;
    /** The serving models' forecasts still waiting for actual values; {@code null} before the first. */
    public PendingForecasts served;
    /** The shadow model's, alike. */
    public PendingForecasts shadow;
    /** The serving model's forecast of the next value in state written before {@link #served}: read once. */
    public double pendingForecast = Double.NaN;
    public String pendingVersion;
    /** The shadow's, alike. */
    public double shadowForecast = Double.NaN;
    public String shadowVersion;
    public long evaluated;
    public double squaredErrorSum;

    public SeriesWindow() {
    }

    public static SeriesWindow empty(int series, int size) {
        SeriesWindow window = new SeriesWindow();
        window.series = series;
        window.values = new double[series * size];
        return window;
    }

    /** How many series the buffers hold. */
    public int series() {
        return Math.max(1, series);
    }

    /** Appends one value of each series, in the order the buffers hold them. */
    public void add(double[] latest) {
        int size = size();
        int at = (int) (seen % size);
        for (int s = 0; s < latest.length; s++) {
            values[s * size + at] = latest[s];
        }
        seen++;
        count++;
    }

    /** As {@link #add(double[])}, at event time {@code timestamp}. */
    public void add(double[] latest, long timestamp) {
        if (count > 0 && lastTimestamp > 0 && timestamp > lastTimestamp) { // 0: state from before times were kept
            spacing = timestamp - lastTimestamp;
        }
        lastTimestamp = Math.max(lastTimestamp, timestamp);
        add(latest);
    }

    /**
     * Moves what state written by an earlier build holds into this build's fields: the value count, and a pending
     * forecast of the next value (whose persistence forecast is the target's latest value, series {@code target}).
     */
    public void upgrade(int target) {
        if (count == 0 && seen > 0) {
            count = seen;
        }
        if (!Double.isNaN(pendingForecast) && served == null) {
            served = PendingForecasts.of(1).keep(count, last(target), new double[]{pendingForecast}, pendingVersion);
        }
        if (!Double.isNaN(shadowForecast) && shadow == null) {
            shadow = PendingForecasts.of(1).keep(count, last(target), new double[]{shadowForecast}, shadowVersion);
        }
        pendingForecast = Double.NaN;
        shadowForecast = Double.NaN;
    }

    /** The latest value of series {@code s}; only when {@link #fill()} is above 0. */
    public double last(int s) {
        int size = size();
        return values[s * size + (int) ((seen - 1) % size)];
    }

    /** How many real values each series' buffer holds. */
    public int fill() {
        return (int) Math.min(seen, size());
    }

    /** Makes room for {@code size} values of each series, keeping the ones held, oldest first. */
    public void growTo(int size) {
        if (size <= size()) {
            return;
        }
        double[] grown = new double[series() * size];
        int fill = fill();
        for (int s = 0; s < series(); s++) {
            copyTo(s, grown, s * size, fill, 0);
        }
        values = grown;
        seen = fill;
    }

    /**
     * Copies the latest {@code out.length / series()} values of each series into {@code out}, series after series,
     * oldest first. Before the buffers are full the missing older values are each series' oldest value seen, so a
     * key's first events get a forecast from a flat history instead of none.
     */
    public void copyTo(double[] out) {
        int length = out.length / series();
        int count = Math.min(fill(), length);
        for (int s = 0; s < series(); s++) {
            copyTo(s, out, s * length, count, length - count);
        }
    }

    private int size() {
        return values.length / series();
    }

    /**
     * Copies series {@code s}'s latest {@code count} values to {@code out[from + padding...]}, the oldest of them
     * into the padding before.
     */
    private void copyTo(int s, double[] out, int from, int count, int padding) {
        int size = size();
        int oldest = seen > size ? (int) (seen % size) : 0;
        int skip = fill() - count;
        int base = s * size;
        for (int i = 0; i < padding; i++) {
            out[from + i] = values[base + (oldest + skip) % size];
        }
        for (int i = 0; i < count; i++) {
            out[from + padding + i] = values[base + (oldest + skip + i) % size];
        }
    }
}
