package dev.streampredict.kafka;

import dev.streampredict.common.kafka.Topics;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

class LocalKafkaBrokerTest {

    @TempDir
    Path dir;

    @Test
    void brokerServesTopicsAndRestartsOnTheSameDataAndPort() throws Exception {
        int port;
        try (LocalKafkaBroker broker = LocalKafkaBroker.start(dir)) {
            port = Integer.parseInt(broker.bootstrapServers().split(":")[1]);
            Topics.ensure(broker.bootstrapServers(), Map.of("t", 2));
            try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
                    broker.bootstrapServers()))) {
                assertThat(admin.describeTopics(Set.of("t")).allTopicNames().get(30, TimeUnit.SECONDS).get("t")
                        .partitions()).as("ready when ensure returns").hasSize(2)
                        .allSatisfy(p -> assertThat(p.leader()).isNotNull());
            }
            try (KafkaProducer<String, String> producer = new KafkaProducer<>(Map.of(
                    ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers(),
                    ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class,
                    ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class))) {
                producer.send(new ProducerRecord<>("t", "k", "hello")).get(30, TimeUnit.SECONDS);
                // Ctrl-C in a terminal reaches the broker too: it must outlive the clients stopped before it
                new ProcessBuilder("kill", "-INT", Long.toString(broker.process().pid())).start().waitFor();
                assertThat(broker.process().onExit()).as("still running after SIGINT")
                        .failsWithin(Duration.ofSeconds(3));
                producer.send(new ProducerRecord<>("t", "k", "after SIGINT")).get(30, TimeUnit.SECONDS);
            }
        }

        // the port is free again, and a second broker on the same folder still has the record
        try (ServerSocket ignored = new ServerSocket(port)) {
            assertThat(ignored.getLocalPort()).isEqualTo(port);
        }
        try (LocalKafkaBroker again = LocalKafkaBroker.start(dir, port)) {
            assertThat(readAll(again.bootstrapServers(), "t", 2)).containsExactly("hello", "after SIGINT");
        }
    }

    static List<String> readAll(String bootstrap, String topic, int expected) {
        List<String> values = new ArrayList<>();
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ConsumerConfig.GROUP_ID_CONFIG, "test",
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class,
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class))) {
            consumer.subscribe(List.of(topic));
            long deadline = System.currentTimeMillis() + 30_000;
            while (values.size() < expected && System.currentTimeMillis() < deadline) {
                for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(500))) {
                    values.add(r.value());
                }
            }
        }
        return values;
    }
}
