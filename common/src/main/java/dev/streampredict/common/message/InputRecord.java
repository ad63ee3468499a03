package dev.streampredict.common.message;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * One event on the {@code input-data} topic: a measurement of one series or entity at one point in event time.
 *
 * @param id        unique id of this event (a UUID when the project's producer wrote it)
 * @param key       the series or entity; the Kafka record key, so one key stays in order in one partition
 * @param timestamp event time in epoch milliseconds
 * @param features  named numeric values, in the order they were written; a single series has one entry
 * @param label     the true class, for classification data whose outcome is known; {@code null} otherwise
 */
public record InputRecord(String id, String key, long timestamp, Map<String, Double> features, String label) {

    public InputRecord {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(features, "features");
        // a FeatureVector is read-only already: copying 784 features per record was most of a wide producer's work
        features = features instanceof FeatureVector ? features
                : Collections.unmodifiableMap(new LinkedHashMap<>(features));
    }

    public InputRecord(String id, String key, long timestamp, Map<String, Double> features) {
        this(id, key, timestamp, features, null);
    }
}
