package dev.streampredict.job;

import com.fasterxml.jackson.databind.SerializationFeature;
import dev.streampredict.common.message.InputRecord;
import dev.streampredict.common.message.Json;
import dev.streampredict.common.message.Prediction;
import dev.streampredict.model.Predictor;
import dev.streampredict.producer.SyntheticSeries;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The feedback loop as data for a figure (drawn by {@code scripts/figures.sh}): per bucket of events, the error of
 * the forecasts the job served and which versions served them, next to what the first model would have missed on
 * the same inputs without the loop; with the regime change and the promotion.
 */
final class LoopErrors {

    private static final int BUCKET = 250;

    /** @param servedBy predictions per model version among the bucket's served forecasts */
    record Bucket(int from, double servedMse, double withoutLoopMse, Map<String, Integer> servedBy) {
    }

    record Run(int bucketSize, int regimeChangeAt, int promotedAt, List<Bucket> buckets) {
    }

    private LoopErrors() {
    }

    static void write(Path file, List<InputRecord> inputs, List<Prediction> predictions, Predictor first,
                      int shift, int promoted) throws IOException {
        Map<String, Prediction> byId = new HashMap<>();
        predictions.forEach(p -> byId.put(p.id(), p));
        int buckets = inputs.size() / BUCKET;
        double[][] served = new double[buckets][2];
        double[][] without = new double[buckets][2];
        List<Map<String, Integer>> versions = new ArrayList<>();
        for (int b = 0; b < buckets; b++) {
            versions.add(new TreeMap<>());
        }
        Map<String, List<Integer>> byKey = new HashMap<>();
        for (int i = 0; i < inputs.size(); i++) {
            byKey.computeIfAbsent(inputs.get(i).key(), k -> new ArrayList<>()).add(i);
        }
        int window = first.metadata().windowSize();
        for (List<Integer> ofKey : byKey.values()) {
            for (int j = window; j < ofKey.size(); j++) {
                int at = ofKey.get(j);
                if (at / BUCKET >= buckets) {
                    continue;
                }
                double actual = value(inputs.get(at));
                Prediction forecast = byId.get(inputs.get(ofKey.get(j - 1)).id());
                add(served[at / BUCKET], forecast.prediction() - actual);
                versions.get(at / BUCKET).merge(forecast.modelVersion(), 1, Integer::sum);
                double[] past = new double[window];
                for (int w = 0; w < window; w++) {
                    past[w] = value(inputs.get(ofKey.get(j - window + w)));
                }
                add(without[at / BUCKET], first.forecast(new double[][]{past}, 1)[0] - actual);
            }
        }
        List<Bucket> rows = new ArrayList<>();
        for (int b = 0; b < buckets; b++) {
            if (served[b][1] > 0) {
                rows.add(new Bucket(b * BUCKET, mean(served[b]), mean(without[b]), versions.get(b)));
            }
        }
        Files.createDirectories(file.getParent());
        Json.MAPPER.copy().enable(SerializationFeature.INDENT_OUTPUT)
                .writeValue(file.toFile(), new Run(BUCKET, shift, promoted, rows));
    }

    static double value(InputRecord input) {
        return input.features().get(SyntheticSeries.FEATURE);
    }

    /** Adds the square of {@code error} to a sum and counts it. */
    static void add(double[] sumAndCount, double error) {
        sumAndCount[0] += error * error;
        sumAndCount[1]++;
    }

    static double mean(double[] sumAndCount) {
        return sumAndCount[0] / sumAndCount[1];
    }
}
