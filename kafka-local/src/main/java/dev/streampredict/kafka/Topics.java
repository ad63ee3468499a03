package dev.streampredict.kafka;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.errors.TopicExistsException;

import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

/** Creates the pipeline's topics if they are missing; existing topics are left as they are. */
public final class Topics {

    private Topics() {
    }

    /** @param partitionsByTopic topic name to partition count */
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
        }
    }
}
