package dev.streampredict.common.message;

import java.util.Locale;

/**
 * Why an input record was sent to the dead-letter topic instead of being scored. The lower-case name is what
 * appears in the dead-letter header {@code dlq.reason} and in the metric label {@code reason}.
 */
public enum RejectReason {
    /** The message has no bytes. */
    EMPTY,
    /** The message is larger than the configured maximum. */
    TOO_LARGE,
    /** The message is not a JSON object (or a feature appears twice). */
    MALFORMED_JSON,
    /** The message is not readable as an Avro input record (truncated, or bytes that are not the schema's). */
    MALFORMED_AVRO,
    /** The message is not Avro single-object encoded with the input schema (e.g. JSON sent to an Avro job). */
    UNKNOWN_SCHEMA,
    /** A required field is missing. */
    MISSING_FIELD,
    /** The message has a field the format does not define. */
    UNKNOWN_FIELD,
    /** A field has the wrong JSON type. */
    WRONG_TYPE,
    /** A feature is NaN or infinite. */
    NON_FINITE,
    /** A feature is not one the model knows. */
    UNKNOWN_FEATURE,
    /** A feature the model needs is missing. */
    MISSING_FEATURE,
    /** The event timestamp is too far in the past or the future. */
    TIMESTAMP_OUT_OF_RANGE,
    /** An event with this id was already scored. */
    DUPLICATE_ID,
    /** The event time is further before its key's latest than the job's {@code --allowed-lateness}. */
    LATE_VALUE,
    /** The model threw on this input (alone: the rest of its batch was scored). */
    MODEL_ERROR,
    /** The model's answer for this input is NaN or infinite (e.g. for an extreme but finite feature). */
    NON_FINITE_PREDICTION;

    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
