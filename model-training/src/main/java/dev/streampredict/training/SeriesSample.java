package dev.streampredict.training;

/**
 * One supervised example for next-value regression: the last values of one key's series and the target's value that
 * came next.
 *
 * @param window    the target's {@code windowSize} values before {@code next}, oldest first: what the baselines read
 * @param inputs    what the model reads: the window of each input series, series after series (the target's among
 *                  them), as {@code FeatureEncoder.encodeWindow} takes them; {@code window} itself for a model of
 *                  the target alone
 * @param next      the value to forecast
 * @param timestamp event time of {@code next}: decides which part of the time-ordered split it falls in
 * @param series    the key's whole target series in time order, shared by its samples: baselines that look further
 *                  back than the window read it, and the values further ahead than {@code next} are in it
 * @param index     where {@code next} is in {@code series}
 */
public record SeriesSample(String key, double[] window, double[] inputs, double next, long timestamp, double[] series,
                           int index) {

    public double last() {
        return window[window.length - 1];
    }

    /** The value {@code season} steps before {@code next} (the seasonal naive forecast), or NaN before the series. */
    public double seasonAgo(int season) {
        return seasonAgo(season, 1);
    }

    /** The target's actual value {@code step} steps ahead (1: {@code next}). */
    public double actual(int step) {
        return series[index + step - 1];
    }

    /**
     * The seasonal naive forecast {@code step} steps ahead: the value whole seasons before that step's, the fewest
     * that reach back to before {@code next}; NaN before the series.
     */
    public double seasonAgo(int season, int step) {
        int back = season * ((step + season - 1) / season);
        int at = index + step - 1 - back;
        return at >= 0 ? series[at] : Double.NaN;
    }
}
