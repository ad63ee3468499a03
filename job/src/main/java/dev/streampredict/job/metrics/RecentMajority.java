package dev.streampredict.job.metrics;

import java.util.HashMap;
import java.util.Map;

/**
 * The accuracy that always answering the most frequent of the last {@code capacity} labels would have had: the
 * naive baseline a classifier has to beat on the stream it sees now. Written by the task thread, read by metric
 * reporters.
 */
final class RecentMajority {

    private final String[] labels;
    private final Map<String, Integer> counts = new HashMap<>();
    private int next;
    private int size;
    private volatile double accuracy = Double.NaN;

    RecentMajority(int capacity) {
        labels = new String[capacity];
    }

    void add(String label) {
        if (size == labels.length) {
            counts.merge(labels[next], -1, Integer::sum);
        } else {
            size++;
        }
        labels[next] = label;
        counts.merge(label, 1, Integer::sum);
        next = (next + 1) % labels.length;
        int most = 0;
        for (int count : counts.values()) {
            most = Math.max(most, count);
        }
        accuracy = (double) most / size;
    }

    double accuracy() {
        return accuracy;
    }
}
