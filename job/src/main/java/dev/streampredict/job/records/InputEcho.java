package dev.streampredict.job.records;

import com.fasterxml.jackson.core.JsonGenerator;
import dev.streampredict.common.message.InputFormat;
import dev.streampredict.common.message.Json;

import java.io.IOException;
import java.io.Serializable;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * What a prediction carries of its input, as JSON: a copy, so that a reader sees what was scored without another
 * lookup, or a reference (topic, partition, offset, id), since copying a wide input into every prediction doubles
 * the bytes written.
 *
 * @param features the model's features, which name an Avro input's values in a copy
 */
public record InputEcho(Mode mode, InputFormat format, List<String> features) implements Serializable {

    public enum Mode { COPY, REFERENCE }

    public InputEcho {
        features = List.copyOf(features);
    }

    public String of(ScoringInput input) {
        if (mode == Mode.COPY && format == InputFormat.JSON) {
            return new String(input.source().value(), StandardCharsets.UTF_8); // as it came, not re-serialised
        }
        StringWriter text = new StringWriter(mode == Mode.COPY ? 64 + 16 * features.size() : 128);
        try (JsonGenerator json = Json.MAPPER.getFactory().createGenerator(text)) {
            json.writeStartObject();
            if (mode == Mode.REFERENCE) {
                json.writeStringField("topic", input.source().topic());
                json.writeNumberField("partition", input.source().partition());
                json.writeNumberField("offset", input.source().offset());
                json.writeStringField("id", input.id());
            } else {
                json.writeStringField("id", input.id());
                json.writeStringField("key", input.key());
                json.writeNumberField("timestamp", input.eventTimestamp());
                json.writeObjectFieldStart("features");
                double[] values = input.features();
                for (int i = 0; i < values.length; i++) {
                    json.writeNumberField(features.get(i), (float) values[i]); // as sent: 1455.22, not 1455.2199…
                }
                json.writeEndObject();
                if (input.label() != null) {
                    json.writeStringField("label", input.label());
                }
            }
            json.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e); // writing to a string does not fail
        }
        return text.toString();
    }
}
