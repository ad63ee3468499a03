package dev.streampredict.job.pipeline;

/**
 * A validated input, reduced to what scoring needs, plus its original JSON for the prediction record.
 *
 * @param features        the model's features, in the model's order
 * @param ingestTimestamp when the input was written to Kafka; latency is measured from here
 * @param label           the true class, if the input carries one (classification)
 */
public record ScoringInput(String id, String key, long eventTimestamp, long ingestTimestamp, double[] features,
                           String label, String json) {
}
