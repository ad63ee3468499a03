package dev.streampredict.training;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Function;

/**
 * A seeded three-way split that keeps each class's share the same in train, validation and test: for data with no
 * time order, where a random split is honest but a small class could otherwise miss a part entirely.
 */
public record StratifiedSplit<T>(List<T> train, List<T> validation, List<T> test) {

    public static <T> StratifiedSplit<T> of(List<T> samples, Function<T, String> label, double validationFraction,
                                            double testFraction, long seed) {
        if (validationFraction <= 0 || testFraction <= 0 || validationFraction + testFraction >= 1) {
            throw new IllegalArgumentException("validation and test fractions must be positive and leave room "
                    + "for training, got " + validationFraction + " and " + testFraction);
        }
        Random random = new Random(seed);
        List<T> train = new ArrayList<>();
        List<T> validation = new ArrayList<>();
        List<T> test = new ArrayList<>();
        for (Map.Entry<String, List<T>> entry : byClass(samples, label).entrySet()) {
            List<T> members = new ArrayList<>(entry.getValue());
            if (members.size() < 3) {
                throw new IllegalArgumentException("class '" + entry.getKey() + "' has " + members.size()
                        + " examples: each class needs at least 3 (one per part)");
            }
            Collections.shuffle(members, random);
            int testCount = Math.max(1, (int) Math.round(members.size() * testFraction));
            int validationCount = Math.max(1, (int) Math.round(members.size() * validationFraction));
            test.addAll(members.subList(0, testCount));
            validation.addAll(members.subList(testCount, testCount + validationCount));
            train.addAll(members.subList(testCount + validationCount, members.size()));
        }
        return new StratifiedSplit<>(train, validation, test);
    }

    /**
     * Repeated stratified k-fold: in each of {@code repeats} shuffles (seeds {@code seed}, {@code seed + 1}, ...)
     * every class is dealt round the {@code k} folds, and each fold is the test part once; of the rest, a stratified
     * {@code validationFraction} watches early stopping and the remainder trains. Every example is tested once per
     * repeat, and never by a model that saw it.
     */
    public static <T> List<StratifiedSplit<T>> folds(List<T> samples, Function<T, String> label, int k, int repeats,
                                                     double validationFraction, long seed) {
        if (k < 2 || repeats < 1) {
            throw new IllegalArgumentException("k-fold cross-validation of a classifier needs at least 2 folds and 1 "
                    + "repeat, got --cv " + k + " --repeats " + repeats + (k == 1 ? " (one fold would test on the "
                    + "data it trains on: use --cv 2 or more, or leave --cv out)" : ""));
        }
        if (validationFraction <= 0 || validationFraction >= 1) {
            throw new IllegalArgumentException("the validation fraction must be in (0, 1), got " + validationFraction);
        }
        Map<String, List<T>> classes = byClass(samples, label);
        int smallest = classes.values().stream().mapToInt(List::size).min().orElse(0);
        if (smallest < k + 1) {
            // the advice must work when followed: 2 folds need 3 examples of every class
            throw new IllegalArgumentException("the smallest class has " + smallest + " examples: --cv " + k
                    + " needs at least " + (k + 1) + " per class; " + (smallest >= 3
                    ? "use --cv " + (smallest - 1) + " or fewer folds"
                    : "2 folds, the fewest, need 3, so leave --cv out (the held-out test part is still evaluated)"));
        }
        List<StratifiedSplit<T>> splits = new ArrayList<>();
        for (int repeat = 0; repeat < repeats; repeat++) {
            Random random = new Random(seed + repeat);
            List<List<T>> folds = new ArrayList<>();
            for (int f = 0; f < k; f++) {
                folds.add(new ArrayList<>());
            }
            int dealt = 0;
            for (List<T> members : classes.values()) {
                List<T> shuffled = new ArrayList<>(members);
                Collections.shuffle(shuffled, random);
                for (T member : shuffled) {
                    folds.get(dealt++ % k).add(member);
                }
            }
            for (int f = 0; f < k; f++) {
                List<T> rest = new ArrayList<>();
                for (int other = 0; other < k; other++) {
                    if (other != f) {
                        rest.addAll(folds.get(other));
                    }
                }
                List<T> train = new ArrayList<>();
                List<T> validation = new ArrayList<>();
                for (List<T> members : byClass(rest, label).values()) {
                    int validationCount = Math.max(1, (int) Math.round(members.size() * validationFraction));
                    validation.addAll(members.subList(0, validationCount));
                    train.addAll(members.subList(validationCount, members.size()));
                }
                splits.add(new StratifiedSplit<>(train, validation, folds.get(f)));
            }
        }
        return splits;
    }

    private static <T> Map<String, List<T>> byClass(List<T> samples, Function<T, String> label) {
        Map<String, List<T>> byClass = new LinkedHashMap<>();
        samples.forEach(s -> byClass.computeIfAbsent(label.apply(s), c -> new ArrayList<>()).add(s));
        return byClass;
    }
}
