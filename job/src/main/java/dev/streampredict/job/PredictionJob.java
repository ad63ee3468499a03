package dev.streampredict.job;

import dev.streampredict.job.pipeline.KafkaIO;
import dev.streampredict.job.pipeline.KafkaSettings;
import dev.streampredict.job.pipeline.PredictionPipeline;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.core.execution.CheckpointingMode;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import picocli.CommandLine;

/** Entry point of the job jar: {@code flink run job-flink.jar [options]}, or the REST API's jar run. */
public final class PredictionJob {

    private PredictionJob() {
    }

    public static void main(String[] args) throws Exception {
        JobOptions options;
        try {
            options = JobOptions.parse(args);
        } catch (CommandLine.ParameterException e) {
            System.err.println("error: " + e.getMessage());
            e.getCommandLine().usage(System.err);
            System.exit(2);
            return;
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
        if (options.exactlyOnce() && options.checkpointInterval().isZero()) {
            throw new IllegalArgumentException("--delivery-guarantee EXACTLY_ONCE commits predictions at "
                    + "checkpoints: set --checkpoint-interval to more than 0");
        }
        env.setParallelism(options.parallelism());
        env.setBufferTimeout(options.bufferTimeout().toMillis());
        // Safe: no operator keeps a reference to a record after emitting it.
        env.getConfig().enableObjectReuse();
        if (!options.checkpointInterval().isZero()) {
            env.enableCheckpointing(options.checkpointInterval().toMillis(), CheckpointingMode.EXACTLY_ONCE);
        }
        if (options.checkpointDir() != null) {
            Configuration storage = new Configuration();
            storage.set(CheckpointingOptions.CHECKPOINT_STORAGE, "filesystem");
            storage.set(CheckpointingOptions.CHECKPOINTS_DIRECTORY, options.checkpointDir());
            env.configure(storage);
        }
        if (options.promotion() != null && (options.kafka().registryTopic() == null
                || options.checkpointInterval().isZero())) {
            throw new IllegalArgumentException("--auto-promote-after writes its decisions to the model registry and "
                    + "judges at checkpoints: give --model-registry and a --checkpoint-interval above 0");
        }
        // Fail at submission, not in a restart loop on the task managers, when no model can serve.
        StartingModels models = StartingModels.resolve(options);
        KafkaSettings kafka = options.kafka();
        boolean registry = kafka.registryTopic() != null;
        new PredictionPipeline(KafkaIO.source(kafka),
                registry ? KafkaIO.registrySource(kafka, models.registryOffsets()) : null,
                new PredictionPipeline.Outputs(KafkaIO.predictionSink(kafka), KafkaIO.deadLetterSink(kafka),
                        registry ? KafkaIO.shadowSink(kafka) : null, registry ? KafkaIO.decisionSink(kafka) : null),
                options.pipeline(models)).build(env);
        System.out.printf("job '%s': %s -> %s, %s -> %s, dead letters to %s%s, parallelism %d, %s%n",
                options.jobName(), kafka.inputTopic(), models.schema(), models.registry().policy(),
                kafka.predictionsTopic(), kafka.deadLetterTopic(),
                registry ? ", models from " + kafka.registryTopic() + ", shadow predictions to "
                        + kafka.shadowTopic() : "", options.parallelism(), kafka.deliveryGuarantee());
    }
}
