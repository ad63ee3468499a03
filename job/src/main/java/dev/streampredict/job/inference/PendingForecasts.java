package dev.streampredict.job.inference;

/**
 * The forecasts of one key that still wait for some of their actual values: each forecast covers {@code horizon}
 * steps, so the key's last {@code horizon} forecasts may each still have a step to score, and no older one does.
 * A ring of them in primitive arrays, by the count of the key's values when each was made. A Flink POJO, part of
 * {@link SeriesWindow}.
 */
public class PendingForecasts {

    /** Each forecast's steps, forecast after forecast: slot {@code s} at {@code [s * horizon, (s + 1) * horizon)}. */
    public double[] steps;
    /** The target's latest value when each was made: persistence's forecast of every one of its steps. */
    public double[] lastValues;
    /** How many of the key's values had been seen when each was made; 0 for an empty slot. */
    public long[] madeAfter;
    public String[] versions;
    public int horizon;

    /** Where a forecast met an actual value. */
    @FunctionalInterface
    interface Met {
        void met(String version, int step, double forecast, double lastValue);
    }

    public PendingForecasts() {
    }

    public static PendingForecasts of(int horizon) {
        PendingForecasts pending = new PendingForecasts();
        pending.horizon = horizon;
        pending.steps = new double[horizon * horizon];
        pending.lastValues = new double[horizon];
        pending.madeAfter = new long[horizon];
        pending.versions = new String[horizon];
        return pending;
    }

    /** Keeps a forecast of {@code horizon} steps made after the key's {@code seen}-th value; returns this. */
    public PendingForecasts keep(long seen, double lastValue, double[] forecast, String version) {
        int slot = (int) (seen % horizon);
        System.arraycopy(forecast, 0, steps, slot * horizon, horizon);
        lastValues[slot] = lastValue;
        madeAfter[slot] = seen;
        versions[slot] = version;
        return this;
    }

    /**
     * Scores the key's value number {@code index} (counted from 1) against every pending forecast that has a step
     * on it: the forecast made after value {@code index - k} has it as its step {@code k}.
     */
    void meet(long index, Met met) {
        for (int slot = 0; slot < horizon; slot++) {
            long step = index - madeAfter[slot];
            if (madeAfter[slot] > 0 && step >= 1 && step <= horizon) {
                met.met(versions[slot], (int) step, steps[slot * horizon + (int) step - 1], lastValues[slot]);
            }
        }
    }

}
