package dev.streampredict.model.registry;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.streampredict.model.ModelArchive;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeader;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * How registry records look on the topic. An artifact: key = its version, value = the archive, headers
 * {@value #HEADER_VERSION} and {@value #HEADER_METADATA} (its {@code model.json}), so that tools list versions and
 * training metrics without opening archives. A command: key {@value #COMMAND_KEY}, value = the command as JSON.
 * Header {@value #HEADER_TYPE} says which.
 */
public final class RegistryRecords {

    public static final String HEADER_TYPE = "model.record";
    public static final String HEADER_VERSION = "model.version";
    public static final String HEADER_METADATA = "model.metadata";
    static final String TYPE_ARTIFACT = "artifact";
    static final String TYPE_COMMAND = "command";
    static final String COMMAND_KEY = "command";

    private static final ObjectMapper JSON = JsonMapper.builder()
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .build();

    private RegistryRecords() {
    }

    public static ProducerRecord<byte[], byte[]> artifact(String topic, ModelArchive archive) {
        List<Header> headers = List.of(
                header(HEADER_TYPE, TYPE_ARTIFACT),
                header(HEADER_VERSION, archive.version()),
                new RecordHeader(HEADER_METADATA, archive.metadataJson()));
        return new ProducerRecord<>(topic, 0, null, archive.version().getBytes(StandardCharsets.UTF_8),
                archive.bytes(), headers);
    }

    public static ProducerRecord<byte[], byte[]> command(String topic, ModelCommand command) {
        try {
            return new ProducerRecord<>(topic, 0, null, COMMAND_KEY.getBytes(StandardCharsets.UTF_8),
                    JSON.writeValueAsBytes(command), List.of(header(HEADER_TYPE, TYPE_COMMAND)));
        } catch (IOException e) {
            throw new IllegalStateException("a command is always serialisable", e);
        }
    }

    /** Never throws: a record that cannot be read is {@link RegistryEntry.Invalid}. */
    public static RegistryEntry parse(ConsumerRecord<byte[], byte[]> record) {
        return parse(text(record.headers(), HEADER_TYPE), text(record.headers(), HEADER_VERSION), record.value(),
                where(record));
    }

    /** {@link #parse(ConsumerRecord)} of a record's parts; {@code where} names the record in messages. */
    public static RegistryEntry parse(String type, String version, byte[] value, String where) {
        if (TYPE_ARTIFACT.equals(type)) {
            if (version == null || value == null) {
                return new RegistryEntry.Invalid("malformed_record", "artifact record " + where
                        + " has no version header or no value");
            }
            return new RegistryEntry.Artifact(version, value);
        }
        if (TYPE_COMMAND.equals(type)) {
            try {
                return new RegistryEntry.Command(JSON.readValue(value, ModelCommand.class));
            } catch (Exception e) {
                return new RegistryEntry.Invalid("malformed_record", "command record " + where + " is not a "
                        + "valid command: " + e.getMessage());
            }
        }
        return new RegistryEntry.Invalid("malformed_record", "record " + where + " has header " + HEADER_TYPE
                + "=" + type + "; expected " + TYPE_ARTIFACT + " or " + TYPE_COMMAND
                + " (write to the registry with scripts/model.sh)");
    }

    public static String type(ConsumerRecord<byte[], byte[]> record) {
        return text(record.headers(), HEADER_TYPE);
    }

    public static String version(ConsumerRecord<byte[], byte[]> record) {
        return text(record.headers(), HEADER_VERSION);
    }

    public static String where(ConsumerRecord<?, ?> record) {
        return record.topic() + "-" + record.partition() + "@" + record.offset();
    }

    /** The {@value #HEADER_METADATA} header: the artifact's {@code model.json}, or null. */
    public static String metadataJson(ConsumerRecord<byte[], byte[]> record) {
        return text(record.headers(), HEADER_METADATA);
    }

    private static String text(Headers headers, String name) {
        Header header = headers.lastHeader(name);
        return header == null || header.value() == null ? null : new String(header.value(), StandardCharsets.UTF_8);
    }

    private static Header header(String name, String value) {
        return new RecordHeader(name, value.getBytes(StandardCharsets.UTF_8));
    }
}
