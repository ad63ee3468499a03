package dev.streampredict.common.message;

/** A message that cannot be scored; carries the reason for the dead-letter topic and a detail for a person. */
public final class InvalidRecordException extends Exception {

    private final RejectReason reason;

    public InvalidRecordException(RejectReason reason, String detail) {
        super(detail, null, false, false); // expected bad input: a stack trace would only cost time
        this.reason = reason;
    }

    public RejectReason reason() {
        return reason;
    }

    public String detail() {
        return getMessage();
    }
}
