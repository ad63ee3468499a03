package dev.streampredict.testing;

import dev.streampredict.common.kafka.Topics;
import dev.streampredict.kafka.LocalKafkaBroker;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Map;
import java.util.stream.Stream;

/**
 * A real Kafka broker for all the tests of a class: started before the first, stopped after the last, its data in a
 * temporary folder that goes with it. Register it as a static field, so that it starts once per class:
 * <pre>{@code @RegisterExtension static final KafkaBrokerExtension KAFKA = new KafkaBrokerExtension();}</pre>
 */
public final class KafkaBrokerExtension implements BeforeAllCallback, AfterAllCallback {

    private final Map<String, Integer> topics;
    private Path dataDir;
    private LocalKafkaBroker broker;

    public KafkaBrokerExtension() {
        this(Map.of());
    }

    /** With these topics (name to partitions) created as soon as the broker is up. */
    public KafkaBrokerExtension(Map<String, Integer> topics) {
        this.topics = Map.copyOf(topics);
    }

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        dataDir = Files.createTempDirectory("kafka-");
        broker = LocalKafkaBroker.start(dataDir);
        Topics.ensure(broker.bootstrapServers(), topics);
    }

    @Override
    public void afterAll(ExtensionContext context) throws IOException {
        if (broker != null) {
            broker.close();
            broker = null;
        }
        if (dataDir != null) {
            try (Stream<Path> files = Files.walk(dataDir)) {
                for (Path file : files.sorted(Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(file);
                }
            }
        }
    }

    public String bootstrapServers() {
        return broker().bootstrapServers();
    }

    public LocalKafkaBroker broker() {
        if (broker == null) {
            throw new IllegalStateException("the broker runs from before the class's first test to after its last: "
                    + "register this extension in a static field");
        }
        return broker;
    }
}
