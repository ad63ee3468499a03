package dev.streampredict.training;

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

    public FitOptions {
        hidden = List.copyOf(hidden);
        if (maxEpochs < 1 || patience < 1 || batchSize < 1 || !(learningRate > 0)) {
            throw new IllegalArgumentException("epochs, patience, batch size and learning rate must be positive");
        }
    }
}
