package dev.streampredict.sql;

import dev.streampredict.model.ModelArchive;
import dev.streampredict.model.ModelLimits;
import dev.streampredict.model.Predictor;
import dev.streampredict.registry.InputSchema;
import dev.streampredict.registry.ModelCheck;
import dev.streampredict.registry.RegistryRecords;
import dev.streampredict.registry.RegistryState;
import dev.streampredict.registry.Rejection;
import org.apache.flink.util.TemporaryClassLoaderContext;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.InterruptException;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Follows the registry topic from a task, for {@code 'version' = 'stable'}: it replays the topic as a job does
 * (every record checked against the model's inputs, refused ones skipped), then reads on, and when the stable
 * version changes it loads that version and hands it to the scorer, which serves it from its next call. Each task
 * follows on its own: tasks switch within a poll of each other, not at one point of the stream.
 */
final class StableFollower implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(StableFollower.class);
    private static final Duration POLL = Duration.ofMillis(500);

    private final KafkaConsumer<byte[], byte[]> consumer;
    private final TopicPartition partition;
    private final ModelCheck check;
    private final ModelLimits limits;
    private final Consumer<Predictor> handOver;
    private final Thread thread;
    private volatile boolean running = true;
    private String serving;

    /**
     * @param serving  the version the task starts with
     * @param handOver takes each newly stable version's model; it owns it from then on
     */
    StableFollower(Map<String, Object> clientConfig, String topic, InputSchema schema, ModelLimits limits,
                   String serving, Consumer<Predictor> handOver) {
        Map<String, Object> config = new HashMap<>(clientConfig);
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        config.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, 17 * 1024 * 1024);
        try (TemporaryClassLoaderContext ignored = RegistryModelProviderFactory.kafkaClassLoader()) {
            this.consumer = new KafkaConsumer<>(config, new ByteArrayDeserializer(), new ByteArrayDeserializer());
        }
        this.partition = new TopicPartition(topic, 0);
        this.check = new ModelCheck(schema, limits);
        this.limits = limits;
        this.serving = serving;
        this.handOver = handOver;
        this.thread = new Thread(this::follow, "ml-predict-registry-" + topic);
        thread.setDaemon(true);
    }

    void start() {
        thread.start();
    }

    private void follow() {
        RegistryState state = new RegistryState();
        try {
            consumer.assign(List.of(partition));
            consumer.seekToBeginning(List.of(partition));
            long replayedTo = consumer.endOffsets(List.of(partition)).get(partition);
            while (running) {
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(POLL)) {
                    try {
                        state.apply(RegistryRecords.parse(record, null), check);
                    } catch (Rejection e) {
                        LOG.warn("ML_PREDICT skips registry record {}: {}", record.offset(), e.getMessage());
                    }
                }
                // only once the replay reached where the topic ended: the versions stable on the way are history
                if (consumer.position(partition) >= replayedTo) {
                    switchIfChanged(state);
                }
            }
        } catch (WakeupException | InterruptException e) {
            // closing
        } catch (RuntimeException e) {
            LOG.error("ML_PREDICT stopped following the registry; the task serves {} on", serving, e);
        } finally {
            consumer.close();
            check.close();
        }
    }

    private void switchIfChanged(RegistryState state) {
        String stable = state.policy().stable();
        if (stable == null || stable.equals(serving)) {
            return;
        }
        handOver.accept(ModelArchive.parse(state.archive(stable)).load(limits));
        LOG.info("ML_PREDICT serves {} (was {}) from its next call", stable, serving);
        serving = stable;
    }

    @Override
    public void close() throws InterruptedException {
        running = false;
        consumer.wakeup();
        thread.join(Duration.ofSeconds(10).toMillis());
    }
}
