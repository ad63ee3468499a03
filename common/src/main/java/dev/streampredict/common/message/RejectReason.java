package dev.streampredict.common.message;

/**
 * Why an input record was sent to the dead-letter topic instead of being scored. The lower-case name is what
 * appears in the dead-letter header {@code dlq.reason} and in the metric label {@code reason}.
 */
public enum RejectReason {
    EMPTY("the message has no bytes"),
    TOO_LARGE("the message is larger than the configured maximum"),
    MALFORMED_JSON("the message is not a JSON object"),
    MISSING_FIELD("a required field is missing"),
    UNKNOWN_FIELD("the message has a field the format does not define"),
    WRONG_TYPE("a field has the wrong JSON type"),
    NON_FINITE("a feature is NaN or infinite"),
    UNKNOWN_FEATURE("a feature is not one the model knows"),
    MISSING_FEATURE("a feature the model needs is missing"),
    TIMESTAMP_OUT_OF_RANGE("the event timestamp is too far in the past or the future"),
    DUPLICATE_ID("an event with this id was already scored");

    private final String meaning;

    RejectReason(String meaning) {
        this.meaning = meaning;
    }

    public String label() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }

    public String meaning() {
        return meaning;
    }
}
