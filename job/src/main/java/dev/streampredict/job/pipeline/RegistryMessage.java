package dev.streampredict.job.pipeline;

import dev.streampredict.model.registry.RegistryEntry;
import dev.streampredict.model.registry.RegistryRecords;

/**
 * A record of the model registry topic as it travels to the scorer: plain fields, so that Flink serialises it as a
 * POJO; decoded by {@link #entry()} where it is applied.
 *
 * @param origin topic, partition and offset, for messages about the record
 */
public record RegistryMessage(String type, String version, byte[] value, String origin) {

    public RegistryEntry entry() {
        return RegistryRecords.parse(type, version, value, origin);
    }
}
