package dev.streampredict.job.pipeline;

import org.apache.flink.connector.base.DeliveryGuarantee;

import java.io.Serializable;
import java.util.Map;
import java.util.Properties;

/**
 * Where the job reads and writes.
 *
 * @param startFromTime         if not null, start at the first record written at or after this epoch ms
 * @param bounded               stop at the input's end offsets as of job start (for tests and benchmarks)
 * @param transactionalIdPrefix exactly-once only: must be unique per job on the Kafka cluster
 * @param registryTopic         the model registry, or {@code null} to serve only the model the job starts with
 * @param statusTopic           where the job reports what it did with registry records; with a registry only
 * @param shadowTopic           where a shadow model's predictions go
 * @param clientSettings        Kafka client settings of every source and sink (security.protocol, sasl.*, ssl.*)
 */
public record KafkaSettings(String bootstrapServers, String inputTopic, String predictionsTopic,
                            String deadLetterTopic, String registryTopic, String statusTopic, String shadowTopic,
                            String groupId, StartingOffsets startingOffsets, Long startFromTime, boolean bounded,
                            DeliveryGuarantee deliveryGuarantee, String transactionalIdPrefix,
                            Map<String, String> clientSettings)
        implements Serializable {

    public KafkaSettings {
        clientSettings = Map.copyOf(clientSettings);
    }

    public Properties clientProperties() {
        Properties properties = new Properties();
        properties.putAll(clientSettings);
        return properties;
    }

    /** Where a job without committed offsets starts reading. */
    public enum StartingOffsets { EARLIEST, LATEST, COMMITTED }
}
