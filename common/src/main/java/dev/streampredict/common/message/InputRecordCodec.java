package dev.streampredict.common.message;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

import static dev.streampredict.common.message.RejectReason.*;

/**
 * JSON form of {@link InputRecord}:
 * <pre>{"id":"…","key":"sp500","timestamp":946857600000,"features":{"close":1455.22},"label":null}</pre>
 * Parsing is strict: every way a message can be wrong has its own {@link RejectReason}.
 */
public final class InputRecordCodec implements Serializable {

    public static final int DEFAULT_MAX_BYTES = 64 * 1024;
    private static final Set<String> FIELDS = Set.of("id", "key", "timestamp", "features", "label");

    private final int maxBytes;

    public InputRecordCodec(int maxBytes) {
        if (maxBytes <= 0) {
            throw new IllegalArgumentException("maxBytes must be positive, was " + maxBytes);
        }
        this.maxBytes = maxBytes;
    }

    public InputRecordCodec() {
        this(DEFAULT_MAX_BYTES);
    }

    public byte[] toJson(InputRecord record) {
        ObjectNode node = Json.MAPPER.createObjectNode();
        node.put("id", record.id());
        node.put("key", record.key());
        node.put("timestamp", record.timestamp());
        ObjectNode features = node.putObject("features");
        record.features().forEach(features::put);
        if (record.label() != null) {
            node.put("label", record.label());
        }
        try {
            return Json.MAPPER.writeValueAsBytes(node);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    public InputRecord parse(byte[] bytes) throws InvalidRecordException {
        if (bytes == null || bytes.length == 0) {
            throw new InvalidRecordException(EMPTY, "empty message");
        }
        if (bytes.length > maxBytes) {
            throw new InvalidRecordException(TOO_LARGE,
                    "message has " + bytes.length + " bytes, the limit is " + maxBytes);
        }
        JsonNode root;
        try {
            root = Json.MAPPER.readTree(bytes);
        } catch (IOException e) {
            throw new InvalidRecordException(MALFORMED_JSON, "not valid JSON: " + firstLine(e.getMessage()));
        }
        if (root == null || !root.isObject()) {
            throw new InvalidRecordException(MALFORMED_JSON, "expected a JSON object, got " + describe(root));
        }
        for (Iterator<String> names = root.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!FIELDS.contains(name)) {
                throw new InvalidRecordException(UNKNOWN_FIELD,
                        "field '" + name + "' is not part of the format; allowed: " + FIELDS);
            }
        }
        String id = requiredText(root, "id");
        String key = requiredText(root, "key");
        long timestamp = requiredTimestamp(root);
        Map<String, Double> features = requiredFeatures(root);
        String label = optionalText(root, "label");
        return new InputRecord(id, key, timestamp, features, label);
    }

    private static String requiredText(JsonNode root, String field) throws InvalidRecordException {
        JsonNode node = required(root, field);
        if (!node.isTextual()) {
            throw new InvalidRecordException(WRONG_TYPE, "'" + field + "' must be a string, got " + describe(node));
        }
        if (node.textValue().isBlank()) {
            throw new InvalidRecordException(MISSING_FIELD, "'" + field + "' is blank");
        }
        return node.textValue();
    }

    private static String optionalText(JsonNode root, String field) throws InvalidRecordException {
        JsonNode node = root.get(field);
        if (node == null || node.isNull()) {
            return null;
        }
        if (!node.isTextual()) {
            throw new InvalidRecordException(WRONG_TYPE, "'" + field + "' must be a string, got " + describe(node));
        }
        return node.textValue();
    }

    private static long requiredTimestamp(JsonNode root) throws InvalidRecordException {
        JsonNode node = required(root, "timestamp");
        if (!node.isIntegralNumber() || !node.canConvertToLong()) {
            throw new InvalidRecordException(WRONG_TYPE,
                    "'timestamp' must be epoch milliseconds as an integer, got " + describe(node));
        }
        return node.longValue();
    }

    private static Map<String, Double> requiredFeatures(JsonNode root) throws InvalidRecordException {
        JsonNode node = required(root, "features");
        if (!node.isObject()) {
            throw new InvalidRecordException(WRONG_TYPE,
                    "'features' must be an object of named numbers, got " + describe(node));
        }
        if (node.isEmpty()) {
            throw new InvalidRecordException(MISSING_FIELD, "'features' is empty");
        }
        Map<String, Double> features = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> entry = it.next();
            JsonNode value = entry.getValue();
            if (!value.isNumber()) {
                throw new InvalidRecordException(WRONG_TYPE,
                        "feature '" + entry.getKey() + "' must be a number, got " + describe(value));
            }
            double number = value.doubleValue();
            if (!Double.isFinite(number)) {
                throw new InvalidRecordException(NON_FINITE, "feature '" + entry.getKey() + "' is " + number);
            }
            features.put(entry.getKey(), number);
        }
        return features;
    }

    private static JsonNode required(JsonNode root, String field) throws InvalidRecordException {
        JsonNode node = root.get(field);
        if (node == null || node.isNull()) {
            throw new InvalidRecordException(MISSING_FIELD, "required field '" + field + "' is missing");
        }
        return node;
    }

    private static String describe(JsonNode node) {
        if (node == null) {
            return "nothing";
        }
        String text = node.toString();
        String shown = text.length() > 40 ? text.substring(0, 40) + "…" : text;
        return node.getNodeType().name().toLowerCase(java.util.Locale.ROOT) + " " + shown;
    }

    private static String firstLine(String message) {
        if (message == null) {
            return "unreadable";
        }
        int newline = message.indexOf('\n');
        return newline < 0 ? message : message.substring(0, newline);
    }
}
