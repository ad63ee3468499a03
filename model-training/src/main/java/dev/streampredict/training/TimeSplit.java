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

    public static <T> TimeSplit<T> of(List<T> samples, ToLongFunction<T> time, double validationFraction,
                                      double testFraction) {
        if (validationFraction <= 0 || testFraction <= 0 || validationFraction + testFraction >= 1) {
            throw new IllegalArgumentException("validation and test fractions must be positive and leave room "
                    + "for training, got " + validationFraction + " and " + testFraction);
        }
        long[] times = samples.stream().mapToLong(time).sorted().toArray();
        if (times.length < 10) {
            throw new IllegalArgumentException("only " + times.length + " samples: too few to train and evaluate");
        }
        long validationFrom = times[(int) (times.length * (1 - validationFraction - testFraction))];
        long testFrom = times[(int) (times.length * (1 - testFraction))];
        List<T> train = new ArrayList<>();
        List<T> validation = new ArrayList<>();
        List<T> test = new ArrayList<>();
        for (T sample : samples) {
            long t = time.applyAsLong(sample);
            (t < validationFrom ? train : t < testFrom ? validation : test).add(sample);
        }
        if (train.isEmpty() || validation.isEmpty() || test.isEmpty()) {
            throw new IllegalArgumentException("the time-ordered split left a part empty (train " + train.size()
                    + ", validation " + validation.size() + ", test " + test.size()
                    + "): too many samples share one timestamp");
        }
        return new TimeSplit<>(train, validation, test, validationFrom, testFrom);
    }
}
