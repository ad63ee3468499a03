package dev.streampredict.producer;

import dev.streampredict.common.message.InputRecord;
import dev.streampredict.common.message.JsonInputCodec;
import dev.streampredict.testing.KafkaBrokerExtension;
import dev.streampredict.testing.TopicReader;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class InputProducerIT {

    @RegisterExtension
    static final KafkaBrokerExtension KAFKA = new KafkaBrokerExtension(Map.of("input-data", 2));

    @Test
    void everyRecordArrivesOnceKeyedAndInOrderPerKey() throws Exception {
        List<InputRecord> sent = SyntheticSeriesTest.take(new SyntheticSeries(5, 10, 1, 3, () -> 1L), 500);
        try (InputProducer producer = new InputProducer(KAFKA.bootstrapServers(), "input-data")) {
            assertThat(producer.run(sent.iterator(), 0, 0, () -> true)).isEqualTo(500);
            producer.flush();
            assertThat(producer.acknowledged()).isEqualTo(500);
        }

        // every record was acknowledged: the topic's end is all there is to read
        List<ConsumerRecord<byte[], byte[]>> received = TopicReader.readToEnd(KAFKA.bootstrapServers(), "input-data");
        assertThat(received).hasSize(500);
        Map<String, List<InputRecord>> byKey = new HashMap<>();
        Map<String, Integer> partitionOfKey = new HashMap<>();
        JsonInputCodec codec = new JsonInputCodec();
        for (ConsumerRecord<byte[], byte[]> r : received) {
            InputRecord record = codec.parse(r.value());
            String key = new String(r.key(), StandardCharsets.UTF_8);
            assertThat(key).isEqualTo(record.key());
            assertThat(partitionOfKey.computeIfAbsent(key, k -> r.partition())).isEqualTo(r.partition());
            byKey.computeIfAbsent(key, k -> new ArrayList<>()).add(record);
        }
        for (String key : byKey.keySet()) {
            assertThat(byKey.get(key)).containsExactlyElementsOf(
                    sent.stream().filter(r -> r.key().equals(key)).toList());
        }
    }
}
