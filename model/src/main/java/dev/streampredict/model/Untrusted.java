package dev.streampredict.model;

/**
 * Text taken from a record (a version, a reason, a message quoting a field) made fit for a log line or a terminal:
 * control characters escaped, so that a value cannot start a forged line or move the cursor, backslashes too, so that
 * an escape cannot be forged, and shortened, so that a value of megabytes cannot flood the log.
 */
public final class Untrusted {

    /** The longest value shown; longer ones are cut and say how long they were. */
    public static final int MAX_SHOWN = 160;

    private Untrusted() {
    }

    public static String text(String value) {
        return text(value, MAX_SHOWN);
    }

    public static String text(String value, int maxShown) {
        return escape(value, maxShown, true);
    }

    /**
     * A message that may quote values, some escaped already by {@link #text}: only its control characters are
     * escaped, so that escaping twice changes nothing, and it is shortened to {@code maxShown}.
     */
    public static String line(String message, int maxShown) {
        return escape(message, maxShown, false);
    }

    private static String escape(String value, int maxShown, boolean backslashes) {
        if (value == null) {
            return "null";
        }
        int shown = Math.min(value.length(), maxShown);
        StringBuilder out = new StringBuilder(shown + 16);
        for (int i = 0; i < shown; i++) {
            char c = value.charAt(i);
            if (Character.isISOControl(c) || Character.getType(c) == Character.FORMAT
                    || Character.getType(c) == Character.LINE_SEPARATOR
                    || Character.getType(c) == Character.PARAGRAPH_SEPARATOR) {
                out.append(switch (c) {
                    case '\n' -> "\\n";
                    case '\r' -> "\\r";
                    case '\t' -> "\\t";
                    default -> String.format("\\u%04x", (int) c);
                });
            } else {
                out.append(backslashes && c == '\\' ? "\\\\" : String.valueOf(c));
            }
        }
        if (value.length() > shown) {
            out.append("...(").append(value.length()).append(" chars)");
        }
        return out.toString();
    }

    /** Whether {@code value} is shown as it is: short enough, free of control characters and backslashes. */
    public static boolean isPlain(String value, int maxLength) {
        return value != null && value.length() <= maxLength && text(value, maxLength).equals(value);
    }
}
