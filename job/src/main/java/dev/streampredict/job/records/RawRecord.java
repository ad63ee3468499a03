package dev.streampredict.job.records;

/**
 * A Kafka record as it arrived, before any parsing, with where it came from (for the dead-letter topic).
 *
 * @param timestamp the Kafka record timestamp: when the producer sent it
 */
public record RawRecord(byte[] key, byte[] value, String topic, int partition, long offset, long timestamp) {
}
