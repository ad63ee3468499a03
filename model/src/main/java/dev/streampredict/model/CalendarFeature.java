package dev.streampredict.model;

import java.util.List;
import java.util.Locale;

/**
 * A cycle of the calendar that a forecaster may read beside its series: known in advance for any time, unlike the
 * series. Each gives two input series, the sine and the cosine of a value's event time in the cycle (UTC), so that
 * the end of the cycle meets its start; training and the job compute them alike, from each value's event time.
 */
public enum CalendarFeature {

    HOUR_OF_DAY(Day.MS, 0),
    /** Monday 00:00 starts the week; 1 January 1970 was a Thursday. */
    DAY_OF_WEEK(7 * Day.MS, 3 * Day.MS);

    /** A constant the constants above can read: an enum's own static fields are not set before its constants. */
    private static final class Day {
        static final long MS = 24L * 60 * 60 * 1000;
    }

    /** Each cycle is read as two series: its sine and its cosine. */
    private static final int SERIES_PER_CYCLE = 2;

    private final long period;
    private final long offset;

    CalendarFeature(long period, long offset) {
        this.period = period;
        this.offset = offset;
    }

    /** Writes the sine and the cosine of {@code epochMillis}'s place in the cycle to {@code out[at]} and after. */
    public void write(long epochMillis, double[] out, int at) {
        double phase = 2 * Math.PI * Math.floorMod(epochMillis + offset, period) / period;
        out[at] = Math.sin(phase);
        out[at + 1] = Math.cos(phase);
    }

    /**
     * Writes every cycle of {@code calendar}, two values each in its order, to {@code out} from {@code at} on: the
     * calendar's series at one value's event time, as training and the job both lay them after the features.
     */
    public static void writeAll(List<CalendarFeature> calendar, long epochMillis, double[] out, int at) {
        for (int c = 0; c < calendar.size(); c++) {
            calendar.get(c).write(epochMillis, out, at + SERIES_PER_CYCLE * c);
        }
    }

    /** How many series a forecaster of {@code features} series and this calendar reads: the calendar's after them. */
    public static int seriesCount(int features, List<CalendarFeature> calendar) {
        return features + SERIES_PER_CYCLE * calendar.size();
    }

    /** The names of its two series, as training and {@code model.json} list them. */
    public List<String> seriesNames() {
        String name = name().toLowerCase(Locale.ROOT);
        return List.of(name + "_sin", name + "_cos");
    }
}
