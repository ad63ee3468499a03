package dev.streampredict.training;

import dev.streampredict.model.Task;

import java.util.List;

/**
 * How a network is built and fitted.
 *
 * @param hidden       sizes of the hidden layers
 * @param maxEpochs    upper bound on passes over the training part
 * @param patience     stop after this many epochs without a better validation score
 * @param batchSize    examples per gradient step
 * @param learningRate Adam's step size
 * @param seed         fixes weight initialisation and shuffling: the same seed gives the same model
 */
public record FitOptions(List<Integer> hidden, int maxEpochs, int patience, int batchSize, double learningRate,
                         long seed) {

    /** What {@code scripts/train.sh} uses for a forecaster unless told otherwise. */
    public static final FitOptions REGRESSION_DEFAULTS = new FitOptions(List.of(32, 32), 300, 15, 64, 0.001, 42);

    /**
     * What {@code scripts/train.sh} uses for a classifier unless told otherwise: a hundred-odd examples need small
     * batches and larger steps to train at all. Chosen by the mean validation accuracy (the early-stopping parts) of
     * 5-fold cross-validation on Iris, twice repeated, among five candidates; no test fold was read while choosing
     * (REPORT 3.1).
     */
    public static final FitOptions CLASSIFICATION_DEFAULTS = new FitOptions(List.of(16, 16), 300, 30, 16, 0.01, 42);

    /** What {@code scripts/train.sh} uses for a model of this task unless told otherwise. */
    public static FitOptions defaultsFor(Task task) {
        return task == Task.CLASSIFICATION ? CLASSIFICATION_DEFAULTS : REGRESSION_DEFAULTS;
    }

    public FitOptions {
        hidden = List.copyOf(hidden);
        FitOverrides.requirePositive(hidden, maxEpochs, patience, batchSize, learningRate);
    }
}
