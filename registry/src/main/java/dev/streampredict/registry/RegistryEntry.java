package dev.streampredict.registry;

import dev.streampredict.model.RefusalReason;

/** One record of the registry topic, decoded. */
public sealed interface RegistryEntry {

    /** A published model: its archive, as {@link dev.streampredict.model.ModelArchive} reads it. */
    record Artifact(String version, byte[] archive) implements RegistryEntry {
    }

    /** A change of serving policy. */
    record Command(ModelCommand command) implements RegistryEntry {
    }

    /** A record that is neither: counted and logged by whoever reads it, never applied. */
    record Invalid(RefusalReason reason, String detail) implements RegistryEntry {
    }
}
