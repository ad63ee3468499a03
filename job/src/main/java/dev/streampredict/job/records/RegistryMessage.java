package dev.streampredict.job.records;

import dev.streampredict.registry.RecordSignature;
import dev.streampredict.registry.RegistryEntry;
import dev.streampredict.registry.RegistryRecords;

/**
 * A record of the model registry topic as it travels to the scorer: plain fields, so that Flink serialises it as a
 * POJO; decoded by {@link #entry} where it is applied.
 *
 * @param signature the record's signature header, or null
 * @param origin    topic, partition and offset, for messages about the record
 * @param offset    the record's offset in the registry topic, as the job's status reports name it
 */
public record RegistryMessage(String type, String version, byte[] value, byte[] signature, String origin,
                              long offset) {

    /** @param verifier refuses records not signed for this registry, or {@code null} */
    public RegistryEntry entry(RecordSignature.Verifier verifier) {
        return RegistryRecords.parse(type, version, value, signature, origin, verifier);
    }
}
