package dev.streampredict.job;

import dev.streampredict.common.cli.DurationConverter;
import dev.streampredict.common.kafka.KafkaClientOptions;
import dev.streampredict.common.kafka.TopicNames;
import dev.streampredict.common.message.InputFormat;
import dev.streampredict.job.records.InputEcho;
import dev.streampredict.job.pipeline.KafkaSettings;
import dev.streampredict.job.records.PipelineSettings;
import dev.streampredict.job.promotion.PromotionRule;
import dev.streampredict.model.ModelLimits;
import dev.streampredict.registry.RegistryKeys;
import dev.streampredict.registry.RegistryStatus;
import org.apache.flink.connector.base.DeliveryGuarantee;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** Every setting of the job, as program arguments with defaults: the same in a local run and on a cluster. */
@Command(name = "prediction-job", mixinStandardHelpOptions = true, showDefaultValues = true, sortOptions = false,
        description = "Flink job: scores every record of the input topic with an embedded DL4J model.")
public final class JobOptions {

    public enum Guarantee {
        AT_LEAST_ONCE(DeliveryGuarantee.AT_LEAST_ONCE), EXACTLY_ONCE(DeliveryGuarantee.EXACTLY_ONCE);

        final DeliveryGuarantee flink;

        Guarantee(DeliveryGuarantee flink) {
            this.flink = flink;
        }
    }

    @Option(names = "--bootstrap-servers", defaultValue = "127.0.0.1:9092",
            description = "Kafka brokers to connect to.")
    String bootstrapServers;

    @Mixin
    KafkaClientOptions kafkaClient = new KafkaClientOptions();

    @Option(names = "--input-topic", defaultValue = TopicNames.INPUT)
    String inputTopic;

    @Option(names = "--predictions-topic", defaultValue = TopicNames.PREDICTIONS)
    String predictionsTopic;

    @Option(names = "--dead-letter-topic", defaultValue = TopicNames.DEAD_LETTERS, description = "Invalid input goes "
            + "here.")
    String deadLetterTopic;

    @Option(names = "--model-registry", paramLabel = "TOPIC",
            description = "Model registry topic (e.g. models): the job serves its stable model and follows its "
                    + "publications and canary/shadow/promote/rollback commands while running. Without --model, "
                    + "the job starts with the registry's stable model.")
    String registryTopic;

    @Option(names = "--status-topic", paramLabel = "TOPIC",
            description = "With --model-registry: where the job reports what it accepted, refused and serves, for "
                    + "scripts/model.sh list and the local stack (default: the registry topic's name + '-status').")
    String statusTopic;

    @Option(names = "--verify-key", paramLabel = "FILE",
            description = "With --model-registry: apply only registry records signed with the private key of this "
                    + "public key (registry.pub of scripts/model.sh keygen); repeatable, for the publishers' key and "
                    + "the job's own. Others are refused as unsigned or bad_signature.")
    List<Path> verifyKeys = new ArrayList<>();

    @Option(names = "--signing-key", paramLabel = "FILE",
            description = "With --verify-key and --auto-promote-after: the private key the job signs its promotion "
                    + "and rollback decisions with; its public key must be one of the --verify-key ones.")
    Path signingKey;

    @Option(names = "--model-memory-budget", paramLabel = "SIZE", converter = MemorySizeConverter.class,
            description = "Most memory one model may take in a task (its weights, its archive while it loads, a "
                    + "batch's activations), e.g. 256m or 1g; a model over it is refused as over_budget (default: a "
                    + "quarter of one slot's share of the task heap).")
    Long modelMemoryBudget;

    @Option(names = "--model-threads", defaultValue = "1", converter = ThreadsConverter.class,
            description = "Threads one model call may use where its runtime can use more (ONNX Runtime's intra-op "
                    + "threads; DL4J's are set per process), for each parallel subtask: their product should not "
                    + "pass the cores a TaskManager has.")
    int modelThreads;

    @Option(names = "--shadow-topic", defaultValue = TopicNames.SHADOW_PREDICTIONS,
            description = "A shadow model's predictions go here.")
    String shadowTopic;

    @Option(names = "--auto-promote-after", defaultValue = "0", paramLabel = "N",
            description = "With --model-registry: once a canary or shadow and the stable model have each met N "
                    + "outcomes (actual values or labels), promote the candidate if its error is lower by "
                    + "--promote-margin, roll it back if higher by --rollback-margin; 0 never decides.")
    long autoPromoteAfter;

    @Option(names = "--promote-margin", defaultValue = "0.05",
            description = "Relative error reduction that earns promotion.")
    double promoteMargin;

    @Option(names = "--rollback-margin", defaultValue = "0.05",
            description = "Relative error increase that earns rollback.")
    double rollbackMargin;

    @Option(names = "--group-id", defaultValue = "stream-predict", description = "Kafka consumer group.")
    String groupId;

    @Option(names = "--starting-offsets", defaultValue = "COMMITTED",
            description = "EARLIEST, LATEST, or COMMITTED (the group's offsets, else earliest).")
    KafkaSettings.StartingOffsets startingOffsets;

    @Option(names = "--start-from-time", paramLabel = "EPOCH_MS",
            description = "Start at the first input written at or after this time; overrides --starting-offsets.")
    Long startFromTime;

    @Option(names = "--bounded", description = "Stop at the input's end offsets as of job start.")
    boolean bounded;

    @Option(names = "--model", paramLabel = "DIR",
            description = "Model artifact directory, or classpath:<folder> inside the job jar: the stable model of a "
                    + "new job (read once, at submission; afterwards the model lives in the job's state). "
                    + "Needed unless --model-registry names a registry with a stable model.")
    String model;

    @Option(names = "--parallelism",
            description = "Default: the cluster's parallelism.default (flink-conf/config.yaml, -D or -p), else 2.")
    Integer parallelism;

    @Option(names = "--delivery-guarantee", defaultValue = "AT_LEAST_ONCE",
            description = "AT_LEAST_ONCE (lowest latency) or EXACTLY_ONCE (predictions visible at checkpoint "
                    + "commit; readers use read_committed).")
    Guarantee deliveryGuarantee;

    @Option(names = "--checkpoint-interval", converter = DurationConverter.class,
            description = "0 disables checkpoints (default: the cluster's execution.checkpointing.interval, else 10s).")
    Duration checkpointInterval;

    @Option(names = "--checkpoint-dir",
            description = "Where checkpoints go, e.g. file:///data/checkpoints or s3://bucket/path (default: the "
                    + "cluster's execution.checkpointing.dir; without one, Flink keeps them in JobManager memory, "
                    + "which refuses state over 5 MB).")
    String checkpointDir;

    @Option(names = "--buffer-timeout", converter = DurationConverter.class,
            description = "Longest time a record waits in a network buffer between tasks: lower means lower latency "
                    + "at low rates; full buffers are sent at once regardless (default: the cluster's "
                    + "execution.buffer-timeout.interval, else 5ms).")
    Duration bufferTimeout;

    @Option(names = "--transactional-id-prefix", defaultValue = "stream-predict",
            description = "EXACTLY_ONCE: unique per job on the Kafka cluster.")
    String transactionalIdPrefix;

    @Option(names = "--input-format", defaultValue = "json", converter = InputFormat.Converter.class,
            description = "json, or avro (single-object encoded with input-record.avsc, features as floats in the "
                    + "model's order): what the producer writes with its --input-format.")
    InputFormat inputFormat;

    @Option(names = "--prediction-input", defaultValue = "COPY",
            description = "COPY: each prediction carries its input (as JSON); REFERENCE: only the input's topic, "
                    + "partition, offset and id, for wide inputs whose copy would double the bytes written.")
    InputEcho.Mode predictionInput;

    @Option(names = "--max-message-bytes", defaultValue = "65536", description = "Larger inputs are "
            + "dead-lettered.")
    int maxMessageBytes;

    @Option(names = "--earliest-event-time", defaultValue = "0",
            description = "Epoch ms; older events are dead-lettered.")
    long earliestEventTime;

    @Option(names = "--max-clock-skew", defaultValue = "1h", converter = DurationConverter.class,
            description = "Events further in the future are dead-lettered.")
    Duration maxClockSkew;

    @Option(names = "--allowed-lateness", converter = DurationConverter.class, paramLabel = "DURATION",
            description = "Forecasting: a value whose event time is further than this before its key's latest is "
                    + "dead-lettered as late_value (0: any value older than the latest). Default: values are read in "
                    + "the order they arrive, whatever their event time (a CSV replayed in a loop steps back once "
                    + "per pass).")
    Duration allowedLateness;

    @Option(names = "--remembered-ids-per-key", defaultValue = "32",
            description = "A record whose id is among its key's last this many ids is dead-lettered as "
                    + "duplicate_id.")
    int rememberedIdsPerKey;

    @Option(names = "--state-ttl", defaultValue = "0", converter = DurationConverter.class,
            description = "Drop a key's state (window, pending forecast, recent ids) this long after its last input, "
                    + "e.g. 7d, so that keys that stop sending do not hold memory for ever; 0 keeps it. Flink cannot "
                    + "restore a savepoint across switching this on or off.")
    Duration stateTtl;

    @Option(names = "--batch-size", defaultValue = "128",
            description = "Most inputs scored in one model call.")
    int batchSize;

    @Option(names = "--batch-timeout", defaultValue = "2ms", converter = DurationConverter.class,
            description = "Longest an input waits for its batch to fill; 0 scores each input alone.")
    Duration batchTimeout;

    @Option(names = "--out-of-orderness", defaultValue = "2s", converter = DurationConverter.class,
            description = "Watermark delay behind the highest event time.")
    Duration outOfOrderness;

    @Option(names = "--job-name", defaultValue = "stream-predict")
    String jobName;

    /** What the job uses when neither its arguments nor the cluster's configuration say. */
    public static final int DEFAULT_PARALLELISM = 2;
    public static final Duration DEFAULT_CHECKPOINT_INTERVAL = Duration.ofSeconds(10);
    public static final Duration DEFAULT_BUFFER_TIMEOUT = Duration.ofMillis(5);

    private boolean helpPrinted;
    private KafkaSettings kafka;

    /**
     * Parses program arguments (printing the usage on {@code --help}); throws
     * {@link CommandLine.ParameterException} naming what was wrong.
     */
    public static JobOptions parse(String... args) {
        JobOptions options = new JobOptions();
        CommandLine cli = new CommandLine(options).setCaseInsensitiveEnumValuesAllowed(true);
        options.helpPrinted = CommandLine.printHelpIfRequested(cli.parseArgs(normalise(args)));
        return options;
    }

    public boolean helpPrinted() {
        return helpPrinted;
    }

    /** Lets users write {@code exactly-once} as well as {@code EXACTLY_ONCE}. */
    private static String[] normalise(String[] args) {
        String[] copy = args.clone();
        for (int i = 1; i < copy.length; i++) {
            if (copy[i - 1].equals("--delivery-guarantee") || copy[i - 1].equals("--starting-offsets")) {
                copy[i] = copy[i].replace('-', '_');
            }
        }
        return copy;
    }

    /** Where the job reads and writes; the client settings file is read on the first call only. */
    public KafkaSettings kafka() {
        if (kafka == null) {
            String status = registryTopic == null ? null
                    : statusTopic != null ? statusTopic : RegistryStatus.topicOf(registryTopic);
            kafka = new KafkaSettings(bootstrapServers, inputTopic, predictionsTopic, deadLetterTopic, registryTopic,
                    status, shadowTopic, groupId, startingOffsets, startFromTime, bounded, deliveryGuarantee.flink,
                    transactionalIdPrefix, kafkaClient.settings());
        }
        return kafka;
    }

    /** The pipeline's settings, with the models it starts with, and whether the job takes checkpoints. */
    PipelineSettings pipeline(StartingModels models, ModelLimits limits, boolean checkpointing) {
        return new PipelineSettings(models.schema(), models.registryEntries(), limits, models.verifier(), jobName,
                new ArrayList<>(models.refused()), checkpointing, inputFormat, predictionInput, maxMessageBytes,
                earliestEventTime, maxClockSkew, outOfOrderness, rememberedIdsPerKey, batchSize, batchTimeout,
                promotion(), stateTtl, allowedLateness);
    }

    /** Null unless given: then the memory budget is derived from the task heap. */
    public Long modelMemoryBudget() {
        return modelMemoryBudget;
    }

    public int batchSize() {
        return batchSize;
    }

    public int modelThreads() {
        return modelThreads;
    }

    /** The private key the job signs its decisions with, or null. */
    PrivateKey signingKey() {
        if (signingKey != null && (verifyKeys.isEmpty() || autoPromoteAfter == 0)) {
            throw new IllegalArgumentException("--signing-key signs the job's promotion decisions for a registry "
                    + "that verifies them: give it with --verify-key and --auto-promote-after, or leave it out");
        }
        if (signingKey == null && !verifyKeys.isEmpty() && autoPromoteAfter > 0) {
            throw new IllegalArgumentException("with --verify-key, the job's promotion decisions must be signed "
                    + "too, or it would refuse its own: give --signing-key (a key whose public half is among the "
                    + "--verify-key ones)");
        }
        return signingKey == null ? null : RegistryKeys.readPrivate(signingKey);
    }

    /** The public keys registry records must be signed with; empty when unsigned records apply. */
    List<PublicKey> verifyKeys() {
        if (!verifyKeys.isEmpty() && registryTopic == null) {
            throw new IllegalArgumentException("--verify-key verifies the records of --model-registry: give that too");
        }
        return verifyKeys.stream().map(RegistryKeys::readPublic).toList();
    }

    /** The automatic promotion rule, or null when it is off. */
    PromotionRule promotion() {
        return autoPromoteAfter > 0 ? new PromotionRule(autoPromoteAfter, promoteMargin, rollbackMargin) : null;
    }

    /** Null unless given: then the cluster's configuration decides, else {@link #DEFAULT_PARALLELISM}. */
    public Integer parallelism() {
        return parallelism;
    }

    /** Null unless given: then the cluster's configuration decides, else {@link #DEFAULT_BUFFER_TIMEOUT}. */
    public Duration bufferTimeout() {
        return bufferTimeout;
    }

    /** Null unless given: then the cluster's configuration decides, else {@link #DEFAULT_CHECKPOINT_INTERVAL}. */
    public Duration checkpointInterval() {
        return checkpointInterval;
    }

    /** Null when the cluster's configuration decides. */
    public String checkpointDir() {
        return checkpointDir;
    }

    public String jobName() {
        return jobName;
    }

    /** The model directory, or null when the registry decides. */
    public String model() {
        return model;
    }

    public boolean exactlyOnce() {
        return deliveryGuarantee == Guarantee.EXACTLY_ONCE;
    }

    /** A thread count a person means: 1 to 64. */
    static final class ThreadsConverter implements CommandLine.ITypeConverter<Integer> {
        @Override
        public Integer convert(String value) {
            int threads;
            try {
                threads = Integer.parseInt(value.trim());
            } catch (NumberFormatException e) {
                threads = 0;
            }
            if (threads < 1 || threads > 64) {
                throw new CommandLine.TypeConversionException("takes a number of threads from 1 to 64, not '"
                        + value + "'");
            }
            return threads;
        }
    }

    /** Sizes as {@code model.sh} takes them: 512m, 2g. */
    static final class MemorySizeConverter implements CommandLine.ITypeConverter<Long> {
        @Override
        public Long convert(String value) {
            return ModelLimits.parseBytes(value, ModelLimits.BUDGET_SETTING);
        }
    }
}
