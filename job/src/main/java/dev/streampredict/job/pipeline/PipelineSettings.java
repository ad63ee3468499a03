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
 * @param rememberedIdsPerKey how many of a key's latest ids are remembered to dead-letter a repeated one as
 *                           {@code duplicate_id}
 * @param batchSize          most inputs scored in one model call
 * @param batchTimeout       longest an input waits for its batch to fill; zero scores every input at once
 */
public record PipelineSettings(String modelLocation, int maxMessageBytes, long earliestEventTime,
                               Duration maxClockSkew, Duration outOfOrderness, int rememberedIdsPerKey,
                               int batchSize, Duration batchTimeout)
        implements Serializable {
}
