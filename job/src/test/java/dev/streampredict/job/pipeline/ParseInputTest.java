package dev.streampredict.job.pipeline;

import dev.streampredict.common.message.AvroInputCodec;
import dev.streampredict.common.message.InputFormat;
import dev.streampredict.common.message.InputRecord;
import dev.streampredict.common.message.JsonInputCodec;
import dev.streampredict.common.message.RejectReason;
import dev.streampredict.job.TinyModels;
import dev.streampredict.job.records.DeadLetter;
import dev.streampredict.job.records.InputEcho;
import dev.streampredict.job.records.PipelineSettings;
import dev.streampredict.job.records.RawRecord;
import dev.streampredict.job.records.ScoringInput;
import dev.streampredict.model.Task;
import dev.streampredict.registry.InputSchema;
import org.apache.flink.streaming.api.operators.ProcessOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.OneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

/** Validation against a schema with several features: the features land in the model's order, whatever the input's. */
class ParseInputTest {

    private static final List<String> FEATURES = List.of("a", "b", "c");

    private OneInputStreamOperatorTestHarness<RawRecord, ScoringInput> harness;
    private long offset;

    @BeforeEach
    void open() throws Exception {
        open(InputFormat.JSON);
    }

    private void open(InputFormat format) throws Exception {
        PipelineSettings settings = new PipelineSettings(
                new InputSchema(Task.CLASSIFICATION, FEATURES, null), new HashMap<>(), TinyModels.LIMITS, null, "test",
                new ArrayList<>(), false, format,
                InputEcho.Mode.COPY, 4096, 0,
                Duration.ofHours(1), Duration.ZERO, 8, 1, Duration.ZERO, null, Duration.ZERO, null);
        harness = new OneInputStreamOperatorTestHarness<>(new ProcessOperator<>(new ParseInput(settings)));
        harness.open();
    }

    @AfterEach
    void close() throws Exception {
        harness.close();
    }

    @Test
    void featuresAreReadIntoTheModelsOrder() throws Exception {
        send("{'id':'1','key':'k','timestamp':5,'features':{'c':3.0,'a':1.0,'b':2.0},'label':'odd'}");

        assertThat(harness.extractOutputValues()).singleElement().satisfies(input -> {
            assertThat(input.features()).containsExactly(1.0, 2.0, 3.0);
            assertThat(input.id()).isEqualTo("1");
            assertThat(input.key()).isEqualTo("k");
            assertThat(input.eventTimestamp()).isEqualTo(5L);
            assertThat(input.label()).isEqualTo("odd");
        });
    }

    @Test
    void featuresTheModelDoesNotReadOrNeedsAndDoesNotGetAreDeadLettered() throws Exception {
        send("{'id':'1','key':'k','timestamp':5,'features':{'a':1,'b':2,'c':3,'d':4}}");
        send("{'id':'2','key':'k','timestamp':5,'features':{'a':1,'c':3}}");
        send("{'id':'3','key':'k','timestamp':5,'features':{'a':1,'b':2,'a':3}}");

        assertThat(harness.extractOutputValues()).isEmpty();
        assertThat(harness.getSideOutput(ParseInput.DEAD_LETTERS)).extracting(StreamRecord::getValue)
                .extracting(DeadLetter::reason, DeadLetter::detail)
                .containsExactly(
                        tuple(RejectReason.UNKNOWN_FEATURE,
                                "feature 'd' is not one the model reads; it reads [a, b, c]"),
                        tuple(RejectReason.MISSING_FEATURE,
                                "feature 'b' is missing; the model reads [a, b, c]"),
                        tuple(RejectReason.MALFORMED_JSON, "feature 'a' appears twice"));
    }

    @Test
    void avroInputsAreReadIntoTheModelsOrderAndTheirMistakesDeadLettered() throws Exception {
        harness.close();
        open(InputFormat.AVRO);
        Map<String, Double> abc = new LinkedHashMap<>(Map.of("a", 1.0));
        abc.put("b", 2.0);
        abc.put("c", 3.5);
        send(AvroInputCodec.encode(new InputRecord("1", "k", 5, abc, "odd")));
        send(AvroInputCodec.encode(new InputRecord("2", "k", 5, Map.of("a", 1.0, "b", 2.0))));
        send(JsonInputCodec.toJson(new InputRecord("3", "k", 5, abc)));

        assertThat(harness.extractOutputValues()).singleElement().satisfies(input -> {
            assertThat(input.features()).containsExactly(1.0, 2.0, 3.5);
            assertThat(input.label()).isEqualTo("odd");
        });
        assertThat(harness.getSideOutput(ParseInput.DEAD_LETTERS)).extracting(StreamRecord::getValue)
                .extracting(DeadLetter::reason)
                .containsExactly(RejectReason.MISSING_FEATURE, RejectReason.UNKNOWN_SCHEMA);
    }

    private void send(String singleQuoted) throws Exception {
        send(singleQuoted.replace('\'', '"').getBytes(StandardCharsets.UTF_8));
    }

    private void send(byte[] value) throws Exception {
        harness.processElement(new RawRecord(null, value, "in", 0, offset++, 10), 10);
    }
}
