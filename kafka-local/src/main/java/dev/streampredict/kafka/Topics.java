package dev.streampredict.kafka;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;

import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

/** Creates the pipeline's topics if they are missing; existing topics are left as they are. */
public final class Topics {

    private static final long READY_TIMEOUT_MS = 30_000;

    private Topics() {
    }

    /**
     * Returns once every topic exists and every partition has a leader that knows it.
     *
     * @param partitionsByTopic topic name to partition count
     */
    public static void ensure(String bootstrapServers, Map<String, Integer> partitionsByTopic) throws Exception {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers))) {
            Set<String> existing = admin.listTopics().names().get(30, TimeUnit.SECONDS);
            for (Map.Entry<String, Integer> topic : partitionsByTopic.entrySet()) {
                if (existing.contains(topic.getKey())) {
                    continue;
                }
                try {
                    admin.createTopics(Set.of(new NewTopic(topic.getKey(), topic.getValue(), (short) 1)))
                            .all().get(30, TimeUnit.SECONDS);
                } catch (ExecutionException e) {
                    if (!(e.getCause() instanceof TopicExistsException)) {
                        throw e;
                    }
                }
            }
            awaitLeaders(admin, partitionsByTopic.keySet());
        }
    }

    /**
     * An idempotent producer that writes to a partition the broker has not finished creating can lose a batch: the
     * first request fails as retriable, a later one is appended, and the retry is then out of sequence until it
     * expires (KAFKA-15591, fixed after Kafka 4.2.0). Waiting for the leaders closes that window.
     */
    private static void awaitLeaders(Admin admin, Set<String> topics) throws Exception {
        long deadline = System.currentTimeMillis() + READY_TIMEOUT_MS;
        while (true) {
            try {
                Map<String, TopicDescription> descriptions =
                        admin.describeTopics(topics).allTopicNames().get(30, TimeUnit.SECONDS);
                boolean led = descriptions.values().stream()
                        .flatMap(d -> d.partitions().stream())
                        .allMatch(p -> p.leader() != null && !p.leader().isEmpty());
                if (led) {
                    return;
                }
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof UnknownTopicOrPartitionException)) {
                    throw e;
                }
            }
            if (System.currentTimeMillis() > deadline) {
                throw new IllegalStateException("topics " + topics + " have no leader after " + READY_TIMEOUT_MS
                        + " ms; check the broker's log");
            }
            Thread.sleep(50);
        }
    }
}
