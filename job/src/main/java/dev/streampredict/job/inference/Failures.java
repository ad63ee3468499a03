package dev.streampredict.job.inference;

import dev.streampredict.common.message.RejectReason;
import dev.streampredict.model.Predictor;

import java.util.Arrays;

/**
 * The slots of a batch that the model failed on, each with the reason and what happened: a model call that throws
 * is repeated row by row, so that only the rows it throws on fail, and an answer that is NaN or infinite fails its
 * row. Those inputs are dead-lettered; the rest of the batch is served.
 */
final class Failures {

    /** One row of a model call: its result, which may throw. */
    @FunctionalInterface
    interface RowCall {
        void call(int row);
    }

    private final RejectReason[] reasons;
    private final String[] details;

    Failures(int capacity) {
        reasons = new RejectReason[capacity];
        details = new String[capacity];
    }

    /**
     * After {@code batchCall} threw {@code failure}: calls each of {@code count} rows alone, and fails those that
     * still throw (row {@code j} is slot {@code slots[j]}).
     */
    void retryRowByRow(Predictor model, RuntimeException failure, int count, int[] slots, RowCall row) {
        for (int j = 0; j < count; j++) {
            try {
                row.call(j);
            } catch (RuntimeException e) {
                fail(slots[j], RejectReason.MODEL_ERROR, "model " + model.metadata().modelVersion() + " threw "
                        + e + " (the batch of " + count + " threw " + failure + ")");
            }
        }
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
