package dev.streampredict.common.message;

/**
 * Everything of an input but its features, which {@link JsonInputCodec#parse(byte[], FeatureSink)} hands out one
 * by one. The fields mean what they mean in {@link InputRecord}.
 */
public record InputHeader(String id, String key, long timestamp, String label) {
}
