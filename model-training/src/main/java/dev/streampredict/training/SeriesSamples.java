package dev.streampredict.training;

import dev.streampredict.common.message.InputRecord;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Cuts each key's series, in event-time order, into sliding windows of past values and the next value. */
public final class SeriesSamples {

    private SeriesSamples() {
    }

    public static List<SeriesSample> build(List<InputRecord> records, String target, int windowSize) {
        if (windowSize < 2) {
            throw new IllegalArgumentException("--window must be at least 2, was " + windowSize);
        }
        Map<String, List<InputRecord>> byKey = new LinkedHashMap<>();
        for (InputRecord record : records) {
            if (!record.features().containsKey(target)) {
                throw new IllegalArgumentException("target feature '" + target + "' is not among the features "
                        + record.features().keySet() + "; choose it with --target");
            }
            byKey.computeIfAbsent(record.key(), k -> new ArrayList<>()).add(record);
        }
        List<SeriesSample> samples = new ArrayList<>();
        for (Map.Entry<String, List<InputRecord>> series : byKey.entrySet()) {
            List<InputRecord> ordered = new ArrayList<>(series.getValue());
            ordered.sort(Comparator.comparingLong(InputRecord::timestamp)); // stable: ties keep file order
            double[] values = ordered.stream().mapToDouble(r -> r.features().get(target)).toArray();
            for (int t = windowSize; t < values.length; t++) {
                double[] window = Arrays.copyOfRange(values, t - windowSize, t);
                samples.add(new SeriesSample(series.getKey(), window, values[t], ordered.get(t).timestamp(), values,
                        t));
            }
        }
        return samples;
    }
}
