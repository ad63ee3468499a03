package dev.streampredict.benchmark;

import dev.streampredict.common.kafka.ProducerTuning;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * The ceiling for any Kafka-to-Kafka job on this broker: a plain consumer that writes every record it reads to
 * another topic, with the same producer settings the job's sinks use ({@link ProducerTuning}),
 * and no work in between.
 */
final class RawPassthrough {

    private RawPassthrough() {
    }

    /** A copy of {@code records}, timed from the first record read to the last one acknowledged. */
    record Copied(long records, long startMillis, long endMillis) {

        double perSecond() {
            return records / ((endMillis - startMillis) / 1e3);
        }

        /** Records copied between two times, taking the rate as even. */
        double between(long fromMillis, long toMillis) {
            return records * (double) (toMillis - fromMillis) / (endMillis - startMillis);
        }
    }

    /** Copies {@code count} records from {@code from} to {@code to}. */
    static Copied copy(String bootstrap, String from, String to, long count) {
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ConsumerConfig.GROUP_ID_CONFIG, "raw-passthrough-" + UUID.randomUUID(),
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 5_000,
                ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class,
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class));
             KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(producerConfig(bootstrap),
                     new ByteArraySerializer(), new ByteArraySerializer())) {
            consumer.subscribe(List.of(from));
            long copied = 0;
            long start = 0;
            while (copied < count) {
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    if (start == 0) {
                        start = System.currentTimeMillis(); // from the first record, as the pipeline is timed
                    }
                    producer.send(new ProducerRecord<>(to, r.key(), r.value()));
                    copied++;
                }
            }
            producer.flush();
            return new Copied(copied, start, System.currentTimeMillis());
        }
    }

    private static Map<String, Object> producerConfig(String bootstrap) {
        Map<String, Object> config = new HashMap<>(ProducerTuning.SETTINGS);
        config.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        return config;
    }
}
