package dev.streampredict.job;

import dev.streampredict.job.pipeline.KafkaSettings;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

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
        assertThat(options.parallelism()).isEqualTo(2);
        assertThat(options.checkpointInterval()).isEqualTo(Duration.ofSeconds(10));
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
    void unknownOptionIsNamed() {
        assertThatThrownBy(() -> JobOptions.parse("--paralelism", "2"))
                .isInstanceOf(CommandLine.ParameterException.class).hasMessageContaining("--paralelism");
    }
}
