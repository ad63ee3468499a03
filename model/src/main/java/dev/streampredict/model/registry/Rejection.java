package dev.streampredict.model.registry;

/** A registry record the serving side refuses: the policy and models in use stay as they were. */
public final class Rejection extends Exception {

    private final String reason;

    public Rejection(String reason, String detail) {
        super(detail);
        this.reason = reason;
    }

    public Rejection(String reason, String detail, Throwable cause) {
        super(detail, cause);
        this.reason = reason;
    }

    /** Short label, as in {@code model_rejected_total{reason}}. */
    public String reason() {
        return reason;
    }
}
