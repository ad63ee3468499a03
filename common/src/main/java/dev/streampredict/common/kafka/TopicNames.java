package dev.streampredict.common.kafka;

/** The topics the job, the producer, the retrainer and the local stack use unless told otherwise. */
public final class TopicNames {

    public static final String INPUT = "input-data";
    public static final String PREDICTIONS = "predictions";
    public static final String DEAD_LETTERS = "input-data-dlq";
    public static final String SHADOW_PREDICTIONS = "predictions-shadow";

    private TopicNames() {
    }
}
