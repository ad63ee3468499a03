package dev.streampredict.job;

import dev.streampredict.job.pipeline.KafkaSettings;
import dev.streampredict.registry.RegistryKeys;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.CoreOptions;
import org.apache.flink.configuration.ExecutionOptions;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.core.execution.CheckpointingMode;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.nio.file.Path;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class JobOptionsTest {

    @Test
    void defaultsAreTheDocumentedOnes() {
        JobOptions options = JobOptions.parse();

        KafkaSettings kafka = options.kafka();
        assertThat(kafka.inputTopic()).isEqualTo("input-data");
        assertThat(kafka.predictionsTopic()).isEqualTo("predictions");
        assertThat(kafka.deadLetterTopic()).isEqualTo("input-data-dlq");
        assertThat(kafka.deliveryGuarantee()).isEqualTo(DeliveryGuarantee.AT_LEAST_ONCE);
        assertThat(options.parallelism()).as("the cluster decides").isNull();
        assertThat(options.checkpointInterval()).as("the cluster decides").isNull();
    }

    @Test
    void acceptsTheSpellingsPeopleType() {
        JobOptions options = JobOptions.parse("--delivery-guarantee", "exactly-once", "--starting-offsets",
                "earliest", "--checkpoint-interval", "500ms");

        assertThat(options.kafka().deliveryGuarantee()).isEqualTo(DeliveryGuarantee.EXACTLY_ONCE);
        assertThat(options.kafka().startingOffsets()).isEqualTo(KafkaSettings.StartingOffsets.EARLIEST);
        assertThat(options.checkpointInterval()).isEqualTo(Duration.ofMillis(500));
    }

    @Test
    void modelThreadsAreOneUnlessGivenAndRefusedOutsideOneTo64() {
        assertThat(JobOptions.parse().modelThreads()).isEqualTo(1);
        assertThat(JobOptions.parse("--model-threads", "2").modelThreads()).isEqualTo(2);
        for (String bad : new String[]{"0", "65", "two"}) {
            assertThatThrownBy(() -> JobOptions.parse("--model-threads", bad))
                    .hasMessageContaining("--model-threads").hasMessageContaining("from 1 to 64, not '" + bad + "'");
        }
    }

    @Test
    void registryTrustAndBudgetSettingsAreCheckedTogether(@TempDir Path dir) throws Exception {
        Path[] keys = RegistryKeys.generate(dir);
        String key = keys[0].toString();
        String pub = keys[1].toString();

        assertThat(JobOptions.parse("--model-memory-budget", "512m").modelMemoryBudget()).isEqualTo(512L << 20);
        assertThatThrownBy(() -> JobOptions.parse("--model-memory-budget", "lots"))
                .hasMessageContaining("--model-memory-budget takes a size such as 512m");
        assertThat(JobOptions.parse("--model-registry", "models").kafka().statusTopic()).isEqualTo("models-status");
        assertThat(JobOptions.parse("--model-registry", "models", "--verify-key", pub).verifyKeys()).hasSize(1);
        assertThatThrownBy(() -> JobOptions.parse("--verify-key", pub).verifyKeys())
                .hasMessageContaining("give that too");
        assertThatThrownBy(() -> JobOptions.parse("--model-registry", "m", "--verify-key", pub,
                "--auto-promote-after", "100").signingKey()).hasMessageContaining("give --signing-key");
        assertThatThrownBy(() -> JobOptions.parse("--model-registry", "m", "--signing-key", key).signingKey())
                .hasMessageContaining("give it with --verify-key and --auto-promote-after");
        assertThat(JobOptions.parse("--model-registry", "m", "--verify-key", pub, "--auto-promote-after", "100",
                "--signing-key", key).signingKey()).isNotNull();
        assertThatThrownBy(() -> JobOptions.parse("--model-registry", "m", "--verify-key", key).verifyKeys())
                .hasMessageContaining("give the public key (registry.pub)");
    }

    @Test
    void theClusterConfigurationWinsOverTheJobsDefaultsButNotOverArgumentsGiven() {
        Configuration cluster = new Configuration();
        cluster.set(CoreOptions.DEFAULT_PARALLELISM, 3);
        cluster.set(CheckpointingOptions.CHECKPOINTING_INTERVAL, Duration.ofSeconds(7));
        cluster.set(ExecutionOptions.BUFFER_TIMEOUT, Duration.ofMillis(20));

        StreamExecutionEnvironment configured = new StreamExecutionEnvironment(cluster);
        assertThat(PredictionJob.applyExecutionSettings(configured, JobOptions.parse())).isTrue();
        assertThat(configured.getParallelism()).isEqualTo(3);
        assertThat(configured.getCheckpointInterval()).isEqualTo(7_000);
        assertThat(configured.getBufferTimeout()).isEqualTo(20);

        StreamExecutionEnvironment overridden = new StreamExecutionEnvironment(cluster);
        assertThat(PredictionJob.applyExecutionSettings(overridden, JobOptions.parse("--parallelism", "1",
                "--checkpoint-interval", "0", "--buffer-timeout", "1ms"))).isFalse();
        assertThat(overridden.getParallelism()).isEqualTo(1);
        assertThat(overridden.getBufferTimeout()).isEqualTo(1);

        StreamExecutionEnvironment bare = new StreamExecutionEnvironment(new Configuration());
        assertThat(PredictionJob.applyExecutionSettings(bare, JobOptions.parse())).isTrue();
        assertThat(bare.getParallelism()).isEqualTo(JobOptions.DEFAULT_PARALLELISM);
        assertThat(bare.getCheckpointInterval()).isEqualTo(JobOptions.DEFAULT_CHECKPOINT_INTERVAL.toMillis());
        assertThat(bare.getBufferTimeout()).isEqualTo(JobOptions.DEFAULT_BUFFER_TIMEOUT.toMillis());
    }

    @Test
    void exactlyOnceRefusesAClusterThatCheckpointsAtLeastOnce() {
        Configuration cluster = new Configuration();
        cluster.set(CheckpointingOptions.CHECKPOINTING_CONSISTENCY_MODE, CheckpointingMode.AT_LEAST_ONCE);

        assertThatThrownBy(() -> PredictionJob.configure(new StreamExecutionEnvironment(cluster),
                JobOptions.parse("--delivery-guarantee", "exactly-once")))
                .hasMessageContaining("needs exactly-once checkpoints");
    }

    @Test
    void mainThrowsOnATypoInsteadOfExitingTheJvmItRunsIn() {
        // on a REST submission the JVM is the JobManager's: System.exit would end this test run instead
        assertThatThrownBy(() -> PredictionJob.main(new String[]{"--paralelism", "2"}))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("invalid program arguments").hasMessageContaining("--paralelism");
    }

    @Test
    void unknownOptionIsNamed() {
        assertThatThrownBy(() -> JobOptions.parse("--paralelism", "2"))
                .isInstanceOf(CommandLine.ParameterException.class).hasMessageContaining("--paralelism");
    }
}
