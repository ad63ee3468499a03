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
        Map<String, List<T>> byClass = new LinkedHashMap<>();
        samples.forEach(s -> byClass.computeIfAbsent(label.apply(s), k -> new ArrayList<>()).add(s));
        Random random = new Random(seed);
        List<T> train = new ArrayList<>();
        List<T> validation = new ArrayList<>();
        List<T> test = new ArrayList<>();
        for (Map.Entry<String, List<T>> entry : byClass.entrySet()) {
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
}
