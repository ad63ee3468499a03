package dev.streampredict.testing;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * Reads a topic as a downstream consumer with read_committed would, and always on to the end offsets that the
 * broker gives at the moment the wait is over (the last stable offsets): what was committed by then is all there,
 * duplicates included, without a "count, then wait one more second".
 */
public final class TopicReader {

    private static final Duration POLL = Duration.ofMillis(200);
    private static final Duration DRAIN_TIMEOUT = Duration.ofSeconds(60);

    private enum Start { BEGINNING, NOW }

    private TopicReader() {
    }

    /** Every record a read_committed reader sees in the topic now. */
    public static List<ConsumerRecord<byte[], byte[]>> readToEnd(String bootstrap, String topic) {
        return read(bootstrap, topic, Start.BEGINNING, records -> true, Duration.ZERO);
    }

    /** From the beginning: waits up to {@code timeout} for {@code expected} records, then reads to the end. */
    public static List<ConsumerRecord<byte[], byte[]>> awaitRecords(String bootstrap, String topic, int expected,
                                                                    Duration timeout) {
        return awaitUntil(bootstrap, topic, timeout, records -> records.size() >= expected);
    }

    /** From the beginning: waits up to {@code timeout} until {@code enough} holds of what it read, then reads on. */
    public static List<ConsumerRecord<byte[], byte[]>> awaitUntil(
            String bootstrap, String topic, Duration timeout, Predicate<List<ConsumerRecord<byte[], byte[]>>> enough) {
        return read(bootstrap, topic, Start.BEGINNING, enough, timeout);
    }

    /** Only records written after this call: waits up to {@code timeout} for {@code expected} of them. */
    public static List<ConsumerRecord<byte[], byte[]>> awaitNewRecords(String bootstrap, String topic, int expected,
                                                                       Duration timeout) {
        return read(bootstrap, topic, Start.NOW, records -> records.size() >= expected, timeout);
    }

    private static List<ConsumerRecord<byte[], byte[]>> read(
            String bootstrap, String topic, Start start, Predicate<List<ConsumerRecord<byte[], byte[]>>> enough,
            Duration timeout) {
        List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
                ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class,
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class))) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic).stream()
                    .map(p -> new TopicPartition(topic, p.partition())).toList();
            consumer.assign(partitions);
            if (start == Start.NOW) {
                consumer.seekToEnd(partitions);
            } else {
                consumer.seekToBeginning(partitions);
            }
            partitions.forEach(consumer::position); // seeks are lazy: "now" is this moment, not the first poll's
            long deadline = System.nanoTime() + timeout.toNanos();
            while (!enough.test(records) && System.nanoTime() < deadline) {
                consumer.poll(POLL).forEach(records::add);
            }
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            long drainDeadline = System.nanoTime() + DRAIN_TIMEOUT.toNanos();
            while (partitions.stream().anyMatch(p -> consumer.position(p) < end.get(p))
                    && System.nanoTime() < drainDeadline) {
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(POLL)) {
                    if (record.offset() < end.get(new TopicPartition(record.topic(), record.partition()))) {
                        records.add(record);
                    }
                }
            }
        }
        return records;
    }
}
