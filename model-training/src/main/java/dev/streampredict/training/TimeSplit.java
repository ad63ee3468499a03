package dev.streampredict.training;

import java.util.ArrayList;
import java.util.List;
import java.util.function.ToLongFunction;

/**
 * A time-ordered three-way split: the model learns on {@code train}, early stopping watches {@code validation},
 * and the reported numbers come from {@code test}, which training never saw. Everything in a later part happened
 * after everything in an earlier part, across all keys, so no future leaks into the past.
 */
public record TimeSplit<T>(List<T> train, List<T> validation, List<T> test, long validationFrom, long testFrom) {

    /** Fewer samples than this cannot be split three ways and still say anything. */
    public static final int MIN_SAMPLES = 10;

    public static <T> TimeSplit<T> of(List<T> samples, ToLongFunction<T> time, double validationFraction,
                                      double testFraction) {
        if (validationFraction <= 0 || testFraction <= 0 || validationFraction + testFraction >= 1) {
            throw new IllegalArgumentException("validation and test fractions must be positive and leave room "
                    + "for training, got " + validationFraction + " and " + testFraction);
        }
        long[] times = sortedTimes(samples, time);
        long validationFrom = times[(int) (times.length * (1 - validationFraction - testFraction))];
        long testFrom = times[(int) (times.length * (1 - testFraction))];
        return cut(samples, time, validationFrom, testFrom, Long.MAX_VALUE);
    }

    /**
     * Rolling-origin evaluation: the later half of the time range is cut into {@code k} consecutive test blocks;
     * each block is forecast by a model trained on everything before it (its latest {@code validationFraction}
     * for early stopping), so every test block lies in its model's future, as it would in production.
     */
    public static <T> List<TimeSplit<T>> rollingOrigin(List<T> samples, ToLongFunction<T> time, int k,
                                                       double validationFraction) {
        if (k < 1) {
            throw new IllegalArgumentException("rolling-origin evaluation needs at least 1 fold, got --cv " + k);
        }
        if (validationFraction <= 0 || validationFraction >= 1) {
            throw new IllegalArgumentException("the validation fraction must be in (0, 1), got " + validationFraction);
        }
        long[] times = sortedTimes(samples, time);
        if (times.length < MIN_SAMPLES * 2 * k) {
            int most = times.length / (MIN_SAMPLES * 2);
            // the advice must work when followed: with fewer than one fold's worth, no --cv does
            throw new IllegalArgumentException(times.length + " samples are too few for --cv " + k + ": each of the "
                    + k + " test blocks and its training data need " + MIN_SAMPLES + "; " + (most >= 1
                    ? "use --cv " + most + " or fewer"
                    : "even one block needs " + MIN_SAMPLES * 2 + ", so leave --cv out (the held-out test part is "
                    + "still evaluated)"));
        }
        List<TimeSplit<T>> folds = new ArrayList<>();
        for (int f = 0; f < k; f++) {
            int origin = times.length / 2 + (int) ((long) times.length / 2 * f / k);
            int end = times.length / 2 + (int) ((long) times.length / 2 * (f + 1) / k);
            long testFrom = times[origin];
            long validationFrom = times[(int) (origin * (1 - validationFraction))];
            folds.add(cut(samples, time, validationFrom, testFrom, end < times.length ? times[end] : Long.MAX_VALUE));
        }
        return folds;
    }

    private static <T> long[] sortedTimes(List<T> samples, ToLongFunction<T> time) {
        long[] times = samples.stream().mapToLong(time).sorted().toArray();
        if (times.length < MIN_SAMPLES) {
            throw new IllegalArgumentException("only " + times.length + " samples: too few to train and evaluate");
        }
        return times;
    }

    /** Train before {@code validationFrom}, validation before {@code testFrom}, test before {@code testUntil}. */
    private static <T> TimeSplit<T> cut(List<T> samples, ToLongFunction<T> time, long validationFrom, long testFrom,
                                        long testUntil) {
        List<T> train = new ArrayList<>();
        List<T> validation = new ArrayList<>();
        List<T> test = new ArrayList<>();
        for (T sample : samples) {
            long t = time.applyAsLong(sample);
            if (t < testUntil) {
                (t < validationFrom ? train : t < testFrom ? validation : test).add(sample);
            }
        }
        if (train.isEmpty() || validation.isEmpty() || test.isEmpty()) {
            throw new IllegalArgumentException("the time-ordered split left a part empty (train " + train.size()
                    + ", validation " + validation.size() + ", test " + test.size()
                    + "): too many samples share one timestamp");
        }
        return new TimeSplit<>(train, validation, test, validationFrom, testFrom);
    }
}
