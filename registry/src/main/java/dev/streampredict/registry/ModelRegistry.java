package dev.streampredict.registry;

import dev.streampredict.model.ModelArchive;
import dev.streampredict.model.ModelLimits;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

import java.security.PrivateKey;
import java.security.PublicKey;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;

/**
 * The model registry: one Kafka topic with one partition, so that every reader sees artifacts and commands in the
 * same order. The topic keeps every record ({@code retention.ms=-1}) rather than being compacted: commands such as
 * {@code promote} are meaningful only in sequence, and the log is the audit trail of what served when. Records may
 * be up to {@value #MAX_RECORD_BYTES} bytes (the topic's {@code max.message.bytes}), well above a model archive of
 * this project (tens to hundreds of KB).
 */
public final class ModelRegistry {

    public static final String DEFAULT_TOPIC = "models";
    public static final int MAX_RECORD_BYTES = 16 * 1024 * 1024;
    private static final long TIMEOUT_S = 30;

    private final String bootstrapServers;
    private final String topic;
    /** Kafka client settings for a secured cluster (security.protocol, sasl.*, ssl.*), the same for each client. */
    private final Map<String, String> clientSettings;
    /** Signs what this client writes, or null to write unsigned records. */
    private final PrivateKey signingKey;
    /** Refuses, on reading, records none of these keys signed; empty applies unsigned records. */
    private final List<PublicKey> verifyingKeys;
    private String registryId;

    public ModelRegistry(String bootstrapServers, String topic) {
        this(bootstrapServers, topic, Map.of());
    }

    public ModelRegistry(String bootstrapServers, String topic, Map<String, String> clientSettings) {
        this(bootstrapServers, topic, clientSettings, null, List.of());
    }

    public ModelRegistry(String bootstrapServers, String topic, Map<String, String> clientSettings,
                         PrivateKey signingKey, List<PublicKey> verifyingKeys) {
        this.bootstrapServers = bootstrapServers;
        this.topic = topic;
        this.clientSettings = Map.copyOf(clientSettings);
        this.signingKey = signingKey;
        this.verifyingKeys = List.copyOf(verifyingKeys);
    }

    /**
     * The topic's id, which Kafka gives it when it is made: what signatures bind a record to, so that a record
     * copied from another registry does not verify here. Asked once.
     */
    public String registryId() throws Exception {
        if (registryId == null) {
            try (Admin admin = Admin.create(clientConfig())) {
                registryId = admin.describeTopics(Set.of(topic)).allTopicNames().get(TIMEOUT_S, TimeUnit.SECONDS)
                        .get(topic).topicId().toString();
            }
        }
        return registryId;
    }

    /** The signer of this client's records, or null when it writes them unsigned. */
    public RecordSignature.Signer signer() throws Exception {
        return signingKey == null ? null : new RecordSignature.Signer(signingKey, registryId());
    }

    /** The verifier of records read here, or null when unsigned records apply. */
    public RecordSignature.Verifier verifier() throws Exception {
        return verifyingKeys.isEmpty() ? null : RecordSignature.Verifier.of(verifyingKeys, registryId());
    }

    /** The client settings with the brokers: the start of every client's configuration, here and beside it. */
    public Map<String, Object> clientConfig() {
        Map<String, Object> config = new HashMap<>(clientSettings);
        config.put("bootstrap.servers", bootstrapServers);
        return config;
    }

    public String topic() {
        return topic;
    }

    /** Creates the topic if it is missing; an existing topic is left as it is. */
    public void ensureTopic() throws Exception {
        try (Admin admin = Admin.create(clientConfig())) {
            NewTopic newTopic = new NewTopic(topic, Optional.of(1), Optional.empty()).configs(Map.of(
                    TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_DELETE,
                    TopicConfig.RETENTION_MS_CONFIG, "-1",
                    TopicConfig.RETENTION_BYTES_CONFIG, "-1",
                    TopicConfig.MAX_MESSAGE_BYTES_CONFIG, Integer.toString(MAX_RECORD_BYTES)));
            admin.createTopics(Set.of(newTopic)).all().get(TIMEOUT_S, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            if (!(e.getCause() instanceof TopicExistsException)) {
                throw e;
            }
        }
    }

    /** Writes the artifact, then each command, in one ordered, acknowledged batch. */
    public void publish(ModelArchive archive, List<ModelCommand> commands) throws Exception {
        RecordSignature.Signer signer = signer();
        List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>();
        records.add(RegistryRecords.artifact(topic, archive, signer));
        commands.forEach(c -> records.add(RegistryRecords.command(topic, c, signer)));
        send(records);
    }

    /**
     * Publishes after the check every job following the registry runs: the archive opens, its network loads within
     * the budget and answers finite probe rows, and it reads the same inputs as the stable model. What a job would
     * refuse is refused here, before anything is written.
     *
     * @throws IllegalArgumentException naming the refusal, when a job would refuse the archive
     */
    public void publishChecked(ModelArchive archive, List<ModelCommand> commands, ModelLimits limits)
            throws Exception {
        ensureTopic();
        try (ModelCheck check = new ModelCheck(servingNow(limits).schema(), limits)) {
            check.check(archive);
        } catch (Rejection e) {
            throw new IllegalArgumentException("every job following " + topic + " would refuse "
                    + archive.version() + " (" + e.reason().label() + "): " + e.getMessage(), e);
        }
        publish(archive, commands);
    }

    /** The registry as a job that starts on it now would serve it: every artifact loaded and checked. */
    public Serving servingNow(ModelLimits limits) {
        return read().serving(limits, (record, refused) -> {
            // a job refuses it too; what remains is what serves
        });
    }

    public void send(ModelCommand command) throws Exception {
        send(List.of(RegistryRecords.command(topic, command, signer())));
    }

    private void send(List<ProducerRecord<byte[], byte[]>> records) throws Exception {
        Map<String, Object> config = clientConfig();
        config.put(ProducerConfig.ACKS_CONFIG, "all");
        config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        config.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, MAX_RECORD_BYTES);
        config.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, (int) TimeUnit.SECONDS.toMillis(2 * TIMEOUT_S));
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(config, new ByteArraySerializer(),
                new ByteArraySerializer())) {
            for (ProducerRecord<byte[], byte[]> record : records) {
                producer.send(record).get(2 * TIMEOUT_S, TimeUnit.SECONDS);
            }
        }
    }

    /** The offsets after the topic's last record now: where a reader that has seen everything goes on. */
    public Map<TopicPartition, Long> endOffsets() {
        try (KafkaConsumer<byte[], byte[]> consumer = consumer()) {
            return consumer.endOffsets(partitions(consumer, topic), Duration.ofSeconds(TIMEOUT_S));
        }
    }

    /** Every record of the topic up to its end as of this call, and the offsets after them. */
    public Snapshot read() {
        try (KafkaConsumer<byte[], byte[]> consumer = consumer()) {
            List<TopicPartition> partitions = partitions(consumer, topic);
            if (partitions.isEmpty()) {
                throw new IllegalStateException("model registry topic '" + topic + "' does not exist on "
                        + bootstrapServers + "; publish a model first (scripts/model.sh publish DIR)");
            }
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions, Duration.ofSeconds(TIMEOUT_S));
            return new Snapshot(readToEnd(consumer, partitions, end), end, verifier());
        } catch (RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException("model registry topic '" + topic + "' could not be described: " + e, e);
        }
    }

    /**
     * What jobs reported about this registry's records on {@code statusTopic}, oldest first; empty when no job has
     * reported yet. Records that are not reports are left out: anyone may write to that topic too.
     */
    public List<RegistryStatus> statuses(String statusTopic) {
        try (KafkaConsumer<byte[], byte[]> consumer = consumer()) {
            List<TopicPartition> partitions = partitions(consumer, statusTopic);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions, Duration.ofSeconds(TIMEOUT_S));
            return readToEnd(consumer, partitions, end).stream().map(r -> RegistryStatus.parse(r.value()))
                    .filter(Objects::nonNull).toList();
        }
    }

    private List<ConsumerRecord<byte[], byte[]>> readToEnd(KafkaConsumer<byte[], byte[]> consumer,
                                                          List<TopicPartition> partitions,
                                                          Map<TopicPartition, Long> end) {
        consumer.assign(partitions);
        consumer.seekToBeginning(partitions);
        List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(TIMEOUT_S);
        while (partitions.stream().anyMatch(p -> consumer.position(p) < end.get(p))) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("reading topic '" + partitions.get(0).topic() + "' did not reach "
                        + "its end within " + TIMEOUT_S + " s");
            }
            for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                if (record.offset() < end.get(new TopicPartition(record.topic(), record.partition()))) {
                    records.add(record);
                }
            }
        }
        return records;
    }

    private KafkaConsumer<byte[], byte[]> consumer() {
        Map<String, Object> config = clientConfig();
        config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        return new KafkaConsumer<>(config, new ByteArrayDeserializer(), new ByteArrayDeserializer());
    }

    /** The partitions of {@code name}; none when it does not exist. */
    private static List<TopicPartition> partitions(KafkaConsumer<byte[], byte[]> consumer, String name) {
        return consumer.partitionsFor(name, Duration.ofSeconds(TIMEOUT_S)).stream()
                .map(p -> new TopicPartition(name, p.partition())).toList();
    }

    /**
     * The registry as read at one moment.
     *
     * @param verifier refuses records its key did not sign, or {@code null}
     */
    public record Snapshot(List<ConsumerRecord<byte[], byte[]>> records, Map<TopicPartition, Long> endOffsets,
                           RecordSignature.Verifier verifier) {

        /** Applies every record in order, as a job would; each refused record goes to {@code refused}. */
        public RegistryState replay(RegistryState.ArtifactCheck check,
                                    BiConsumer<ConsumerRecord<byte[], byte[]>, Rejection> refused) {
            RegistryState state = new RegistryState();
            for (ConsumerRecord<byte[], byte[]> record : records) {
                try {
                    state.apply(RegistryRecords.parse(record, verifier), check);
                } catch (Rejection e) {
                    refused.accept(record, e);
                }
            }
            return state;
        }

        /**
         * What a job that starts on this registry serves, decided as the job decides it: every artifact loaded and
         * probed within {@code limits}, first to find the stable model, whose inputs become the job's, then again
         * against those inputs. A record that either replay refuses is skipped, so that the last good state serves.
         *
         * @param refused each record the second replay refuses, with why
         */
        public Serving serving(ModelLimits limits, BiConsumer<ConsumerRecord<byte[], byte[]>, Rejection> refused) {
            Map<ConsumerRecord<byte[], byte[]>, Rejection> refusedByAny = new LinkedHashMap<>();
            RegistryState anyInputs;
            try (ModelCheck check = ModelCheck.ofAnyInputs(limits)) {
                anyInputs = replay(check, refusedByAny::put);
            }
            String stable = anyInputs.policy().stable();
            if (stable == null) {
                refusedByAny.forEach(refused);
                return new Serving(null, anyInputs);
            }
            InputSchema schema = InputSchema.of(ModelArchive.parse(anyInputs.archive(stable)).metadata());
            try (ModelCheck check = new ModelCheck(schema, limits)) {
                return new Serving(schema, replay(check, refused));
            }
        }
    }

    /**
     * @param schema the inputs of the stable model, or {@code null} when no valid model is stable
     * @param state  the policy and archives after every record that a job applies
     */
    public record Serving(InputSchema schema, RegistryState state) {
    }
}
