package dev.streampredict.job.records;

import com.fasterxml.jackson.databind.JsonNode;
import dev.streampredict.common.message.AvroInputCodec;
import dev.streampredict.common.message.InputFormat;
import dev.streampredict.common.message.InputRecord;
import dev.streampredict.common.message.Json;
import dev.streampredict.common.message.JsonInputCodec;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class InputEchoTest {

    private static final List<String> FEATURES = List.of("close", "volume");
    private static final InputRecord RECORD = new InputRecord("id-7", "sp500", 946857600000L, features(), "up");

    private static Map<String, Double> features() {
        Map<String, Double> features = new LinkedHashMap<>();
        features.put("close", 1455.22);
        features.put("volume", 0.5);
        return features;
    }

    private static ScoringInput scoring(byte[] value) {
        return new ScoringInput("id-7", "sp500", 946857600000L, 1L, new double[]{(float) 1455.22, 0.5}, "up",
                new RawRecord(null, value, "input-data", 3, 1234L, 1L));
    }

    @Test
    void aJsonCopyIsTheInputAsItCame() {
        byte[] json = JsonInputCodec.toJson(RECORD);
        assertThat(new InputEcho(InputEcho.Mode.COPY, InputFormat.JSON, FEATURES).of(scoring(json)))
                .isEqualTo(new String(json, StandardCharsets.UTF_8));
    }

    /** An Avro input is copied as the JSON input it stands for, so that readers of predictions see one format. */
    @Test
    void anAvroCopyReadsAsTheJsonInputWithTheValuesAsSent() throws Exception {
        String echoed = new InputEcho(InputEcho.Mode.COPY, InputFormat.AVRO, FEATURES)
                .of(scoring(AvroInputCodec.encode(RECORD)));

        assertThat(new JsonInputCodec().parse(echoed.getBytes(StandardCharsets.UTF_8)))
                .isEqualTo(new InputRecord("id-7", "sp500", 946857600000L, features(), "up"));
    }

    @Test
    void aReferenceNamesWhereTheInputIs() throws Exception {
        String echoed = new InputEcho(InputEcho.Mode.REFERENCE, InputFormat.AVRO, FEATURES)
                .of(scoring(AvroInputCodec.encode(RECORD)));

        JsonNode reference = Json.MAPPER.readTree(echoed);
        assertThat(reference.get("topic").asText()).isEqualTo("input-data");
        assertThat(reference.get("partition").asInt()).isEqualTo(3);
        assertThat(reference.get("offset").asLong()).isEqualTo(1234L);
        assertThat(reference.get("id").asText()).isEqualTo("id-7");
        assertThat(reference.size()).isEqualTo(4);
    }
}
