package dev.streampredict.common.kafka;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.RetriableException;
import org.apache.kafka.common.errors.TopicExistsException;

import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

/** Creates the pipeline's topics if they are missing; existing topics are left as they are. */
public final class Topics {

    private static final long READY_TIMEOUT_MS = 30_000;

    private Topics() {
    }

    /**
     * Returns once every topic exists and every partition is served by its leader.
     *
     * @param partitionsByTopic topic name to partition count
     */
    public static void ensure(String bootstrapServers, Map<String, Integer> partitionsByTopic) throws Exception {
        ensure(bootstrapServers, Map.of(), partitionsByTopic);
    }

    /** As {@link #ensure(String, Map)}, with Kafka client settings (e.g. a secured cluster's). */
    public static void ensure(String bootstrapServers, Map<String, String> clientSettings,
                              Map<String, Integer> partitionsByTopic) throws Exception {
        ensure(bootstrapServers, clientSettings, partitionsByTopic, Optional.empty());
    }

    /**
     * As {@link #ensure(String, Map, Map)}, with each new topic on {@code replicationFactor} replicas (empty: the
     * brokers' {@code default.replication.factor}).
     */
    public static void ensure(String bootstrapServers, Map<String, String> clientSettings,
                              Map<String, Integer> partitionsByTopic, Optional<Short> replicationFactor)
            throws Exception {
        Map<String, Object> config = new HashMap<>(clientSettings);
        config.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        try (Admin admin = Admin.create(config)) {
            Set<String> existing = admin.listTopics().names().get(30, TimeUnit.SECONDS);
            for (Map.Entry<String, Integer> topic : partitionsByTopic.entrySet()) {
                if (existing.contains(topic.getKey())) {
                    continue;
                }
                try {
                    admin.createTopics(Set.of(new NewTopic(topic.getKey(), Optional.of(topic.getValue()),
                                    replicationFactor)))
                            .all().get(30, TimeUnit.SECONDS);
                } catch (ExecutionException e) {
                    if (!(e.getCause() instanceof TopicExistsException)) {
                        throw e;
                    }
                }
            }
            awaitServed(admin, partitionsByTopic.keySet());
        }
    }

    /**
     * An idempotent producer that writes to a partition the broker has not finished opening can lose a batch: the
     * first request fails as retriable, a later one is appended, and the retry is then out of sequence until it
     * expires (KAFKA-15591; the Kafka 4.2.0 used here has it). The broker names a leader in its metadata a moment
     * before it serves the partition, so readiness is asked of the partitions themselves: their end offsets.
     */
    private static void awaitServed(Admin admin, Set<String> topics) throws Exception {
        long deadline = System.currentTimeMillis() + READY_TIMEOUT_MS;
        while (true) {
            try {
                Map<TopicPartition, OffsetSpec> partitions = new HashMap<>();
                admin.describeTopics(topics).allTopicNames().get(30, TimeUnit.SECONDS).values()
                        .forEach(d -> d.partitions().forEach(p ->
                                partitions.put(new TopicPartition(d.name(), p.partition()), OffsetSpec.latest())));
                admin.listOffsets(partitions).all().get(30, TimeUnit.SECONDS);
                return;
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof RetriableException)) {
                    throw e;
                }
                if (System.currentTimeMillis() > deadline) {
                    throw new IllegalStateException("topics " + topics + " are not served after " + READY_TIMEOUT_MS
                            + " ms (" + e.getCause().getMessage() + "); check the broker's log", e);
                }
            }
            Thread.sleep(50);
        }
    }
}
