package dev.streampredict.cli;

import dev.streampredict.training.FitOverrides;
import picocli.CommandLine.Option;

import java.util.List;

/**
 * The fitting settings as {@code train} and {@code retrain} take them; each one left out is {@code train.sh}'s
 * default for the task being trained.
 */
final class FitArguments {

    @Option(names = "--hidden", split = ",",
            description = "Hidden layer sizes (default: 32,32 for regression, 16,16 for classification).")
    List<Integer> hidden;

    @Option(names = "--epochs", description = "Maximum epochs (default: 300).")
    Integer epochs;

    @Option(names = "--patience", description = "Early stopping: epochs without improvement (default: 15 for "
            + "regression, 30 for classification).")
    Integer patience;

    @Option(names = "--batch-size", description = "Mini-batch size (default: 64 for regression, 16 for "
            + "classification).")
    Integer batchSize;

    @Option(names = "--learning-rate",
            description = "Adam learning rate (default: 0.001 for regression, 0.01 for classification).")
    Double learningRate;

    @Option(names = "--seed", defaultValue = "42", description = "Random seed; the same seed gives the same "
            + "model.")
    long seed;

    /** @throws IllegalArgumentException for a setting no model can use */
    FitOverrides overrides() {
        return new FitOverrides(hidden, epochs, patience, batchSize, learningRate, seed);
    }
}
