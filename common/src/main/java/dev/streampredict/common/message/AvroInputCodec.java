package dev.streampredict.common.message;

import org.apache.avro.Schema;
import org.apache.avro.SchemaNormalization;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;

import static dev.streampredict.common.message.RejectReason.*;

/**
 * Avro form of {@link InputRecord} ({@code input-record.avsc} beside this class), single-object encoded so that any
 * Avro reader finds the schema by its fingerprint. The features are a packed array of floats in the model's order,
 * not named: a 784-feature input is 3.2 KB instead of about 10 KB of JSON, and reads without parsing text.
 * Fields are read and written in the schema's order by hand rather than through a generic datum reader, which would
 * allocate a record and a boxed list per message; {@code AvroInputCodecTest} holds the two to the same bytes.
 */
public final class AvroInputCodec implements InputDecoder {

    /** Avro's single-object encoding starts with these two bytes, then the schema fingerprint. */
    static final byte[] MARKER = {(byte) 0xC3, 0x01};
    public static final Schema SCHEMA = readSchema();
    private static final long FINGERPRINT = SchemaNormalization.parsingFingerprint64(SCHEMA);
    private static final int HEADER_BYTES = MARKER.length + Long.BYTES;

    private final List<String> features;
    private final int maxBytes;

    /** @param features the names of the values each message carries, in order (the model's features) */
    public AvroInputCodec(List<String> features, int maxBytes) {
        if (maxBytes <= 0) {
            throw new IllegalArgumentException("maxBytes must be positive, was " + maxBytes);
        }
        this.features = List.copyOf(features);
        this.maxBytes = maxBytes;
    }

    /** Writes the record's features in their order; the reader must expect that order. */
    public static byte[] encode(InputRecord record) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(64 + 4 * record.features().size());
        out.writeBytes(MARKER);
        out.writeBytes(ByteBuffer.allocate(Long.BYTES).order(ByteOrder.LITTLE_ENDIAN).putLong(FINGERPRINT).array());
        BinaryEncoder avro = EncoderFactory.get().binaryEncoder(out, null); // buffered: one write per 2 KB
        try {
            avro.writeString(record.id());
            avro.writeString(record.key());
            avro.writeLong(record.timestamp());
            avro.writeArrayStart();
            avro.setItemCount(record.features().size());
            FeatureVector.forEach(record.features(), (name, value) -> writeFeature(avro, record, name, value));
            avro.writeArrayEnd();
            if (record.label() == null) {
                avro.writeIndex(0);
            } else {
                avro.writeIndex(1);
                avro.writeString(record.label());
            }
            avro.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e); // a byte array does not fail
        }
        return out.toByteArray();
    }

    private static void writeFeature(BinaryEncoder avro, InputRecord record, String name, double value)
            throws IOException {
        float single = (float) value;
        if (Float.isInfinite(single) && !Double.isInfinite(value)) {
            throw new IllegalArgumentException("feature '" + name + "' of input " + record.id() + " is " + value
                    + ", beyond a 32-bit float, which the Avro format carries; scale it, or send JSON "
                    + "(--input-format json)");
        }
        avro.startItem();
        avro.writeFloat(single);
    }

    @Override
    public InputHeader parse(byte[] bytes, FeatureSink sink) throws InvalidRecordException {
        InputDecoder.checkSize(bytes, maxBytes);
        checkHeader(bytes);
        BinaryDecoder avro = DecoderFactory.get().binaryDecoder(bytes, HEADER_BYTES, bytes.length - HEADER_BYTES,
                null);
        String field = "id";
        try {
            String id = avro.readString();
            field = "key";
            String key = avro.readString();
            field = "timestamp";
            long timestamp = avro.readLong();
            field = "features";
            int count = 0;
            for (long block = avro.readArrayStart(); block != 0; block = avro.arrayNext()) {
                for (long i = 0; i < block; i++) {
                    if (count == features.size()) {
                        throw new InvalidRecordException(UNKNOWN_FEATURE, "the input has more than " + count
                                + " features; the model reads " + count + ": "
                                + FeatureVector.Names.abbreviate(features));
                    }
                    float value = avro.readFloat();
                    if (!Float.isFinite(value)) {
                        throw new InvalidRecordException(NON_FINITE, "feature '" + features.get(count) + "' is "
                                + value);
                    }
                    sink.accept(features.get(count++), value);
                }
            }
            if (count < features.size()) {
                throw new InvalidRecordException(MISSING_FEATURE, "the input has " + count + " features; the model "
                        + "reads " + features.size() + ": " + FeatureVector.Names.abbreviate(features));
            }
            field = "label";
            String label = switch (avro.readIndex()) {
                case 0 -> null;
                case 1 -> avro.readString();
                default -> throw new InvalidRecordException(MALFORMED_AVRO, "'label' has no union branch "
                        + "beyond null and string");
            };
            if (!avro.isEnd()) {
                throw new InvalidRecordException(MALFORMED_AVRO, "unexpected bytes after the record");
            }
            requireText(id, "id");
            requireText(key, "key");
            return new InputHeader(id, key, timestamp, label);
        } catch (EOFException e) {
            throw new InvalidRecordException(MALFORMED_AVRO, "the message ends inside field '" + field + "'");
        } catch (IOException | RuntimeException e) { // Avro throws unchecked for lengths and counts over its limits
            throw new InvalidRecordException(MALFORMED_AVRO, "field '" + field + "' is unreadable: " + e.getMessage());
        }
    }

    private static void checkHeader(byte[] bytes) throws InvalidRecordException {
        if (bytes.length < HEADER_BYTES || bytes[0] != MARKER[0] || bytes[1] != MARKER[1]) {
            throw new InvalidRecordException(UNKNOWN_SCHEMA, "the message is not Avro single-object encoded"
                    + (bytes[0] == '{' ? " (it starts with '{': JSON? read this topic with --input-format json)"
                    : " (it does not start with 0xC3 0x01)"));
        }
        long fingerprint = ByteBuffer.wrap(bytes, MARKER.length, Long.BYTES).order(ByteOrder.LITTLE_ENDIAN).getLong();
        if (fingerprint != FINGERPRINT) {
            throw new InvalidRecordException(UNKNOWN_SCHEMA, String.format("the message is written with the schema "
                    + "of fingerprint %016x, not this project's input-record.avsc (%016x)", fingerprint, FINGERPRINT));
        }
    }

    private static void requireText(String value, String field) throws InvalidRecordException {
        if (value.isBlank()) {
            throw new InvalidRecordException(MISSING_FIELD, "'" + field + "' is blank");
        }
    }

    private static Schema readSchema() {
        try (InputStream in = AvroInputCodec.class.getResourceAsStream("input-record.avsc")) {
            return new Schema.Parser().parse(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
