package dev.streampredict.job;

import dev.streampredict.common.kafka.KafkaPreflight;
import dev.streampredict.common.kafka.Topics;
import dev.streampredict.job.pipeline.KafkaIO;
import dev.streampredict.job.pipeline.KafkaSettings;
import dev.streampredict.job.pipeline.PredictionPipeline;
import dev.streampredict.model.ModelLimits;
import dev.streampredict.registry.ModelRegistry;
import dev.streampredict.registry.RegistryStatus;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.CoreOptions;
import org.apache.flink.configuration.ExecutionOptions;
import org.apache.flink.configuration.ReadableConfig;
import org.apache.flink.core.execution.CheckpointingMode;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import picocli.CommandLine;

import java.security.PrivateKey;
import java.security.PublicKey;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Entry point of the job jar: {@code flink run job-flink.jar [options]}, or the REST API's jar run. */
public final class PredictionJob {

    private static final int SKIPPED_SHOWN = 10;

    private PredictionJob() {
    }

    /**
     * Runs the job. Bad arguments throw, never exit: on a REST submission this runs inside the JobManager, where
     * {@code System.exit} would stop it and every other job; a throw fails only this submission, with the message.
     */
    public static void main(String[] args) throws Exception {
        JobOptions options;
        try {
            options = JobOptions.parse(args);
        } catch (CommandLine.ParameterException e) {
            System.err.println("error: " + e.getMessage());
            e.getCommandLine().usage(System.err);
            throw new IllegalArgumentException("invalid program arguments: " + e.getMessage()
                    + " (--help lists every option)", e);
        }
        if (options.helpPrinted()) {
            return;
        }
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        configure(env, options);
        env.execute(options.jobName());
    }

    /** Adds the production topology, wired to Kafka as {@code options} say, to {@code env}. */
    public static void configure(StreamExecutionEnvironment env, JobOptions options) throws Exception {
        boolean checkpointing = applyExecutionSettings(env, options);
        if (options.exactlyOnce() && !checkpointing) {
            throw new IllegalArgumentException("--delivery-guarantee EXACTLY_ONCE commits predictions at "
                    + "checkpoints: set --checkpoint-interval to more than 0");
        }
        if (options.exactlyOnce()
                && env.getCheckpointConfig().getCheckpointingConsistencyMode() != CheckpointingMode.EXACTLY_ONCE) {
            throw new IllegalArgumentException("--delivery-guarantee EXACTLY_ONCE needs exactly-once checkpoints, "
                    + "but the cluster sets execution.checkpointing.mode to AT_LEAST_ONCE");
        }
        // Safe: no operator keeps a reference to a record after emitting it.
        env.getConfig().enableObjectReuse();
        if (options.checkpointDir() != null) {
            Configuration storage = new Configuration();
            storage.set(CheckpointingOptions.CHECKPOINT_STORAGE, "filesystem");
            storage.set(CheckpointingOptions.CHECKPOINTS_DIRECTORY, options.checkpointDir());
            env.configure(storage);
        }
        if (options.promotion() != null && (options.kafka().registryTopic() == null || !checkpointing)) {
            throw new IllegalArgumentException("--auto-promote-after writes its decisions to the model registry and "
                    + "judges at checkpoints: give --model-registry and a --checkpoint-interval above 0");
        }
        KafkaSettings kafka = options.kafka();
        boolean registry = kafka.registryTopic() != null;
        // Fail at submission, not in a restart loop on the task managers, when Kafka refuses the job's credentials
        // or topics, or when no model can serve.
        if (registry) { // the job's reports on the registry's records; a topic of its own, made here if missing
            Topics.ensure(kafka.bootstrapServers(), kafka.clientSettings(), Map.of(kafka.statusTopic(), 1));
        }
        preflight(kafka, registry, options.promotion() != null);
        ModelLimits limits = new ModelLimits(options.modelMemoryBudget() != null ? options.modelMemoryBudget()
                : MemoryBudget.derive(env.getConfiguration(), env.getParallelism()), options.batchSize(),
                options.modelThreads());
        PrivateKey signingKey = options.signingKey(); // read even without a registry: a key given alone is refused
        List<PublicKey> verifyKeys = options.verifyKeys();
        ModelRegistry registryClient = registry ? new ModelRegistry(kafka.bootstrapServers(), kafka.registryTopic(),
                kafka.clientSettings(), signingKey, verifyKeys) : null;
        StartingModels models = StartingModels.resolve(options.model(), registryClient, limits, options.jobName());
        new PredictionPipeline(KafkaIO.source(kafka),
                registry ? KafkaIO.registrySource(kafka, models.registryOffsets()) : null,
                new PredictionPipeline.Outputs(KafkaIO.predictionSink(kafka), KafkaIO.deadLetterSink(kafka),
                        registry ? KafkaIO.shadowSink(kafka) : null,
                        registry ? KafkaIO.decisionSink(kafka, models.signer()) : null,
                        registry ? KafkaIO.statusSink(kafka) : null),
                options.pipeline(models, limits, checkpointing)).build(env);
        System.out.printf("job '%s': %s -> %s, %s -> %s, dead letters to %s%s, parallelism %d, %s%n",
                options.jobName(), kafka.inputTopic(), models.schema(), models.registry().policy(),
                kafka.predictionsTopic(), kafka.deadLetterTopic(),
                registry ? ", models from " + kafka.registryTopic() + ", shadow predictions to "
                        + kafka.shadowTopic() : "", env.getParallelism(), kafka.deliveryGuarantee());
        System.out.printf("job '%s': a model may take up to %s in a task (%s)%s%n", options.jobName(),
                ModelLimits.megabytes(limits.memoryBudget()), options.modelMemoryBudget() != null
                        ? ModelLimits.BUDGET_SETTING : "a quarter of a slot's task heap; " + ModelLimits.BUDGET_SETTING
                        + " sets it", models.verifier() != null ? "; registry records must be signed by one of "
                        + models.verifier().publicKeys().size() + " key(s) (--verify-key)" : "");
        reportSkipped(models.refused(), kafka.statusTopic());
    }

    /** The registry records the start skipped, one short line each, at most {@value #SKIPPED_SHOWN} of them. */
    private static void reportSkipped(List<RegistryStatus> skipped, String statusTopic) {
        skipped.stream().limit(SKIPPED_SHOWN).forEach(status -> System.err.println("model registry: skipped: "
                + status));
        if (skipped.size() > SKIPPED_SHOWN) {
            System.err.printf("model registry: skipped %d more refused records (scripts/model.sh list, or topic %s, "
                    + "shows each)%n", skipped.size() - SKIPPED_SHOWN, statusTopic);
        }
    }


    private static void preflight(KafkaSettings kafka, boolean registry, boolean decides) {
        List<String> reads = new ArrayList<>(List.of(kafka.inputTopic()));
        List<String> writes = new ArrayList<>(List.of(kafka.predictionsTopic(), kafka.deadLetterTopic()));
        if (registry) {
            reads.add(kafka.registryTopic());
            writes.add(kafka.shadowTopic());
            writes.add(kafka.statusTopic());
        }
        if (decides) {
            writes.add(kafka.registryTopic());
        }
        KafkaPreflight.check(kafka.bootstrapServers(), kafka.clientSettings(), reads, writes);
    }

    /**
     * Parallelism, buffer timeout and checkpoint interval: an argument given explicitly wins, then the cluster's
     * configuration ({@code flink-conf/config.yaml}, {@code -D}, {@code -p}), then the job's own default; a default
     * of the job never overrides what the cluster says. Returns whether the job takes checkpoints.
     */
    static boolean applyExecutionSettings(StreamExecutionEnvironment env, JobOptions options) {
        ReadableConfig cluster = env.getConfiguration();
        if (options.parallelism() != null) {
            env.setParallelism(options.parallelism());
        } else if (cluster.getOptional(CoreOptions.DEFAULT_PARALLELISM).isEmpty()) {
            env.setParallelism(JobOptions.DEFAULT_PARALLELISM);
        }
        if (options.bufferTimeout() != null) {
            env.setBufferTimeout(options.bufferTimeout().toMillis());
        } else if (cluster.getOptional(ExecutionOptions.BUFFER_TIMEOUT).isEmpty()) {
            env.setBufferTimeout(JobOptions.DEFAULT_BUFFER_TIMEOUT.toMillis());
        }
        Duration interval = options.checkpointInterval();
        if (interval == null && cluster.getOptional(CheckpointingOptions.CHECKPOINTING_INTERVAL).isEmpty()) {
            interval = JobOptions.DEFAULT_CHECKPOINT_INTERVAL;
        }
        if (interval != null && interval.isZero()) {
            env.getCheckpointConfig().disableCheckpointing();
        } else if (interval != null) {
            env.enableCheckpointing(interval.toMillis());
        }
        return env.getCheckpointConfig().isCheckpointingEnabled();
    }
}
