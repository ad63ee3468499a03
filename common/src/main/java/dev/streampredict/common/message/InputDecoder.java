package dev.streampredict.common.message;

import java.io.Serializable;
import java.util.LinkedHashMap;
import java.util.Map;

/** Reads input messages of one {@link InputFormat}, strictly: every way a message can be wrong has its reason. */
public interface InputDecoder extends Serializable {

    /**
     * Reads a message in one pass, handing each feature to {@code features} as it comes: a wide input (hundreds of
     * features) is never held as a tree or a map.
     */
    InputHeader parse(byte[] bytes, FeatureSink features) throws InvalidRecordException;

    /** Rejects an empty message, and one over {@code maxBytes} before reading a byte of it. */
    static void checkSize(byte[] bytes, int maxBytes) throws InvalidRecordException {
        if (bytes == null || bytes.length == 0) {
            throw new InvalidRecordException(RejectReason.EMPTY, "empty message");
        }
        if (bytes.length > maxBytes) {
            throw new InvalidRecordException(RejectReason.TOO_LARGE,
                    "message has " + bytes.length + " bytes, the limit is " + maxBytes);
        }
    }

    /** Reads a whole record, for readers that want its features by name rather than in a vector of their own. */
    default InputRecord parse(byte[] bytes) throws InvalidRecordException {
        Map<String, Double> features = new LinkedHashMap<>();
        InputHeader header = parse(bytes, (name, value) -> {
            if (features.put(name, value) != null) {
                throw new InvalidRecordException(RejectReason.MALFORMED_JSON, "feature '" + name + "' appears twice");
            }
        });
        return new InputRecord(header.id(), header.key(), header.timestamp(), features, header.label());
    }
}
