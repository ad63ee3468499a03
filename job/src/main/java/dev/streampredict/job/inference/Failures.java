package dev.streampredict.job.inference;

import dev.streampredict.common.message.RejectReason;
import dev.streampredict.model.Predictor;

import java.util.Arrays;
import java.util.function.IntFunction;

/**
 * The slots of a batch that the model failed on, each with the reason and what happened: a model call that throws
 * is repeated row by row, so that only the rows it throws on fail, and an answer that is NaN or infinite fails its
 * row. Those inputs are dead-lettered; the rest of the batch is served.
 */
final class Failures {

    private final RejectReason[] reasons;
    private final String[] details;

    Failures(int capacity) {
        reasons = new RejectReason[capacity];
        details = new String[capacity];
    }

    /**
     * {@code model}'s answer for the first {@code count} rows, called through {@code scored}. A call that throws is
     * repeated row by row, and each row that still throws is failed here (row {@code j} is slot {@code slots[j]});
     * its place in the answer keeps what {@code allocate} put there (NaN, or no probabilities).
     */
    <R> R call(Scored scored, Predictor model, double[][] rows, int count, int[] slots,
               Scored.TriFunction<Predictor, double[][], Integer, R> call, IntFunction<R> allocate) {
        try {
            return scored.call(model, rows, count, call);
        } catch (RuntimeException batchFailure) {
            R each = allocate.apply(count);
            double[][] one = new double[1][];
            for (int j = 0; j < count; j++) {
                one[0] = rows[j];
                try {
                    System.arraycopy(scored.call(model, one, 1, call), 0, each, j, 1);
                } catch (RuntimeException e) {
                    fail(slots[j], RejectReason.MODEL_ERROR, "model " + model.metadata().modelVersion()
                            + " threw " + e + " (the batch of " + count + " threw " + batchFailure + ")");
                }
            }
            return each;
        }
    }

    /** Whether a model answered: every value of {@code answer} (a forecast's steps, or probabilities) is finite. */
    static boolean finite(double[] answer) {
        if (answer == null) {
            return false;
        }
        for (double value : answer) {
            if (!Double.isFinite(value)) {
                return false;
            }
        }
        return true;
    }

    void fail(int slot, RejectReason reason, String detail) {
        if (reasons[slot] == null) {
            reasons[slot] = reason;
            details[slot] = detail;
        }
    }

    boolean failed(int slot) {
        return reasons[slot] != null;
    }

    RejectReason reason(int slot) {
        return reasons[slot];
    }

    String detail(int slot) {
        return details[slot];
    }

    void clear() {
        Arrays.fill(reasons, null);
        Arrays.fill(details, null);
    }
}
