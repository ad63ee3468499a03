package dev.streampredict.job.inference;

import dev.streampredict.job.records.ScoringInput;
import dev.streampredict.model.Predictor;

import java.util.Arrays;
import java.util.List;

/**
 * The inputs collected for the next model calls: slot {@code i} holds the {@code i}-th input since the last flush,
 * its row of model inputs, its timestamp and the model serving its key.
 */
final class Batch {

    /** The rows of a batch that one model serves; row {@code j} is slot {@code slots[j]} of the batch. */
    @FunctionalInterface
    interface ServingGroup {
        void score(Predictor model, double[][] rows, int count, int[] slots) throws Exception;
    }

    final ScoringInput[] inputs;
    final long[] timestamps;
    final Predictor[] servedBy;
    /** Slot {@code i} at index {@code i}: the slots of a call on the whole batch. */
    final int[] everySlot;
    double[][] rows;
    int size;
    private final double[][] groupRows;
    private final int[] groupSlots;

    Batch(int capacity) {
        inputs = new ScoringInput[capacity];
        timestamps = new long[capacity];
        servedBy = new Predictor[capacity];
        rows = new double[capacity][0];
        groupRows = new double[capacity][];
        groupSlots = new int[capacity];
        everySlot = new int[capacity];
        Arrays.setAll(everySlot, i -> i);
    }

    boolean full() {
        return size == inputs.length;
    }

    /** Rows of {@code width} values from now on; only between batches. */
    void width(int width) {
        if (rows[0].length != width) {
            rows = new double[inputs.length][width];
        }
    }

    /** Takes an input; returns its slot. */
    int add(ScoringInput input, long timestamp, Predictor model) {
        int slot = size++;
        // ScoringInput is an immutable record, which Flink never reuses: holding it until the flush is safe
        inputs[slot] = input;
        timestamps[slot] = timestamp;
        servedBy[slot] = model;
        return slot;
    }

    void clear() {
        Arrays.fill(inputs, 0, size, null);
        size = 0;
    }

    /** The batch in one group, or under a canary one group per model, so that each model is called once. */
    void forEachServingGroup(ServingModels serving, ServingGroup group) throws Exception {
        if (!serving.canary()) {
            group.score(serving.stable, rows, size, everySlot);
            return;
        }
        for (Predictor model : List.of(serving.stable, serving.candidate)) {
            int count = 0;
            for (int i = 0; i < size; i++) {
                if (servedBy[i] == model) {
                    groupRows[count] = rows[i];
                    groupSlots[count++] = i;
                }
            }
            if (count > 0) {
                group.score(model, groupRows, count, groupSlots);
            }
        }
        Arrays.fill(groupRows, null);
    }
}
