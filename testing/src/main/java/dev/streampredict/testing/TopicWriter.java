package dev.streampredict.testing;

import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;

import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Writes records as they are given, headers and all, each acknowledged before the next: what anyone with WRITE on a
 * topic can write, for tests of what a reader does with records that no tool of this project would make.
 */
public final class TopicWriter {

    private TopicWriter() {
    }

    @SafeVarargs
    public static void write(String bootstrap, ProducerRecord<byte[], byte[]>... records) throws Exception {
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ProducerConfig.MAX_REQUEST_SIZE_CONFIG, 16 * 1024 * 1024), new ByteArraySerializer(),
                new ByteArraySerializer())) {
            for (ProducerRecord<byte[], byte[]> record : records) {
                producer.send(record).get(30, TimeUnit.SECONDS);
            }
        }
    }
}
