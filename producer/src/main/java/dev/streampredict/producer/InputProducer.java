package dev.streampredict.producer;

import dev.streampredict.common.kafka.ProducerTuning;
import dev.streampredict.common.message.InputFormat;
import dev.streampredict.common.message.InputRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;
import java.util.stream.IntStream;

/**
 * Writes input records to Kafka, keyed by the record's key so that each series stays in order in one partition.
 * Idempotent with acks=all: a retry never duplicates or reorders a record. The Kafka record timestamp is the send
 * time; the job measures latency from it, while the event time travels in the record's {@code timestamp}.
 */
public final class InputProducer implements AutoCloseable {

    /** Records encoded together when sending as fast as possible. */
    private static final int BLOCK = 256;

    private final KafkaProducer<String, byte[]> producer;
    private final String topic;
    private final InputFormat format;
    private final AtomicLong sent = new AtomicLong();
    private final AtomicLong acknowledged = new AtomicLong();
    private final AtomicReference<Exception> firstFailure = new AtomicReference<>();

    public InputProducer(String bootstrapServers, String topic) {
        this(bootstrapServers, topic, InputFormat.JSON, Map.of());
    }

    public InputProducer(String bootstrapServers, String topic, InputFormat format, Map<String, Object> overrides) {
        Map<String, Object> config = new HashMap<>();
        config.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        config.putAll(ProducerTuning.SETTINGS);
        config.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class);
        config.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        config.putAll(overrides);
        this.producer = new KafkaProducer<>(config);
        this.topic = topic;
        this.format = format;
    }

    public void send(InputRecord record) {
        sendRaw(record.key(), format.encode(record));
    }

    /** Sends bytes as they are: for tests and tools that need to write what the codec would never produce. */
    public void sendRaw(String key, byte[] value) {
        throwIfFailed();
        sent.incrementAndGet();
        producer.send(new ProducerRecord<>(topic, key, value), (metadata, error) -> {
            if (error == null) {
                acknowledged.incrementAndGet();
            } else {
                firstFailure.compareAndSet(null, error);
            }
        });
    }

    /**
     * Sends records from {@code source} at {@code eventsPerSecond} (0 = as fast as possible) until {@code count}
     * were sent (0 = until the source ends), the source ends, or {@code keepRunning} turns false.
     *
     * @return how many were sent
     */
    public long run(Iterator<InputRecord> source, double eventsPerSecond, long count, BooleanSupplier keepRunning) {
        if (eventsPerSecond <= 0) {
            return runAsFastAsPossible(source, count, keepRunning);
        }
        RatePacer pacer = new RatePacer(eventsPerSecond);
        long n = 0;
        while ((count <= 0 || n < count) && keepRunning.getAsBoolean() && source.hasNext()) {
            pacer.awaitNext();
            send(source.next());
            n++;
        }
        return n;
    }

    /**
     * Encodes a block of records on every core, then sends them one by one in the source's order, so that each key's
     * records stay in order: writing a wide record as JSON (784 numbers as text) costs more than sending it.
     */
    private long runAsFastAsPossible(Iterator<InputRecord> source, long count, BooleanSupplier keepRunning) {
        List<InputRecord> block = new ArrayList<>(BLOCK);
        long n = 0;
        while ((count <= 0 || n < count) && keepRunning.getAsBoolean() && source.hasNext()) {
            block.clear();
            while (block.size() < BLOCK && (count <= 0 || n + block.size() < count) && source.hasNext()) {
                block.add(source.next());
            }
            byte[][] encoded = new byte[block.size()][];
            IntStream.range(0, encoded.length).parallel().forEach(i -> encoded[i] = format.encode(block.get(i)));
            for (int i = 0; i < encoded.length; i++) {
                sendRaw(block.get(i).key(), encoded[i]);
            }
            n += encoded.length;
        }
        return n;
    }

    public void flush() {
        producer.flush();
        throwIfFailed();
    }

    public long sent() {
        return sent.get();
    }

    public long acknowledged() {
        return acknowledged.get();
    }

    private void throwIfFailed() {
        Exception failure = firstFailure.get();
        if (failure != null) {
            throw new IllegalStateException("Kafka did not accept a record for topic '" + topic + "': "
                    + failure.getMessage() + ". Check that the broker is up and the topic exists.", failure);
        }
    }

    @Override
    public void close() {
        producer.close(Duration.ofSeconds(30));
    }
}
