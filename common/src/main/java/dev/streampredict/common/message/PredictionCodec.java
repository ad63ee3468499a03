package dev.streampredict.common.message;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * JSON form of {@link Prediction}. The original input is embedded as it arrived ({@code "input":{…}}), not
 * re-serialised, so a reader sees exactly what was scored.
 */
public final class PredictionCodec implements Serializable {

    private static final byte[] INPUT_FIELD = ",\"input\":".getBytes(StandardCharsets.UTF_8);

    public byte[] toJson(Prediction p) {
        byte[] input = p.input().getBytes(StandardCharsets.UTF_8);
        ByteArrayOutputStream out = new ByteArrayOutputStream(256 + input.length);
        try (JsonGenerator json = Json.MAPPER.getFactory().createGenerator(out)) {
            // The input goes last, written as its bytes: through the generator it would be re-encoded character by
            // character, the largest single cost of writing a prediction for a wide input. So the object stays open.
            json.disable(JsonGenerator.Feature.AUTO_CLOSE_JSON_CONTENT);
            json.writeStartObject();
            json.writeStringField("id", p.id());
            json.writeStringField("key", p.key());
            if (p.prediction() != null) {
                json.writeStringField("target", p.target());
                json.writeNumberField("prediction", p.prediction());
            } else {
                json.writeStringField("predictedClass", p.predictedClass());
                json.writeObjectFieldStart("classProbabilities");
                for (Map.Entry<String, Double> e : p.classProbabilities().entrySet()) {
                    json.writeNumberField(e.getKey(), e.getValue());
                }
                json.writeEndObject();
            }
            json.writeStringField("modelVersion", p.modelVersion());
            json.writeNumberField("predictionTimestamp", p.predictionTimestamp());
            json.writeNumberField("latencyMs", p.latencyMs());
            json.writeNumberField("windowFill", p.windowFill());
            json.flush();
            out.write(INPUT_FIELD);
            out.write(input);
            out.write('}');
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    /** Reads a prediction back; for consumers and tests, so it fails loudly rather than rejecting gently. */
    public Prediction parse(byte[] bytes) {
        JsonNode root;
        try {
            root = Json.MAPPER.readTree(bytes);
        } catch (IOException e) {
            throw new IllegalArgumentException("not a prediction: " + e.getMessage(), e);
        }
        Map<String, Double> probabilities = null;
        JsonNode probabilityNode = root.get("classProbabilities");
        if (probabilityNode != null && probabilityNode.isObject()) {
            probabilities = new LinkedHashMap<>();
            for (Iterator<Map.Entry<String, JsonNode>> it = probabilityNode.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                probabilities.put(e.getKey(), e.getValue().doubleValue());
            }
        }
        JsonNode predictionNode = root.get("prediction");
        return new Prediction(
                text(root, "id"),
                text(root, "key"),
                root.path("input").toString(),
                text(root, "target"),
                predictionNode == null || predictionNode.isNull() ? null : predictionNode.doubleValue(),
                text(root, "predictedClass"),
                probabilities,
                text(root, "modelVersion"),
                root.path("predictionTimestamp").asLong(),
                root.path("latencyMs").asLong(),
                root.path("windowFill").asInt());
    }

    private static String text(JsonNode root, String field) {
        JsonNode node = root.get(field);
        return node == null || node.isNull() ? null : node.asText();
    }
}
