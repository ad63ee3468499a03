package dev.streampredict.common;

/** Nearest-rank percentiles of sorted samples. */
public final class Percentiles {

    private Percentiles() {
    }

    /** The smallest sample with at least {@code q} of all samples at or below it; -1 when there are none. */
    public static long of(long[] sorted, double q) {
        if (q <= 0 || q > 1) {
            throw new IllegalArgumentException("q must be in (0, 1], got " + q);
        }
        return sorted.length == 0 ? -1 : sorted[Math.min(sorted.length - 1, (int) Math.ceil(q * sorted.length) - 1)];
    }
}
