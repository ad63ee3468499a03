package dev.streampredict.common.message;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Locale;

import static dev.streampredict.common.message.RejectReason.*;

/**
 * JSON form of {@link InputRecord}:
 * <pre>{"id":"…","key":"sp500","timestamp":946857600000,"features":{"close":1455.22},"label":null}</pre>
 * Parsing is strict: every way a message can be wrong has its own {@link RejectReason}.
 */
public final class JsonInputCodec implements InputDecoder {

    public static final int DEFAULT_MAX_BYTES = 64 * 1024;
    private static final List<String> FIELDS = List.of("id", "key", "timestamp", "features", "label");

    private final int maxBytes;

    public JsonInputCodec(int maxBytes) {
        if (maxBytes <= 0) {
            throw new IllegalArgumentException("maxBytes must be positive, was " + maxBytes);
        }
        this.maxBytes = maxBytes;
    }

    public JsonInputCodec() {
        this(DEFAULT_MAX_BYTES);
    }

    public static byte[] toJson(InputRecord record) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(64 + 16 * record.features().size());
        // streamed, not through a tree: a 784-feature tree of nodes cost the producer most of its time
        try (JsonGenerator json = Json.MAPPER.getFactory().createGenerator(out)) {
            json.writeStartObject();
            json.writeStringField("id", record.id());
            json.writeStringField("key", record.key());
            json.writeNumberField("timestamp", record.timestamp());
            json.writeObjectFieldStart("features");
            FeatureVector.forEach(record.features(), json::writeNumberField);
            json.writeEndObject();
            if (record.label() != null) {
                json.writeStringField("label", record.label());
            }
            json.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e); // a byte array does not fail
        }
        return out.toByteArray();
    }

    /** Problems are reported in the order they appear in the message. */
    @Override
    public InputHeader parse(byte[] bytes, FeatureSink features) throws InvalidRecordException {
        InputDecoder.checkSize(bytes, maxBytes);
        try (JsonParser json = Json.MAPPER.createParser(bytes)) {
            if (bytes[0] == AvroInputCodec.MARKER[0] && bytes.length > 1 && bytes[1] == AvroInputCodec.MARKER[1]) {
                throw new InvalidRecordException(MALFORMED_JSON, "the message is Avro (it starts with Avro's "
                        + "single-object marker), not JSON: read this topic with --input-format avro");
            }
            if (json.nextToken() != JsonToken.START_OBJECT) {
                throw new InvalidRecordException(MALFORMED_JSON, "expected a JSON object, got " + describe(json));
            }
            String id = null;
            String key = null;
            Long timestamp = null;
            int featureCount = -1;
            String label = null;
            int seen = 0; // one bit per field of FIELDS: a set per message would cost more than the check
            for (String field = json.nextFieldName(); field != null; field = json.nextFieldName()) {
                int bit = 1 << FIELDS.indexOf(field); // an unknown field is rejected in the switch below
                if ((seen & bit) != 0) {
                    throw duplicate("field '" + field + "'");
                }
                seen |= bit;
                json.nextToken();
                switch (field) {
                    case "id" -> id = text(json, field);
                    case "key" -> key = text(json, field);
                    case "timestamp" -> timestamp = timestamp(json);
                    case "features" -> featureCount = features(json, features);
                    case "label" -> label = text(json, field);
                    default -> throw new InvalidRecordException(UNKNOWN_FIELD,
                            "field '" + field + "' is not part of the format; allowed: " + FIELDS);
                }
            }
            if (json.nextToken() != null) {
                throw new InvalidRecordException(MALFORMED_JSON, "unexpected content after the JSON object");
            }
            requireText(id, "id");
            requireText(key, "key");
            if (timestamp == null) {
                throw missing("timestamp");
            }
            if (featureCount < 0) {
                throw missing("features");
            }
            if (featureCount == 0) {
                throw new InvalidRecordException(MISSING_FIELD, "'features' is empty");
            }
            return new InputHeader(id, key, timestamp, label);
        } catch (JsonProcessingException e) {
            throw new InvalidRecordException(MALFORMED_JSON, "not valid JSON: " + firstLine(e.getOriginalMessage()));
        } catch (IOException e) { // reading from a byte array: only the parser's own complaints end up here
            throw new InvalidRecordException(MALFORMED_JSON, "not valid JSON: " + firstLine(e.getMessage()));
        }
    }

    /** Null for JSON null, which counts as absent. */
    private static String text(JsonParser json, String field) throws IOException, InvalidRecordException {
        if (json.currentToken() == JsonToken.VALUE_NULL) {
            return null;
        }
        if (json.currentToken() != JsonToken.VALUE_STRING) {
            throw new InvalidRecordException(WRONG_TYPE, "'" + field + "' must be a string, got " + describe(json));
        }
        return json.getText();
    }

    private static Long timestamp(JsonParser json) throws IOException, InvalidRecordException {
        if (json.currentToken() == JsonToken.VALUE_NULL) {
            return null;
        }
        if (json.currentToken() != JsonToken.VALUE_NUMBER_INT
                || json.getNumberType() == JsonParser.NumberType.BIG_INTEGER) {
            throw new InvalidRecordException(WRONG_TYPE,
                    "'timestamp' must be epoch milliseconds as an integer, got " + describe(json));
        }
        return json.getLongValue();
    }

    /** The number of features read, or -1 for JSON null. */
    private static int features(JsonParser json, FeatureSink sink) throws IOException, InvalidRecordException {
        if (json.currentToken() == JsonToken.VALUE_NULL) {
            return -1;
        }
        if (json.currentToken() != JsonToken.START_OBJECT) {
            throw new InvalidRecordException(WRONG_TYPE,
                    "'features' must be an object of named numbers, got " + describe(json));
        }
        int count = 0;
        for (String name = json.nextFieldName(); name != null; name = json.nextFieldName()) {
            JsonToken value = json.nextToken();
            if (value != JsonToken.VALUE_NUMBER_INT && value != JsonToken.VALUE_NUMBER_FLOAT) {
                throw new InvalidRecordException(WRONG_TYPE,
                        "feature '" + name + "' must be a number, got " + describe(json));
            }
            double number = json.getDoubleValue();
            if (!Double.isFinite(number)) {
                throw new InvalidRecordException(NON_FINITE, "feature '" + name + "' is " + number);
            }
            sink.accept(name, number);
            count++;
        }
        return count;
    }

    private static void requireText(String value, String field) throws InvalidRecordException {
        if (value == null) {
            throw missing(field);
        }
        if (value.isBlank()) {
            throw new InvalidRecordException(MISSING_FIELD, "'" + field + "' is blank");
        }
    }

    private static InvalidRecordException missing(String field) {
        return new InvalidRecordException(MISSING_FIELD, "required field '" + field + "' is missing");
    }

    private static InvalidRecordException duplicate(String what) {
        return new InvalidRecordException(MALFORMED_JSON, what + " appears twice");
    }

    private static String describe(JsonParser json) throws IOException {
        JsonToken token = json.currentToken();
        if (token == null) {
            return "nothing";
        }
        return switch (token) {
            case START_OBJECT -> "an object";
            case START_ARRAY -> "an array";
            case VALUE_STRING -> "string \"" + abbreviate(json.getText()) + "\"";
            case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> "number " + abbreviate(json.getText());
            case VALUE_TRUE, VALUE_FALSE -> "boolean " + json.getText();
            case VALUE_NULL -> "null";
            default -> token.name().toLowerCase(Locale.ROOT);
        };
    }

    private static String abbreviate(String text) {
        return text.length() > 40 ? text.substring(0, 40) + "…" : text;
    }

    private static String firstLine(String message) {
        if (message == null) {
            return "unreadable";
        }
        int newline = message.indexOf('\n');
        return newline < 0 ? message : message.substring(0, newline);
    }
}
