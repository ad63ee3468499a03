package dev.streampredict.model;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;

import java.io.IOException;
import java.util.ArrayDeque;
import java.util.Deque;

/**
 * A first pass over untrusted JSON, token by token, before it is bound to objects: a few megabytes of JSON can hold
 * a million-element array, which as Java objects takes tens of times its bytes. Arrays and objects may not hold more
 * than {@value #MAX_ELEMENTS} entries, strings not more than {@value #MAX_STRING} characters, nesting not deeper than
 * {@value #MAX_DEPTH} ({@value #MAX_NETWORK_DEPTH} in a network's configuration, which DL4J's own, older parser
 * would otherwise follow until its stack overflows): far more than any artifact needs, and cheap to hold.
 */
final class JsonShape {

    static final int MAX_ELEMENTS = Math.max(ModelLimits.MAX_FEATURES, ModelLimits.MAX_CLASSES);
    static final int MAX_STRING = 10_000;
    static final int MAX_DEPTH = 8;
    /** A DL4J network configuration nests layers, their updaters and schedules: deeper, but not without end. */
    static final int MAX_NETWORK_DEPTH = 64;
    private static final JsonFactory FACTORY = new JsonFactory();

    private JsonShape() {
    }

    /** @throws ModelArtifactException {@code too_large} naming the limit, or {@code unreadable} if it is not JSON */
    static void check(byte[] json, String where) {
        check(json, where, MAX_DEPTH);
    }

    /** {@link #check(byte[], String)} with another depth. */
    static void check(byte[] json, String where, int maxDepth) {
        Deque<int[]> open = new ArrayDeque<>(); // entries so far of each array or object we are inside
        try (JsonParser parser = FACTORY.createParser(json)) {
            for (JsonToken token = parser.nextToken(); token != null; token = parser.nextToken()) {
                if (token == JsonToken.END_ARRAY || token == JsonToken.END_OBJECT) {
                    open.pop();
                    continue;
                }
                if (token == JsonToken.FIELD_NAME) {
                    continue; // counted with its value
                }
                if (!open.isEmpty() && ++open.peek()[0] > MAX_ELEMENTS) {
                    throw tooLarge(where, "an array or object of more than " + MAX_ELEMENTS + " entries");
                }
                if (token == JsonToken.START_ARRAY || token == JsonToken.START_OBJECT) {
                    open.push(new int[1]);
                    if (open.size() > maxDepth) {
                        throw tooLarge(where, "values nested more than " + maxDepth + " deep");
                    }
                } else if (token == JsonToken.VALUE_STRING && parser.getTextLength() > MAX_STRING) {
                    throw tooLarge(where, "a string of more than " + MAX_STRING + " characters");
                }
            }
        } catch (IOException e) {
            throw new ModelArtifactException(RefusalReason.UNREADABLE, where + " is not JSON: "
                    + Untrusted.text(e.getMessage()), e);
        }
    }

    private static ModelArtifactException tooLarge(String where, String what) {
        return new ModelArtifactException(RefusalReason.TOO_LARGE, where + " holds " + what
                + ", over the artifact format's limit");
    }
}
