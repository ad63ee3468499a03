package dev.streampredict.job.pipeline;

import java.io.Serializable;
import java.time.Duration;

/**
 * What the topology needs besides its source and sinks.
 *
 * @param modelLocation      model artifact directory, or {@code classpath:…}
 * @param maxMessageBytes    larger inputs go to the dead-letter topic as {@code too_large}
 * @param earliestEventTime  inputs with an older event time are rejected as {@code timestamp_out_of_range}
 * @param maxClockSkew       inputs with an event time further than this in the future are rejected likewise
 * @param outOfOrderness     how late an event may arrive behind the watermark
 */
public record PipelineSettings(String modelLocation, int maxMessageBytes, long earliestEventTime,
                               Duration maxClockSkew, Duration outOfOrderness) implements Serializable {

    public static PipelineSettings defaults(String modelLocation) {
        return new PipelineSettings(modelLocation, 64 * 1024, 0L, Duration.ofHours(1), Duration.ofSeconds(2));
    }
}
