package dev.streampredict.common.kafka;

import org.apache.kafka.clients.producer.ProducerConfig;

import java.util.Map;

/**
 * How every writer of records tunes its Kafka producer (the producer CLI, the job's sinks, the benchmark's raw
 * passthrough), so that they are measured alike: durable ({@code acks=all}), and batched for throughput, with room
 * for many records per request (the 16 KB default batch holds a single wide record: 784 features are 10 KB of
 * JSON). A user's client settings go over these.
 */
public final class ProducerTuning {

    public static final Map<String, String> SETTINGS = Map.of(
            ProducerConfig.ACKS_CONFIG, "all",
            ProducerConfig.LINGER_MS_CONFIG, "5",
            ProducerConfig.BATCH_SIZE_CONFIG, Integer.toString(256 * 1024),
            ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");

    private ProducerTuning() {
    }
}
