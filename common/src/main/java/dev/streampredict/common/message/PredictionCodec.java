package dev.streampredict.common.message;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.io.SerializedString;
import com.fasterxml.jackson.databind.JsonNode;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * JSON form of {@link Prediction}. The original input is embedded as it arrived ({@code "input":{…}}), not
 * re-serialised, so a reader sees exactly what was scored.
 */
public final class PredictionCodec implements Serializable {

    private static final byte[] INPUT_FIELD = ",\"input\":".getBytes(StandardCharsets.UTF_8);
    // field names encoded once, not for every prediction
    private static final SerializedString ID = new SerializedString("id");
    private static final SerializedString KEY = new SerializedString("key");
    private static final SerializedString TARGET = new SerializedString("target");
    private static final SerializedString PREDICTION = new SerializedString("prediction");
    private static final SerializedString PREDICTED_CLASS = new SerializedString("predictedClass");
    private static final SerializedString CLASS_PROBABILITIES = new SerializedString("classProbabilities");
    private static final SerializedString MODEL_VERSION = new SerializedString("modelVersion");
    private static final SerializedString PREDICTION_TIMESTAMP = new SerializedString("predictionTimestamp");
    private static final SerializedString LATENCY_MS = new SerializedString("latencyMs");
    private static final SerializedString WINDOW_FILL = new SerializedString("windowFill");
    private static final SerializedString INTERVAL = new SerializedString("interval");
    private static final SerializedString STEPS = new SerializedString("steps");
    private static final SerializedString MISSING_STEPS = new SerializedString("missingSteps");

    /** Reused from one prediction to the next: a codec writes from one thread (each sink writer has its own). */
    private transient ByteArrayOutputStream buffer;

    public byte[] toJson(Prediction p) {
        byte[] input = p.input().getBytes(StandardCharsets.UTF_8);
        if (buffer == null) {
            buffer = new ByteArrayOutputStream(1024);
        }
        ByteArrayOutputStream out = buffer;
        out.reset();
        try (JsonGenerator json = Json.MAPPER.getFactory().createGenerator(out)) {
            // The input goes last, written as its bytes: through the generator it would be re-encoded character by
            // character, the largest single cost of writing a prediction for a wide input. So the object stays open.
            json.disable(JsonGenerator.Feature.AUTO_CLOSE_JSON_CONTENT);
            json.writeStartObject();
            json.writeFieldName(ID);
            json.writeString(p.id());
            json.writeFieldName(KEY);
            json.writeString(p.key());
            if (p.prediction() != null) {
                json.writeFieldName(TARGET);
                json.writeString(p.target());
                json.writeFieldName(PREDICTION);
                json.writeNumber(p.prediction());
                if (p.interval() != null) {
                    json.writeFieldName(INTERVAL);
                    writeInterval(json, p.interval());
                }
                if (p.steps() != null) {
                    json.writeFieldName(STEPS);
                    json.writeStartArray();
                    for (Prediction.Step step : p.steps()) {
                        json.writeStartObject();
                        json.writeNumberField("step", step.step());
                        if (step.time() != null) {
                            json.writeNumberField("time", step.time());
                        }
                        json.writeNumberField("forecast", step.forecast());
                        if (step.interval() != null) {
                            json.writeFieldName(INTERVAL);
                            writeInterval(json, step.interval());
                        }
                        json.writeEndObject();
                    }
                    json.writeEndArray();
                }
                if (p.missingSteps() > 0) {
                    json.writeFieldName(MISSING_STEPS);
                    json.writeNumber(p.missingSteps());
                }
            } else {
                json.writeFieldName(PREDICTED_CLASS);
                json.writeString(p.predictedClass());
                json.writeFieldName(CLASS_PROBABILITIES);
                json.writeStartObject();
                for (Map.Entry<String, Double> e : p.classProbabilities().entrySet()) {
                    json.writeNumberField(e.getKey(), e.getValue());
                }
                json.writeEndObject();
            }
            json.writeFieldName(MODEL_VERSION);
            json.writeString(p.modelVersion());
            json.writeFieldName(PREDICTION_TIMESTAMP);
            json.writeNumber(p.predictionTimestamp());
            json.writeFieldName(LATENCY_MS);
            json.writeNumber(p.latencyMs());
            json.writeFieldName(WINDOW_FILL);
            json.writeNumber(p.windowFill());
            json.flush();
            out.write(INPUT_FIELD);
            out.write(input);
            out.write('}');
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    private static void writeInterval(JsonGenerator json, Prediction.Interval interval) throws IOException {
        json.writeStartObject();
        json.writeNumberField("level", interval.level());
        json.writeNumberField("lower", interval.lower());
        json.writeNumberField("upper", interval.upper());
        json.writeEndObject();
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
        Prediction.Interval interval = interval(root.get("interval"));
        List<Prediction.Step> steps = null;
        JsonNode stepsNode = root.get("steps");
        if (stepsNode != null && stepsNode.isArray()) {
            steps = new ArrayList<>();
            for (JsonNode step : stepsNode) {
                JsonNode time = step.get("time");
                steps.add(new Prediction.Step(step.path("step").asInt(), time == null ? null : time.asLong(),
                        step.path("forecast").asDouble(), interval(step.get("interval"))));
            }
        }
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
                root.path("windowFill").asInt(),
                interval,
                steps,
                root.path("missingSteps").asInt());
    }

    private static Prediction.Interval interval(JsonNode node) {
        return node == null || !node.isObject() ? null : new Prediction.Interval(node.path("level").asDouble(),
                node.path("lower").asDouble(), node.path("upper").asDouble());
    }

    private static String text(JsonNode root, String field) {
        JsonNode node = root.get(field);
        return node == null || node.isNull() ? null : node.asText();
    }
}
