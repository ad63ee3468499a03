package dev.streampredict.training;

import java.util.List;

/**
 * The season of a series, found in its training part: the lag at which its step-to-step changes repeat (a day of
 * hourly values: 24), for the seasonal naive baseline. Changes, not levels, so that a trend does not pass for a
 * season; the shortest peak of their autocorrelation within a tenth of the highest, so that a day is not taken for
 * two.
 */
final class Seasonality {

    /** Below this autocorrelation of the changes, a series is taken to have no season. */
    static final double MIN_AUTOCORRELATION = 0.3;
    static final int MAX_LAG = 400;

    private Seasonality() {
    }

    /** The season of the first key's series among {@code samples} (time-ordered), or 0 if it has none. */
    static int find(List<SeriesSample> samples) {
        if (samples.isEmpty()) {
            return 0;
        }
        String key = samples.get(0).key();
        double[] values = samples.stream().filter(s -> s.key().equals(key)).mapToDouble(SeriesSample::next)
                .toArray();
        double[] changes = new double[Math.max(0, values.length - 1)];
        double mean = 0;
        for (int t = 1; t < values.length; t++) {
            changes[t - 1] = values[t] - values[t - 1];
            mean += changes[t - 1] / changes.length;
        }
        double variance = 0;
        for (int t = 0; t < changes.length; t++) {
            changes[t] -= mean;
            variance += changes[t] * changes[t];
        }
        int lags = Math.min(MAX_LAG, changes.length / 3);
        if (variance == 0 || lags < 2) {
            return 0;
        }
        double[] correlation = new double[lags + 2];
        for (int lag = 1; lag <= lags + 1 && lag < changes.length; lag++) {
            double sum = 0;
            for (int t = lag; t < changes.length; t++) {
                sum += changes[t] * changes[t - lag];
            }
            correlation[lag] = sum / variance;
        }
        // a smooth series' changes resemble their neighbours': the season is a peak after the first turn below 0
        int from = 1;
        while (from <= lags && correlation[from] >= 0) {
            from++;
        }
        double best = 0;
        for (int lag = from + 1; lag <= lags; lag++) {
            if (isPeak(correlation, lag)) {
                best = Math.max(best, correlation[lag]);
            }
        }
        if (best < MIN_AUTOCORRELATION) {
            return 0;
        }
        for (int lag = from + 1; lag <= lags; lag++) {
            if (isPeak(correlation, lag) && correlation[lag] >= 0.9 * best) {
                return lag;
            }
        }
        return 0;
    }

    private static boolean isPeak(double[] correlation, int lag) {
        return correlation[lag] >= correlation[lag - 1] && correlation[lag] >= correlation[lag + 1];
    }
}
