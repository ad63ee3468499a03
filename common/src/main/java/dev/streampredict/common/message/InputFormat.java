package dev.streampredict.common.message;

import picocli.CommandLine;

import java.util.List;
import java.util.Locale;

/** How input records are written on the input topic. */
public enum InputFormat {
    /** Named features, readable by eye; the default. */
    JSON,
    /** Avro single-object encoding, features as a packed float array: for wide inputs. */
    AVRO;

    public byte[] encode(InputRecord record) {
        return this == JSON ? JsonInputCodec.toJson(record) : AvroInputCodec.encode(record);
    }

    /**
     * @param features the model's features, in its order: an Avro message carries only their values, in that order
     *                 (a JSON message names its own)
     */
    public InputDecoder decoder(List<String> features, int maxBytes) {
        return this == JSON ? new JsonInputCodec(maxBytes) : new AvroInputCodec(features, maxBytes);
    }

    /** For command-line options: {@code json} or {@code avro}, in any case. */
    public static final class Converter implements CommandLine.ITypeConverter<InputFormat> {
        @Override
        public InputFormat convert(String value) {
            try {
                return valueOf(value.trim().toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new CommandLine.TypeConversionException("'" + value + "' is not a format; use json or avro");
            }
        }
    }
}
