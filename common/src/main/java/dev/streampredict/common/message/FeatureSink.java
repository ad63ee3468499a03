package dev.streampredict.common.message;

/**
 * Takes each feature of an input as the parser reads it, so a consumer that wants the features in its own layout
 * (a model's input vector) gets them without an intermediate map.
 */
@FunctionalInterface
public interface FeatureSink {

    /** @throws InvalidRecordException to reject the whole input, e.g. for a feature the consumer does not know */
    void accept(String name, double value) throws InvalidRecordException;
}
