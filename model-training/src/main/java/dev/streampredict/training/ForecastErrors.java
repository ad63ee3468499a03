package dev.streampredict.training;

import java.util.Arrays;
import java.util.List;
import java.util.function.ToDoubleFunction;

/** Mean squared and mean absolute error of one forecaster over a list of samples. */
public record ForecastErrors(double mse, double mae) {

    public static ForecastErrors of(List<SeriesSample> samples, double[] forecasts) {
        double squared = 0;
        double absolute = 0;
        for (int i = 0; i < samples.size(); i++) {
            double error = forecasts[i] - samples.get(i).next();
            squared += error * error;
            absolute += Math.abs(error);
        }
        return new ForecastErrors(squared / samples.size(), absolute / samples.size());
    }

    public static ForecastErrors of(List<SeriesSample> samples, ToDoubleFunction<SeriesSample> forecaster) {
        return of(samples, samples.stream().mapToDouble(forecaster).toArray());
    }

    /** The naive forecast: the next value equals the last one. */
    public static ForecastErrors persistence(List<SeriesSample> samples) {
        return of(samples, SeriesSample::last);
    }

    /**
     * The seasonal naive forecast: the next value equals the one a season before it. NaN errors when a sample has no
     * value that far back.
     */
    public static ForecastErrors seasonalNaive(List<SeriesSample> samples, int season) {
        return of(samples, s -> s.seasonAgo(season));
    }

    /** The next value equals the mean of the window. */
    public static ForecastErrors movingAverage(List<SeriesSample> samples) {
        return of(samples, s -> Arrays.stream(s.window()).average().orElseThrow());
    }
}
