package dev.streampredict.producer;

import dev.streampredict.common.message.InputRecord;
import dev.streampredict.common.message.JsonInputCodec;
import dev.streampredict.kafka.LocalKafkaBroker;
import dev.streampredict.kafka.Topics;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class InputProducerIT {

    @TempDir
    Path dir;

    @Test
    void everyRecordArrivesOnceKeyedAndInOrderPerKey() throws Exception {
        try (LocalKafkaBroker broker = LocalKafkaBroker.start(dir)) {
            Topics.ensure(broker.bootstrapServers(), Map.of("input-data", 2));
            List<InputRecord> sent = SyntheticSeriesTest.take(new SyntheticSeries(5, 10, 1, 3, () -> 1L), 500);

            try (InputProducer producer = new InputProducer(broker.bootstrapServers(), "input-data")) {
                assertThat(producer.run(sent.iterator(), 0, 0, () -> true)).isEqualTo(500);
                producer.flush();
                assertThat(producer.acknowledged()).isEqualTo(500);
            }

            Map<String, List<InputRecord>> byKey = new HashMap<>();
            Map<String, Integer> partitionOfKey = new HashMap<>();
            JsonInputCodec codec = new JsonInputCodec();
            int received = 0;
            try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(Map.of(
                    ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers(),
                    ConsumerConfig.GROUP_ID_CONFIG, "check",
                    ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                    ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class,
                    ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class))) {
                consumer.subscribe(List.of("input-data"));
                long deadline = System.currentTimeMillis() + 30_000;
                while (received < 500 && System.currentTimeMillis() < deadline) {
                    for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(500))) {
                        InputRecord record = codec.parse(r.value());
                        assertThat(r.key()).isEqualTo(record.key());
                        assertThat(partitionOfKey.computeIfAbsent(r.key(), k -> r.partition()))
                                .isEqualTo(r.partition());
                        byKey.computeIfAbsent(r.key(), k -> new ArrayList<>()).add(record);
                        received++;
                    }
                }
            }
            assertThat(received).isEqualTo(500);
            for (String key : byKey.keySet()) {
                assertThat(byKey.get(key)).containsExactlyElementsOf(
                        sent.stream().filter(r -> r.key().equals(key)).toList());
            }
        }
    }
}
