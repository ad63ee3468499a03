package dev.streampredict.training;

import dev.streampredict.common.message.InputRecord;
import dev.streampredict.model.CalendarFeature;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Cuts each key's series, in event-time order, into sliding windows of past values and the target's next value.
 */
public final class SeriesSamples {

    private SeriesSamples() {
    }

    /** Windows of the target alone. */
    public static List<SeriesSample> build(List<InputRecord> records, String target, int windowSize) {
        return build(records, List.of(target), target, windowSize);
    }

    /** Windows of each of {@code features} (the target one of them), series after series. */
    public static List<SeriesSample> build(List<InputRecord> records, List<String> features, String target,
                                           int windowSize) {
        return build(records, features, target, windowSize, 1);
    }

    /** As above, each window followed by at least {@code horizon} values of the target (the steps it forecasts). */
    public static List<SeriesSample> build(List<InputRecord> records, List<String> features, String target,
                                           int windowSize, int horizon) {
        return build(records, features, List.of(), target, windowSize, horizon);
    }

    /**
     * As above, with two more series for each cycle of {@code calendar}, computed from each record's event time
     * (as the job computes them), after the features'.
     */
    public static List<SeriesSample> build(List<InputRecord> records, List<String> features,
                                           List<CalendarFeature> calendar, String target, int windowSize,
                                           int horizon) {
        if (windowSize < 2) {
            throw new IllegalArgumentException("--window must be at least 2, was " + windowSize);
        }
        if (!features.contains(target)) {
            throw new IllegalArgumentException("target feature '" + target + "' is not among the input features "
                    + features + "; add it to --feature-columns or choose another --target");
        }
        Map<String, List<InputRecord>> byKey = new LinkedHashMap<>();
        for (InputRecord record : records) {
            for (String feature : features) {
                if (!record.features().containsKey(feature)) {
                    throw new IllegalArgumentException("feature '" + feature + "' is not among the record's features "
                            + record.features().keySet() + "; choose the series with --feature-columns and --target");
                }
            }
            byKey.computeIfAbsent(record.key(), k -> new ArrayList<>()).add(record);
        }
        int targetIndex = features.indexOf(target);
        List<SeriesSample> samples = new ArrayList<>();
        for (Map.Entry<String, List<InputRecord>> key : byKey.entrySet()) {
            List<InputRecord> ordered = new ArrayList<>(key.getValue());
            ordered.sort(Comparator.comparingLong(InputRecord::timestamp)); // stable: ties keep file order
            double[][] series = new double[CalendarFeature.seriesCount(features.size(), calendar)][ordered.size()];
            double[] row = new double[series.length]; // one record's value of every series, as the job lays it
            for (int t = 0; t < ordered.size(); t++) {
                InputRecord record = ordered.get(t);
                for (int f = 0; f < features.size(); f++) {
                    row[f] = record.features().get(features.get(f));
                }
                CalendarFeature.writeAll(calendar, record.timestamp(), row, features.size());
                for (int s = 0; s < row.length; s++) {
                    series[s][t] = row[s];
                }
            }
            double[] values = series[targetIndex];
            for (int t = windowSize; t + horizon <= values.length; t++) {
                double[] window = Arrays.copyOfRange(values, t - windowSize, t);
                double[] inputs = window;
                if (series.length > 1) {
                    inputs = new double[series.length * windowSize];
                    for (int s = 0; s < series.length; s++) {
                        System.arraycopy(series[s], t - windowSize, inputs, s * windowSize, windowSize);
                    }
                }
                samples.add(new SeriesSample(key.getKey(), window, inputs, values[t], ordered.get(t).timestamp(),
                        values, t));
            }
        }
        return samples;
    }
}
