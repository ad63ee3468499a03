package dev.streampredict.job.records;

import dev.streampredict.common.message.InputFormat;
import dev.streampredict.registry.InputSchema;
import dev.streampredict.job.promotion.PromotionRule;
import dev.streampredict.model.ModelLimits;
import dev.streampredict.registry.RecordSignature;
import dev.streampredict.registry.RegistryStatus;

import java.io.Serializable;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;

/**
 * What the topology needs besides its source and sinks.
 *
 * @param schema             what the inputs look like, from the model the job started with
 * @param initialRegistry    the models and policy a job without state starts with
 *                           ({@link dev.streampredict.registry.RegistryState#toEntries()})
 * @param limits             how large a model may be, and the memory it may take in a task
 * @param verifier           refuses registry records not signed for this registry; {@code null}: applies unsigned ones
 * @param jobName            names the job in its reports on the registry's status topic
 * @param startRefused       the registry records the submission's replay refused, reported when a new job starts
 * @param swapAtCheckpoints  whether the job checkpoints, so that a new serving policy waits for a barrier
 * @param inputFormat        how inputs are written on the input topic
 * @param predictionInput    what each prediction carries of its input
 * @param maxMessageBytes    larger inputs go to the dead-letter topic as {@code too_large}
 * @param earliestEventTime  inputs with an older event time are rejected as {@code timestamp_out_of_range}
 * @param maxClockSkew       inputs with an event time further than this in the future are rejected likewise
 * @param outOfOrderness     how late an event may arrive behind the watermark
 * @param rememberedIdsPerKey how many of a key's latest ids are remembered to dead-letter a repeated one as
 *                           {@code duplicate_id}
 * @param batchSize          most inputs scored in one model call
 * @param batchTimeout       longest an input waits for its batch to fill; zero scores every input at once
 * @param promotion          when a canary or shadow is promoted or rolled back automatically; {@code null}: never
 * @param stateTtl           a key's state (window, pending forecast, recent ids) is dropped this long after the
 *                           key's last input; {@code Duration.ZERO}: kept for ever
 * @param allowedLateness    a series value whose event time is further than this before its key's latest is
 *                           dead-lettered as {@code late_value}; {@code null}: values are read in arrival order
 */
public record PipelineSettings(InputSchema schema, HashMap<String, byte[]> initialRegistry, ModelLimits limits,
                               RecordSignature.Verifier verifier, String jobName,
                               ArrayList<RegistryStatus> startRefused, boolean swapAtCheckpoints,
                               InputFormat inputFormat, InputEcho.Mode predictionInput,
                               int maxMessageBytes, long earliestEventTime,
                               Duration maxClockSkew, Duration outOfOrderness, int rememberedIdsPerKey,
                               int batchSize, Duration batchTimeout, PromotionRule promotion, Duration stateTtl,
                               Duration allowedLateness)
        implements Serializable {

    public InputEcho echo() {
        return new InputEcho(predictionInput, inputFormat, schema.features());
    }
}
