package dev.streampredict.common.message;

import java.io.IOException;
import java.util.AbstractMap;
import java.util.AbstractSet;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Set;

/**
 * Features of one input as a read-only map over two arrays: the names, shared by every record of a source, and the
 * values. A wide input (hundreds of features) then costs one array per record instead of a map entry and a boxed
 * value per feature, looks a feature up by its shared position, and is written by the codecs without boxing;
 * {@link InputRecord} keeps it as it is.
 */
public final class FeatureVector extends AbstractMap<String, Double> {

    /** The names of a source's features, in order, with each one's position: made once, shared by every row. */
    public static final class Names {
        private final List<String> names;
        private final Map<String, Integer> positions = new HashMap<>();

        private Names(List<String> names) {
            this.names = List.copyOf(names);
            for (int i = 0; i < this.names.size(); i++) {
                if (positions.put(this.names.get(i), i) != null) {
                    throw new IllegalArgumentException("feature '" + this.names.get(i) + "' is named twice");
                }
            }
        }

        public static Names of(List<String> names) {
            return new Names(names);
        }

        /** A list of feature names fit for a message or a log line: all of a few, the ends of many (784 are 8 KB). */
        public static String abbreviate(List<String> names) {
            return names.size() <= 8 ? names.toString()
                    : "[" + String.join(", ", names.subList(0, 3)) + ", ..., " + names.get(names.size() - 1) + "]";
        }
    }

    /** Takes each feature of a record in order; a codec writing it, which may fail as its output does. */
    @FunctionalInterface
    public interface FeatureWriter {
        void write(String name, double value) throws IOException;
    }

    private final Names names;
    private final double[] values;

    /** @param values owned by the vector from here on: the caller must not change them */
    public FeatureVector(Names names, double[] values) {
        if (names.names.size() != values.length) {
            throw new IllegalArgumentException(names.names.size() + " names for " + values.length + " values");
        }
        this.names = names;
        this.values = values;
    }

    /** Hands every feature of {@code features} to {@code writer} in order, without boxing a vector's values. */
    public static void forEach(Map<String, Double> features, FeatureWriter writer) throws IOException {
        if (features instanceof FeatureVector vector) {
            for (int i = 0; i < vector.values.length; i++) {
                writer.write(vector.names.names.get(i), vector.values[i]);
            }
        } else {
            for (Entry<String, Double> feature : features.entrySet()) {
                writer.write(feature.getKey(), feature.getValue());
            }
        }
    }

    @Override
    public int size() {
        return values.length;
    }

    @Override
    public Double get(Object name) {
        Integer i = names.positions.get(name);
        return i == null ? null : values[i];
    }

    @Override
    public boolean containsKey(Object name) {
        return names.positions.containsKey(name);
    }

    @Override
    public Set<Entry<String, Double>> entrySet() {
        return new AbstractSet<>() {
            @Override
            public Iterator<Entry<String, Double>> iterator() {
                return new Iterator<>() {
                    private int next;

                    @Override
                    public boolean hasNext() {
                        return next < values.length;
                    }

                    @Override
                    public Entry<String, Double> next() {
                        if (next >= values.length) {
                            throw new NoSuchElementException();
                        }
                        int i = next++;
                        return new SimpleImmutableEntry<>(names.names.get(i), values[i]);
                    }
                };
            }

            @Override
            public int size() {
                return values.length;
            }
        };
    }
}
