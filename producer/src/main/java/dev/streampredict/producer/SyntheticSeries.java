package dev.streampredict.producer;

import dev.streampredict.common.message.InputRecord;

import java.util.Iterator;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.function.LongSupplier;

/**
 * Endless noisy seasonal series for many keys, visited round-robin: key {@code series-i} at step t is
 * {@code level_i + amplitude_i * sin(2*pi*t/period + phase_i) + noise * N(0,1)}, in the feature {@value #FEATURE}.
 * Predictable enough that a model beats "next = last", noisy enough that it cannot be perfect.
 */
public final class SyntheticSeries implements Iterator<InputRecord> {

    public static final String FEATURE = "value";

    private final int keys;
    private final double period;
    private final double noise;
    private final double[] level;
    private final double[] amplitude;
    private final double[] phase;
    private final long[] step;
    private final Random random;
    private final LongSupplier clock;
    private int nextKey;

    public SyntheticSeries(int keys, double period, double noise, long seed, LongSupplier clock) {
        if (keys < 1) {
            throw new IllegalArgumentException("need at least one key, got " + keys);
        }
        this.keys = keys;
        this.period = period;
        this.noise = noise;
        this.random = new Random(seed);
        this.clock = clock;
        this.level = new double[keys];
        this.amplitude = new double[keys];
        this.phase = new double[keys];
        this.step = new long[keys];
        for (int i = 0; i < keys; i++) {
            level[i] = 50 + 100 * random.nextDouble();
            amplitude[i] = 5 + 15 * random.nextDouble();
            phase[i] = 2 * Math.PI * random.nextDouble();
        }
    }

    public static String key(int index) {
        return "series-" + index;
    }

    @Override
    public boolean hasNext() {
        return true;
    }

    @Override
    public InputRecord next() {
        int k = nextKey;
        nextKey = (nextKey + 1) % keys;
        long t = step[k]++;
        double value = level[k] + amplitude[k] * Math.sin(2 * Math.PI * t / period + phase[k])
                + noise * random.nextGaussian();
        return new InputRecord(new UUID(random.nextLong(), random.nextLong()).toString(), key(k),
                clock.getAsLong(), Map.of(FEATURE, value));
    }
}
