package dev.streampredict.model;

import java.util.Locale;

/**
 * Why a model artifact or a registry record is refused: the label of {@code model_rejected_total{reason}}, of the
 * job's status records and of {@code model.sh list}. Every refusal has one of these, so that dashboards can list
 * them all before the first.
 */
public enum RefusalReason {
    /** Not a zip, or no {@code model.json} in it, or metadata that is not JSON. */
    UNREADABLE,
    /** The network does not load, or does not fit its metadata. */
    CORRUPT,
    /** An operator, opset or IR version the runtime cannot run (an ONNX model from a newer exporter). */
    UNSUPPORTED,
    /** A record, an entry or a value over a size limit of the artifact format. */
    TOO_LARGE,
    /** A network that would take more memory than a model may take in a task ({@code --model-memory-budget}). */
    OVER_BUDGET,
    /** {@code model.json} reads, but a field is missing, null, of the wrong type or out of range. */
    INVALID_METADATA,
    /** A model of other inputs (task, features, target) than the job's. */
    MISMATCH,
    /** NaN or infinite outputs on probe inputs around the training data. */
    NON_FINITE_OUTPUT,
    /** A command naming a version that was not published or was refused. */
    UNKNOWN_VERSION,
    /** A command that cannot apply to the policy in force. */
    INVALID_COMMAND,
    /** A record that is neither an artifact nor a command, or whose headers are missing or malformed. */
    MALFORMED_RECORD,
    /** A registry that verifies signatures got a record without one. */
    UNSIGNED,
    /** A signature that the registry's public key does not verify: another key, or a changed byte. */
    BAD_SIGNATURE;

    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
