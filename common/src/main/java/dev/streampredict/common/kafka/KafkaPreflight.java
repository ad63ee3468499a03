package dev.streampredict.common.kafka;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.DescribeTopicsOptions;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.errors.AuthenticationException;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.errors.TimeoutException;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;

/**
 * Before a client starts work: can it reach Kafka, does Kafka accept its credentials, do its topics exist, and may
 * it read and write them? One answer in seconds, saying what is wrong, instead of a client that retries for ever or
 * a job that restarts in a loop.
 */
public final class KafkaPreflight {

    private static final int TIMEOUT_SECONDS = 20;

    private KafkaPreflight() {
    }

    /**
     * @param settings the client settings ({@link KafkaClientOptions#settings()})
     * @throws IllegalArgumentException saying what is wrong and what to do
     */
    public static void check(String bootstrapServers, Map<String, String> settings, List<String> readTopics,
                             List<String> writeTopics) {
        Map<String, Object> config = new HashMap<>(settings);
        config.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        // an answer within the timeout, unless the user's settings ask for longer requests
        config.putIfAbsent(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, Integer.toString(TIMEOUT_SECONDS * 500));
        config.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, Integer.toString(Math.max(TIMEOUT_SECONDS * 1000,
                Integer.parseInt(config.get(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG).toString()))));
        Set<String> topics = new LinkedHashSet<>(readTopics);
        topics.addAll(writeTopics);
        try (Admin admin = Admin.create(config)) {
            Set<String> missing = new LinkedHashSet<>(topics);
            missing.removeAll(admin.listTopics().names().get()); // ends within default.api.timeout.ms
            if (!missing.isEmpty()) {
                throw new IllegalArgumentException("Kafka at " + bootstrapServers + " has no topic " + missing
                        + " that this client may see: create it (e.g. scripts/kafka-tool.sh topics --create), or "
                        + "grant this client's principal access to it");
            }
            Map<String, TopicDescription> described = admin.describeTopics(topics,
                            new DescribeTopicsOptions().includeAuthorizedOperations(true))
                    .allTopicNames().get();
            List<String> refused = new ArrayList<>();
            readTopics.forEach(t -> refusedIfNot(described.get(t), AclOperation.READ, refused));
            writeTopics.forEach(t -> refusedIfNot(described.get(t), AclOperation.WRITE, refused));
            if (!refused.isEmpty()) {
                throw new IllegalArgumentException("Kafka at " + bootstrapServers + " does not let this client "
                        + String.join(", ", refused) + ": grant its principal those ACLs");
            }
        } catch (ExecutionException e) {
            throw explain(bootstrapServers, e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while checking Kafka at " + bootstrapServers, e);
        } catch (KafkaException e) {
            throw explain(bootstrapServers, e);
        }
    }

    private static void refusedIfNot(TopicDescription topic, AclOperation operation, List<String> refused) {
        Set<AclOperation> allowed = topic.authorizedOperations();
        // null: the broker has no authorizer, so everything is allowed
        if (allowed != null && !allowed.contains(operation) && !allowed.contains(AclOperation.ALL)) {
            refused.add(operation.name() + " topic " + topic.name());
        }
    }

    private static IllegalArgumentException explain(String bootstrapServers, Throwable cause) {
        if (cause instanceof TimeoutException) {
            return new IllegalArgumentException("no answer from Kafka at " + bootstrapServers + " within "
                    + TIMEOUT_SECONDS + " s: is it running there, and does security.protocol match its listener?",
                    cause);
        }
        if (cause instanceof AuthenticationException) {
            return new IllegalArgumentException("Kafka at " + bootstrapServers + " refused this client's credentials: "
                    + cause.getMessage() + " (check sasl.jaas.config and the ssl.* settings of --kafka-config)", cause);
        }
        if (cause instanceof AuthorizationException) {
            return new IllegalArgumentException("Kafka at " + bootstrapServers + " does not let this client see its "
                    + "topics: " + cause.getMessage() + " (grant its principal DESCRIBE, READ or WRITE on them)",
                    cause);
        }
        return new IllegalArgumentException("cannot use Kafka at " + bootstrapServers + ": " + cause, cause);
    }
}
