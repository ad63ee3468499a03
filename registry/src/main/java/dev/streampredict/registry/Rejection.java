package dev.streampredict.registry;

import dev.streampredict.model.RefusalReason;
import dev.streampredict.model.Untrusted;

/**
 * A registry record the serving side refuses: the policy and models in use stay as they were. Its message quotes the
 * record's values escaped ({@link Untrusted#text}); what control characters slipped through, and the length, are
 * dealt with here, for every log line and terminal it reaches.
 */
public final class Rejection extends Exception {

    /** Long enough for a reason with the values it quotes, short enough for one log line. */
    static final int MAX_DETAIL = 600;

    private final RefusalReason reason;

    public Rejection(RefusalReason reason, String detail) {
        this(reason, detail, null);
    }

    public Rejection(RefusalReason reason, String detail, Throwable cause) {
        super(Untrusted.line(detail, MAX_DETAIL), cause);
        this.reason = reason;
    }

    public RefusalReason reason() {
        return reason;
    }
}
