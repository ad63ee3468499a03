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
 * Predictable enough that a model beats "next = last", noisy enough that it cannot be perfect. With
 * {@link #regimeChangeAt}, every series changes its period and level after a number of records: a model of the old
 * regime goes stale.
 */
public final class SyntheticSeries implements Iterator<InputRecord> {

    public static final String FEATURE = "value";
    /** What the producer CLI, the local stack and the benchmark send unless told otherwise. */
    public static final int DEFAULT_PERIOD = 50;
    public static final double DEFAULT_NOISE = 1.0;

    private final int keys;
    private final double period;
    private final double noise;
    private final double[] level;
    private final double[] amplitude;
    private final double[] phase;
    private final long[] step;
    private final Random random;
    /** Records before the regime changes; never when negative. */
    private long regimeChangeAt = -1;
    private double newPeriod;
    private double levelShift;
    private long produced;
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

    /**
     * After {@code records} records, each series oscillates with {@code newPeriod} steps per cycle around a level
     * {@code levelShift} higher.
     */
    public SyntheticSeries regimeChangeAt(long records, double newPeriod, double levelShift) {
        if (records < 0 || !(newPeriod > 0)) {
            throw new IllegalArgumentException("a regime change needs records >= 0 and a period > 0, got " + records
                    + " and " + newPeriod);
        }
        this.regimeChangeAt = records;
        this.newPeriod = newPeriod;
        this.levelShift = levelShift;
        return this;
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
        boolean changed = regimeChangeAt >= 0 && produced++ >= regimeChangeAt;
        double value = level[k] + (changed ? levelShift : 0)
                + amplitude[k] * Math.sin(2 * Math.PI * t / (changed ? newPeriod : period) + phase[k])
                + noise * random.nextGaussian();
        return new InputRecord(new UUID(random.nextLong(), random.nextLong()).toString(), key(k),
                clock.getAsLong(), Map.of(FEATURE, value));
    }
}
