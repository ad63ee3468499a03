package dev.streampredict.job.pipeline;

import dev.streampredict.common.kafka.ProducerTuning;
import dev.streampredict.common.message.Prediction;
import dev.streampredict.common.message.PredictionCodec;
import dev.streampredict.job.records.DeadLetter;
import dev.streampredict.job.records.RawRecord;
import dev.streampredict.job.records.RegistryMessage;
import dev.streampredict.registry.ModelCommand;
import dev.streampredict.registry.RecordSignature;
import dev.streampredict.registry.RegistryRecords;
import dev.streampredict.registry.RegistryStatus;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.flink.connector.kafka.sink.KafkaSink;
import org.apache.flink.connector.kafka.source.KafkaSource;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.flink.connector.kafka.source.reader.deserializer.KafkaRecordDeserializationSchema;
import org.apache.flink.util.Collector;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.OffsetResetStrategy;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeader;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

/** The job's Kafka source and sinks. */
public final class KafkaIO {

    /** Dead-letter headers, named as Kafka Connect names its own. */
    public static final String HEADER_REASON = "dlq.reason";
    public static final String HEADER_DETAIL = "dlq.detail";
    public static final String HEADER_TOPIC = "dlq.source.topic";
    public static final String HEADER_PARTITION = "dlq.source.partition";
    public static final String HEADER_OFFSET = "dlq.source.offset";
    public static final String HEADER_REJECTED_AT = "dlq.rejected.at";

    private KafkaIO() {
    }

    public static KafkaSource<RawRecord> source(KafkaSettings kafka) {
        var builder = KafkaSource.<RawRecord>builder()
                .setProperties(kafka.clientProperties())
                .setBootstrapServers(kafka.bootstrapServers())
                .setTopics(kafka.inputTopic())
                .setGroupId(kafka.groupId())
                .setStartingOffsets(startingOffsets(kafka))
                .setDeserializer(new RawRecordDeserializer())
                // with exactly-once upstream producers, skip aborted transactions
                .setProperty(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        if (kafka.bounded()) {
            builder.setBounded(OffsetsInitializer.latest());
        } else {
            // partitions added to the input topic are picked up within 30 s
            builder.setProperty("partition.discovery.interval.ms", "30000");
        }
        return builder.build();
    }

    private static OffsetsInitializer startingOffsets(KafkaSettings kafka) {
        if (kafka.startFromTime() != null) {
            return OffsetsInitializer.timestamp(kafka.startFromTime());
        }
        return switch (kafka.startingOffsets()) {
            case EARLIEST -> OffsetsInitializer.earliest();
            case LATEST -> OffsetsInitializer.latest();
            case COMMITTED -> OffsetsInitializer.committedOffsets(OffsetResetStrategy.EARLIEST);
        };
    }

    /**
     * The registry topic from {@code startingOffsets}: the offsets up to which the job read it at submission, so
     * that no record is applied twice or missed.
     */
    public static KafkaSource<RegistryMessage> registrySource(KafkaSettings kafka,
                                                              Map<TopicPartition, Long> startingOffsets) {
        var builder = KafkaSource.<RegistryMessage>builder()
                .setProperties(kafka.clientProperties())
                .setBootstrapServers(kafka.bootstrapServers())
                .setTopics(kafka.registryTopic())
                .setGroupId(kafka.groupId() + "-registry")
                .setStartingOffsets(OffsetsInitializer.offsets(startingOffsets, OffsetResetStrategy.EARLIEST))
                .setDeserializer(new RegistryDeserializer())
                .setProperty(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        if (kafka.bounded()) {
            builder.setBounded(OffsetsInitializer.latest());
        }
        return builder.build();
    }

    public static KafkaSink<Prediction> predictionSink(KafkaSettings kafka) {
        return sink(kafka, new PredictionSerializer(kafka.predictionsTopic()), "predictions");
    }

    public static KafkaSink<Prediction> shadowSink(KafkaSettings kafka) {
        return sink(kafka, new PredictionSerializer(kafka.shadowTopic()), "shadow-predictions");
    }

    /** Automatic promotions and rollbacks, as command records of the registry topic. */
    public static KafkaSink<ModelCommand> decisionSink(KafkaSettings kafka, RecordSignature.Signer signer) {
        String topic = kafka.registryTopic();
        return sink(kafka, (command, context, timestamp) -> RegistryRecords.command(topic, command, signer),
                "promotion-decisions");
    }

    /** What the job did with each registry record, as JSON keyed by the job's name. */
    public static KafkaSink<RegistryStatus> statusSink(KafkaSettings kafka) {
        String topic = kafka.statusTopic();
        return sink(kafka, (status, context, timestamp) -> new ProducerRecord<>(topic,
                status.job().getBytes(StandardCharsets.UTF_8), status.toJson()), "registry-status");
    }

    public static KafkaSink<DeadLetter> deadLetterSink(KafkaSettings kafka) {
        return sink(kafka, new DeadLetterSerializer(kafka.deadLetterTopic()), "dead-letters");
    }

    private static <T> KafkaSink<T> sink(KafkaSettings kafka, KafkaRecordSerializationSchema<T> serializer,
                                         String name) {
        var builder = KafkaSink.<T>builder()
                .setBootstrapServers(kafka.bootstrapServers())
                .setRecordSerializer(serializer)
                .setDeliveryGuarantee(kafka.deliveryGuarantee());
        ProducerTuning.SETTINGS.forEach(builder::setProperty);
        // the user's settings (security, and tuning) over these defaults
        kafka.clientSettings().forEach(builder::setProperty);
        if (kafka.deliveryGuarantee() == DeliveryGuarantee.EXACTLY_ONCE) {
            builder.setTransactionalIdPrefix(kafka.transactionalIdPrefix() + "-" + name)
                    // must exceed the longest checkpoint interval plus restart time
                    .setProperty(ProducerConfig.TRANSACTION_TIMEOUT_CONFIG, "900000");
        }
        return builder.build();
    }

    static final class RawRecordDeserializer implements KafkaRecordDeserializationSchema<RawRecord> {
        @Override
        public void deserialize(ConsumerRecord<byte[], byte[]> record, Collector<RawRecord> out) {
            out.collect(new RawRecord(record.key(), record.value(), record.topic(), record.partition(),
                    record.offset(), record.timestamp()));
        }

        @Override
        public TypeInformation<RawRecord> getProducedType() {
            return TypeInformation.of(RawRecord.class);
        }
    }

    static final class RegistryDeserializer implements KafkaRecordDeserializationSchema<RegistryMessage> {
        @Override
        public void deserialize(ConsumerRecord<byte[], byte[]> record, Collector<RegistryMessage> out) {
            out.collect(new RegistryMessage(RegistryRecords.type(record), RegistryRecords.version(record),
                    record.value(), RegistryRecords.signature(record), RegistryRecords.where(record),
                    record.offset()));
        }

        @Override
        public TypeInformation<RegistryMessage> getProducedType() {
            return TypeInformation.of(RegistryMessage.class);
        }
    }

    /** Keyed by the input's key, so one key's predictions stay in order in one partition. */
    static final class PredictionSerializer implements KafkaRecordSerializationSchema<Prediction> {
        private final String topic;
        private final PredictionCodec codec = new PredictionCodec();

        PredictionSerializer(String topic) {
            this.topic = topic;
        }

        @Override
        public ProducerRecord<byte[], byte[]> serialize(Prediction p, KafkaSinkContext context, Long timestamp) {
            return new ProducerRecord<>(topic, null, p.predictionTimestamp(),
                    p.key().getBytes(StandardCharsets.UTF_8), codec.toJson(p));
        }
    }

    /** The original bytes, unchanged, as the value; what went wrong and where it came from, as headers. */
    static final class DeadLetterSerializer implements KafkaRecordSerializationSchema<DeadLetter> {
        private final String topic;

        DeadLetterSerializer(String topic) {
            this.topic = topic;
        }

        @Override
        public ProducerRecord<byte[], byte[]> serialize(DeadLetter d, KafkaSinkContext context, Long timestamp) {
            RawRecord source = d.source();
            List<Header> headers = List.of(
                    header(HEADER_REASON, d.reason().label()),
                    header(HEADER_DETAIL, d.detail()),
                    header(HEADER_TOPIC, source.topic()),
                    header(HEADER_PARTITION, Integer.toString(source.partition())),
                    header(HEADER_OFFSET, Long.toString(source.offset())),
                    header(HEADER_REJECTED_AT, Long.toString(d.rejectedAt())));
            return new ProducerRecord<>(topic, null, d.rejectedAt(), source.key(), source.value(), headers);
        }

        private static Header header(String name, String value) {
            return new RecordHeader(name, value.getBytes(StandardCharsets.UTF_8));
        }
    }
}
