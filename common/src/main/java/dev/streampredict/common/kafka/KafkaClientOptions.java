package dev.streampredict.common.kafka;

import picocli.CommandLine;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;

/**
 * Kafka client settings as Kafka's own tools take them (a properties file, like {@code --command-config}, and single
 * settings), for a secured cluster: {@code security.protocol}, {@code sasl.*}, {@code ssl.*} and any other client
 * setting. A picocli mixin, the same in every command; secrets can stay in the file, off the command line.
 */
public final class KafkaClientOptions {

    @Option(names = "--kafka-config", paramLabel = "FILE",
            description = "Kafka client settings, one KEY=VALUE per line (e.g. security.protocol=SASL_SSL, "
                    + "sasl.mechanism, sasl.jaas.config, ssl.truststore.location), as Kafka's --command-config.")
    Path configFile;

    @Option(names = "--kafka-property", paramLabel = "KEY=VALUE", showDefaultValue = CommandLine.Help.Visibility.NEVER,
            description = "One Kafka client setting; repeatable; wins over --kafka-config.")
    Map<String, String> properties = new LinkedHashMap<>();

    /**
     * The file's settings, then the single ones over them.
     *
     * @throws IllegalArgumentException naming the file and what is wrong with it
     */
    public Map<String, String> settings() {
        Map<String, String> settings = new LinkedHashMap<>();
        if (configFile != null) {
            if (!Files.isRegularFile(configFile)) {
                throw new IllegalArgumentException("--kafka-config " + configFile + " is not a file");
            }
            Properties file = new Properties();
            try (Reader in = Files.newBufferedReader(configFile)) {
                file.load(in);
            } catch (IOException | IllegalArgumentException e) {
                throw new IllegalArgumentException("cannot read --kafka-config " + configFile + ": " + e.getMessage(),
                        e);
            }
            file.stringPropertyNames().forEach(name -> settings.put(name, file.getProperty(name).trim()));
        }
        settings.putAll(properties);
        if (settings.containsKey("bootstrap.servers")) {
            throw new IllegalArgumentException("give the brokers with --bootstrap-servers, not as a Kafka setting");
        }
        return settings;
    }
}
