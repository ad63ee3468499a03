package dev.streampredict.training;

import java.util.List;

/**
 * The fitting settings a user gave; each one left out (null) is the default of the task being trained
 * ({@link FitOptions#defaultsFor}). The retrainer learns that task only at run time, from the registry's stable
 * model, so it cannot settle its defaults when it parses its arguments.
 */
public record FitOverrides(List<Integer> hidden, Integer maxEpochs, Integer patience, Integer batchSize,
                           Double learningRate, Long seed) {

    /** Refuses at once, not at the first retraining minutes later, what no task's defaults could make valid. */
    public FitOverrides {
        requirePositive(hidden, maxEpochs, patience, batchSize, learningRate);
    }

    /** Each value given (not null) must be positive: the one check for settings given and settings resolved. */
    static void requirePositive(List<Integer> hidden, Integer maxEpochs, Integer patience, Integer batchSize,
                                Double learningRate) {
        if (hidden != null && hidden.stream().anyMatch(size -> size == null || size < 1)) {
            throw new IllegalArgumentException("hidden layer sizes must be positive, e.g. 32,32; got " + hidden);
        }
        if (maxEpochs != null && maxEpochs < 1 || patience != null && patience < 1 || batchSize != null && batchSize < 1
                || learningRate != null && !(learningRate > 0)) {
            throw new IllegalArgumentException("epochs, patience, batch size and learning rate must be positive");
        }
    }

    /** Every setting given: the defaults never show through. */
    public static FitOverrides exactly(FitOptions fit) {
        return new FitOverrides(fit.hidden(), fit.maxEpochs(), fit.patience(), fit.batchSize(), fit.learningRate(),
                fit.seed());
    }

    public FitOptions over(FitOptions defaults) {
        return new FitOptions(hidden != null ? hidden : defaults.hidden(),
                maxEpochs != null ? maxEpochs : defaults.maxEpochs(),
                patience != null ? patience : defaults.patience(),
                batchSize != null ? batchSize : defaults.batchSize(),
                learningRate != null ? learningRate : defaults.learningRate(),
                seed != null ? seed : defaults.seed());
    }
}
