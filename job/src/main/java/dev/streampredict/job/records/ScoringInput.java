package dev.streampredict.job.records;

/**
 * A validated input, reduced to what scoring needs, plus the original record: it goes into the prediction as it
 * came ({@link InputEcho}), and a record found to be a duplicate at scoring can still be dead-lettered with its origin.
 *
 * @param features        the model's features, in the model's order (an Avro input's floats, widened)
 * @param ingestTimestamp when the input was written to Kafka; latency is measured from here
 * @param label           the true class, if the input carries one (classification)
 */
public record ScoringInput(String id, String key, long eventTimestamp, long ingestTimestamp, double[] features,
                           String label, RawRecord source) {
}
