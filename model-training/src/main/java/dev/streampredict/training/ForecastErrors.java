package dev.streampredict.training;

import java.util.Arrays;
import java.util.List;
import java.util.function.ToDoubleFunction;

/** Mean squared and mean absolute error of one forecaster over a list of samples, at one step ahead. */
public record ForecastErrors(double mse, double mae) {

    /** Errors of {@code forecasts} of the next value. */
    public static ForecastErrors of(List<SeriesSample> samples, double[] forecasts) {
        return of(samples, forecasts, 1);
    }

    /** Errors of {@code forecasts} of the value {@code step} steps ahead. */
    public static ForecastErrors of(List<SeriesSample> samples, double[] forecasts, int step) {
        double squared = 0;
        double absolute = 0;
        for (int i = 0; i < samples.size(); i++) {
            double error = forecasts[i] - samples.get(i).actual(step);
            squared += error * error;
            absolute += Math.abs(error);
        }
        return new ForecastErrors(squared / samples.size(), absolute / samples.size());
    }

    public static ForecastErrors of(List<SeriesSample> samples, ToDoubleFunction<SeriesSample> forecaster, int step) {
        return of(samples, samples.stream().mapToDouble(forecaster).toArray(), step);
    }

    /** The naive forecast: the next value equals the last one. */
    public static ForecastErrors persistence(List<SeriesSample> samples) {
        return persistence(samples, 1);
    }

    /** The naive forecast at {@code step}: every value ahead equals the last one. */
    public static ForecastErrors persistence(List<SeriesSample> samples, int step) {
        return of(samples, SeriesSample::last, step);
    }

    /**
     * The seasonal naive forecast: the next value equals the one a season before it. NaN errors when a sample has no
     * value that far back.
     */
    public static ForecastErrors seasonalNaive(List<SeriesSample> samples, int season) {
        return seasonalNaive(samples, season, 1);
    }

    /** As above, {@code step} steps ahead. */
    public static ForecastErrors seasonalNaive(List<SeriesSample> samples, int season, int step) {
        return of(samples, s -> s.seasonAgo(season, step), step);
    }

    /** The next value equals the mean of the window. */
    public static ForecastErrors movingAverage(List<SeriesSample> samples) {
        return of(samples, s -> Arrays.stream(s.window()).average().orElseThrow(), 1);
    }

    /** The {@code step}-th of each sample's forecasts ({@code [sample][step - 1]}). */
    static double[] atStep(double[][] forecasts, int step) {
        double[] column = new double[forecasts.length];
        for (int i = 0; i < column.length; i++) {
            column[i] = forecasts[i][step - 1];
        }
        return column;
    }
}
