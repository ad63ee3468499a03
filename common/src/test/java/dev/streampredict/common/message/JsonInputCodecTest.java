package dev.streampredict.common.message;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class JsonInputCodecTest {

    private final JsonInputCodec codec = new JsonInputCodec(200);

    @Test
    void roundTripKeepsEveryFieldAndFeatureOrder() throws Exception {
        Map<String, Double> features = new LinkedHashMap<>();
        features.put("close", 1455.22);
        features.put("volume", 9.318e8);
        features.put("a", -0.5);
        InputRecord record = new InputRecord("6f1c", "sp500", 946857600000L, features, "up");

        InputRecord back = codec.parse(JsonInputCodec.toJson(record));

        assertThat(back).isEqualTo(record);
        assertThat(back.features().keySet()).containsExactly("close", "volume", "a");
    }

    @Test
    void labelIsOptional() throws Exception {
        InputRecord back = codec.parse(bytes("{'id':'1','key':'k','timestamp':5,'features':{'x':1}}"));
        assertThat(back.label()).isNull();
        assertThat(back.timestamp()).isEqualTo(5L);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "EMPTY           | ",
            "MALFORMED_JSON  | {'id':'1',",
            "MALFORMED_JSON  | [1,2,3]",
            "MALFORMED_JSON  | {'id':'1'} trailing",
            "MISSING_FIELD   | {'key':'k','timestamp':1,'features':{'x':1}}",
            "MISSING_FIELD   | {'id':'1','key':'k','features':{'x':1}}",
            "MISSING_FIELD   | {'id':'1','key':'k','timestamp':1,'features':{}}",
            "MISSING_FIELD   | {'id':' ','key':'k','timestamp':1,'features':{'x':1}}",
            "UNKNOWN_FIELD   | {'id':'1','key':'k','timestamp':1,'features':{'x':1},'extra':2}",
            "WRONG_TYPE      | {'id':1,'key':'k','timestamp':1,'features':{'x':1}}",
            "WRONG_TYPE      | {'id':'1','key':'k','timestamp':'yesterday','features':{'x':1}}",
            "WRONG_TYPE      | {'id':'1','key':'k','timestamp':1.5,'features':{'x':1}}",
            "WRONG_TYPE      | {'id':'1','key':'k','timestamp':1,'features':[1]}",
            "WRONG_TYPE      | {'id':'1','key':'k','timestamp':1,'features':{'x':'1'}}",
            "MISSING_FIELD   | {'id':'1','key':'k','timestamp':1,'features':null}",
            "MALFORMED_JSON  | {'id':'1','id':'2','key':'k','timestamp':1,'features':{'x':1}}",
            "MALFORMED_JSON  | {'id':'1','key':'k','timestamp':1,'features':{'x':1,'x':2}}",
            "WRONG_TYPE      | {'id':'1','key':'k','timestamp':123456789012345678901234567890,'features':{'x':1}}",
            "WRONG_TYPE      | {'id':'1','key':['k'],'timestamp':1,'features':{'x':1}}",
            "WRONG_TYPE      | {'id':'1','key':'k','timestamp':1,'features':{'x':{'y':1}}}",
            "NON_FINITE      | {'id':'1','key':'k','timestamp':1,'features':{'x':NaN}}",
            "NON_FINITE      | {'id':'1','key':'k','timestamp':1,'features':{'x':1e400}}",
            "NON_FINITE      | {'id':'1','key':'k','timestamp':1,'features':{'x':-Infinity}}",
            "TOO_LARGE       | {'id':'1','key':'k','timestamp':1,'features':{'x':1},'pad':'"
                    + "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
                    + "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"
                    + "xxxxxxxxxxxxxxxxxxxx'}",
    })
    void everyKindOfBadMessageHasItsOwnReason(RejectReason expected, String json) {
        byte[] message = json == null ? new byte[0] : bytes(json);
        assertThatThrownBy(() -> codec.parse(message))
                .isInstanceOfSatisfying(InvalidRecordException.class, e -> {
                    assertThat(e.reason()).isEqualTo(expected);
                    assertThat(e.detail()).isNotBlank();
                });
    }

    @Test
    void streamsEachFeatureToTheSinkInMessageOrder() throws Exception {
        List<String> seen = new ArrayList<>();
        InputHeader header = codec.parse(
                bytes("{'features':{'b':2.5,'a':-1},'key':'k','timestamp':7,'id':'x','label':'up'}"),
                (name, value) -> seen.add(name + "=" + value));

        assertThat(header).isEqualTo(new InputHeader("x", "k", 7L, "up"));
        assertThat(seen).containsExactly("b=2.5", "a=-1.0");
    }

    @Test
    void aSinkCanRejectTheMessage() {
        assertThatThrownBy(() -> codec.parse(bytes("{'id':'1','key':'k','timestamp':1,'features':{'x':1}}"),
                (name, value) -> {
                    throw new InvalidRecordException(RejectReason.UNKNOWN_FEATURE, name);
                }))
                .isInstanceOfSatisfying(InvalidRecordException.class,
                        e -> assertThat(e.reason()).isEqualTo(RejectReason.UNKNOWN_FEATURE));
    }

    @Test
    void theDetailNamesTheOffendingValue() {
        assertThatThrownBy(() -> codec.parse(bytes("{'id':'1','key':'k','timestamp':'yesterday','features':{'x':1}}")))
                .isInstanceOfSatisfying(InvalidRecordException.class, e -> assertThat(e.detail())
                        .isEqualTo("'timestamp' must be epoch milliseconds as an integer, got string \"yesterday\""));
    }

    @Test
    void rejectsNonUtf8Garbage() {
        byte[] garbage = {(byte) 0xff, (byte) 0xfe, 0x00, 0x7b};
        assertThatThrownBy(() -> codec.parse(garbage))
                .isInstanceOfSatisfying(InvalidRecordException.class,
                        e -> assertThat(e.reason()).isEqualTo(RejectReason.MALFORMED_JSON));
    }

    private static byte[] bytes(String singleQuoted) {
        return singleQuoted.replace('\'', '"').getBytes(StandardCharsets.UTF_8);
    }
}
