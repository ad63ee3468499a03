package dev.streampredict.common.message;

import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.message.BinaryMessageDecoder;
import org.apache.avro.message.BinaryMessageEncoder;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

class AvroInputCodecTest {

    private static final List<String> FEATURES = List.of("close", "volume", "a");
    private final AvroInputCodec codec = new AvroInputCodec(FEATURES, 200);

    private static InputRecord record(String label, double... values) {
        Map<String, Double> features = new LinkedHashMap<>();
        for (int i = 0; i < values.length; i++) {
            features.put(i < FEATURES.size() ? FEATURES.get(i) : "extra" + i, values[i]);
        }
        return new InputRecord("6f1c", "sp500", 946857600000L, features, label);
    }

    @Test
    void roundTripKeepsEveryFieldAndNamesTheValuesInTheModelsOrder() throws Exception {
        InputRecord back = codec.parse(AvroInputCodec.encode(record("up", 1455.22, 9.318e8, -0.5)));

        assertThat(back.id()).isEqualTo("6f1c");
        assertThat(back.key()).isEqualTo("sp500");
        assertThat(back.timestamp()).isEqualTo(946857600000L);
        assertThat(back.label()).isEqualTo("up");
        assertThat(back.features().keySet()).containsExactly("close", "volume", "a");
        assertThat(back.features().get("close")).isCloseTo(1455.22, within(1e-4)); // a float, 7 digits
        assertThat(back.features().get("a")).isEqualTo(-0.5);
        assertThat(codec.parse(AvroInputCodec.encode(record(null, 1, 2, 3))).label()).isNull();
    }

    @Test
    void isSmallerThanJsonForWideInputs() {
        Map<String, Double> pixels = new LinkedHashMap<>();
        for (int i = 0; i < 784; i++) {
            pixels.put("f" + i, (i % 1000) / 1000.0);
        }
        InputRecord wide = new InputRecord("id-1", "k", 1L, pixels);
        assertThat(AvroInputCodec.encode(wide).length).isLessThan(4 * 784 + 40);
        assertThat(JsonInputCodec.toJson(wide).length).isGreaterThan(2 * AvroInputCodec.encode(wide).length);
    }

    /** The hand-written reader and writer agree with Avro's own, through the schema file: any Avro client fits. */
    @Test
    void readsAndWritesWhatAvrosGenericCodecWritesAndReads() throws Exception {
        BinaryMessageEncoder<GenericRecord> avroWriter = new BinaryMessageEncoder<>(GenericData.get(),
                AvroInputCodec.SCHEMA);
        GenericRecord generic = new GenericData.Record(AvroInputCodec.SCHEMA);
        generic.put("id", "g-1");
        generic.put("key", "k");
        generic.put("timestamp", 42L);
        generic.put("features", List.of(1.5f, 2.5f, 3.5f));
        generic.put("label", "yes");
        ByteBuffer written = avroWriter.encode(generic);

        InputRecord read = codec.parse(Arrays.copyOfRange(written.array(), written.arrayOffset(),
                written.arrayOffset() + written.remaining()));
        assertThat(read).isEqualTo(new InputRecord("g-1", "k", 42L,
                Map.of("close", 1.5, "volume", 2.5, "a", 3.5), "yes"));

        GenericRecord back = new BinaryMessageDecoder<GenericRecord>(GenericData.get(), AvroInputCodec.SCHEMA)
                .decode(AvroInputCodec.encode(record(null, 7, 8, 9)));
        assertThat(back.get("id").toString()).isEqualTo("6f1c");
        assertThat(back.get("timestamp")).isEqualTo(946857600000L);
        assertThat(back.get("features")).asList().containsExactly(7f, 8f, 9f);
        assertThat(back.get("label")).isNull();
    }

    @Test
    void rejectsEachWayAMessageCanBeWrongWithItsReason() {
        byte[] good = AvroInputCodec.encode(record(null, 1, 2, 3));
        assertRejected(new byte[0], RejectReason.EMPTY, "empty");
        assertRejected(new byte[201], RejectReason.TOO_LARGE, "limit is 200");
        assertRejected(JsonInputCodec.toJson(record(null, 1, 2, 3)), RejectReason.UNKNOWN_SCHEMA,
                "--input-format json");
        assertRejected(new byte[]{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11}, RejectReason.UNKNOWN_SCHEMA, "0xC3 0x01");
        byte[] otherSchema = good.clone();
        otherSchema[5] ^= 0x10;
        assertRejected(otherSchema, RejectReason.UNKNOWN_SCHEMA, "fingerprint");
        assertRejected(Arrays.copyOf(good, good.length - 6), RejectReason.MALFORMED_AVRO, "'features'");
        assertRejected(Arrays.copyOf(good, good.length + 1), RejectReason.MALFORMED_AVRO, "after the record");
        assertRejected(AvroInputCodec.encode(record(null, 1, 2, 3, 4)), RejectReason.UNKNOWN_FEATURE,
                "more than 3 features");
        assertRejected(AvroInputCodec.encode(record(null, 1, 2)), RejectReason.MISSING_FEATURE,
                "has 2 features; the model reads 3: [close, volume, a]");
        assertRejected(AvroInputCodec.encode(record(null, 1, Double.NaN, 3)), RejectReason.NON_FINITE,
                "'volume' is NaN");
        assertRejected(AvroInputCodec.encode(new InputRecord(" ", "k", 1, Map.of("x", 1.0, "y", 2.0, "z", 3.0))),
                RejectReason.MISSING_FIELD, "'id' is blank");
        byte[] badUnion = good.clone();
        badUnion[badUnion.length - 1] = 4; // union index 2 (zig-zag)
        assertRejected(badUnion, RejectReason.MALFORMED_AVRO, "union");
    }

    @Test
    void theJsonReaderNamesTheFormatWhenItIsGivenAvro() {
        assertThatThrownBy(() -> new JsonInputCodec().parse(AvroInputCodec.encode(record(null, 1, 2, 3))))
                .isInstanceOfSatisfying(InvalidRecordException.class, e -> {
                    assertThat(e.reason()).isEqualTo(RejectReason.MALFORMED_JSON);
                    assertThat(e.detail()).contains("--input-format avro");
                });
    }

    @Test
    void aValueBeyondAFloatIsRefusedAtTheWriterWithWhatToDo() {
        assertThatThrownBy(() -> AvroInputCodec.encode(record(null, 1, 1e300, 3)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'volume'").hasMessageContaining("--input-format json");
    }

    /** Any corruption of a valid message is rejected with a reason, never thrown as something else. */
    @Test
    void corruptedBytesAreAlwaysRejectedNeverThrown() {
        byte[] good = AvroInputCodec.encode(record("up", 1, 2, 3));
        Random random = new Random(7);
        int rejected = 0;
        for (int trial = 0; trial < 20_000; trial++) {
            byte[] bytes = good.clone();
            int at = 10 + random.nextInt(bytes.length - 10);
            bytes[at] = (byte) random.nextInt(256);
            byte[] cut = random.nextBoolean() ? bytes : Arrays.copyOf(bytes, 10 + random.nextInt(bytes.length - 9));
            try {
                codec.parse(cut);
            } catch (InvalidRecordException e) {
                rejected++;
            }
        }
        assertThat(rejected).isGreaterThan(5_000);
    }

    private void assertRejected(byte[] bytes, RejectReason reason, String detail) {
        assertThatThrownBy(() -> codec.parse(bytes))
                .isInstanceOfSatisfying(InvalidRecordException.class, e -> {
                    assertThat(e.reason()).as(e.detail()).isEqualTo(reason);
                    assertThat(e.detail()).contains(detail);
                });
    }
}
