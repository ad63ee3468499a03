package dev.streampredict.model;

/** A model artifact that cannot be used; the message names the file and the problem. */
public final class ModelArtifactException extends RuntimeException {

    public ModelArtifactException(String message, Throwable cause) {
        super(message, cause);
    }

    public ModelArtifactException(String message) {
        super(message);
    }
}
