package dev.streampredict.common.message;

import java.util.AbstractMap;
import java.util.AbstractSet;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Set;

/**
 * Features of one input as a read-only map over two arrays: the names, shared by every record of a source, and the
 * values. A wide input (hundreds of features) then costs one array per record instead of a map entry and a boxed
 * value per feature, and the codecs write it without boxing; {@link InputRecord} keeps it as it is.
 */
public final class FeatureVector extends AbstractMap<String, Double> {

    private final List<String> names;
    private final double[] values;

    /** @param values owned by the vector from here on: the caller must not change them */
    public FeatureVector(List<String> names, double[] values) {
        if (names.size() != values.length) {
            throw new IllegalArgumentException(names.size() + " names for " + values.length + " values");
        }
        this.names = List.copyOf(names); // no copy when the names are an immutable list already
        this.values = values;
    }

    public String name(int i) {
        return names.get(i);
    }

    public double value(int i) {
        return values[i];
    }

    @Override
    public int size() {
        return values.length;
    }

    @Override
    public Double get(Object name) {
        int i = names.indexOf(name);
        return i < 0 ? null : values[i];
    }

    @Override
    public boolean containsKey(Object name) {
        return names.contains(name);
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
                        return new SimpleImmutableEntry<>(names.get(i), values[i]);
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
