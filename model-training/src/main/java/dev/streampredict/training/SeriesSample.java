package dev.streampredict.training;

/**
 * One supervised example for next-value regression: the last values of one key's series and the value that
 * came next.
 *
 * @param window    the {@code windowSize} values before {@code next}, oldest first
 * @param next      the value to forecast
 * @param timestamp event time of {@code next}: decides which part of the time-ordered split it falls in
 */
public record SeriesSample(String key, double[] window, double next, long timestamp) {

    public double last() {
        return window[window.length - 1];
    }
}
