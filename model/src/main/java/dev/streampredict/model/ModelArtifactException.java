package dev.streampredict.model;

/** A model artifact that cannot be used; the message names the file and the problem. */
public final class ModelArtifactException extends RuntimeException {

    private final RefusalReason reason;

    public ModelArtifactException(RefusalReason reason, String message, Throwable cause) {
        super(message, cause);
        this.reason = reason;
    }

    public ModelArtifactException(RefusalReason reason, String message) {
        super(message);
        this.reason = reason;
    }

    public RefusalReason reason() {
        return reason;
    }
}
