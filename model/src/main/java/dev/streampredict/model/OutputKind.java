package dev.streampredict.model;

/** What an imported network's outputs are, which the file itself does not say. */
public enum OutputKind {

    /** Class probabilities, summing to 1 (the network ends in a softmax). */
    PROBABILITIES,
    /** Raw class scores: a softmax turns them into probabilities. */
    LOGITS,
    /** Forecast values, on the scale of the (standardised) inputs. */
    VALUES;

    /** Whether a model of {@code task} can give outputs of this kind. */
    public boolean fits(Task task) {
        return task == Task.REGRESSION ? this == VALUES : this != VALUES;
    }
}
