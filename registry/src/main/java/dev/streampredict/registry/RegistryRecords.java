package dev.streampredict.registry;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.streampredict.model.ModelArchive;
import dev.streampredict.model.ModelLimits;
import dev.streampredict.model.RefusalReason;
import dev.streampredict.model.Untrusted;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeader;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * How registry records look on the topic. An artifact: key = its version, value = the archive, headers
 * {@value #HEADER_VERSION} and {@value #HEADER_METADATA} (its {@code model.json}), so that tools list versions and
 * training metrics without opening archives. A command: key {@value #COMMAND_KEY}, value = the command as JSON.
 * Header {@value #HEADER_TYPE} says which; {@value #HEADER_SIGNATURE}, when a publisher signs, holds the
 * {@link RecordSignature}.
 * <p>
 * Reading is total: every record, whatever its bytes, is an {@link RegistryEntry}, and one that cannot be applied is
 * {@link RegistryEntry.Invalid} with its reason.
 */
public final class RegistryRecords {

    public static final String HEADER_TYPE = "model.record";
    public static final String HEADER_VERSION = "model.version";
    public static final String HEADER_METADATA = "model.metadata";
    public static final String HEADER_SIGNATURE = "model.signature";
    static final String TYPE_ARTIFACT = "artifact";
    static final String TYPE_COMMAND = "command";
    static final String COMMAND_KEY = "command";
    /** A command is a few short fields; its reason may say a sentence or two. */
    static final int MAX_COMMAND_BYTES = 64 * 1024;

    private static final ObjectMapper JSON = JsonMapper.builder()
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .build();

    private RegistryRecords() {
    }

    /** @param signer signs the record for its registry, or {@code null} to write it unsigned */
    public static ProducerRecord<byte[], byte[]> artifact(String topic, ModelArchive archive,
                                                          RecordSignature.Signer signer) {
        List<Header> headers = new ArrayList<>(List.of(
                header(HEADER_TYPE, TYPE_ARTIFACT),
                header(HEADER_VERSION, archive.version()),
                new RecordHeader(HEADER_METADATA, archive.metadataJson())));
        if (signer != null) {
            headers.add(new RecordHeader(HEADER_SIGNATURE, signer.sign(TYPE_ARTIFACT, archive.version(),
                    archive.bytes())));
        }
        return new ProducerRecord<>(topic, 0, null, archive.version().getBytes(StandardCharsets.UTF_8),
                archive.bytes(), headers);
    }

    /** @param signer signs the record for its registry, or {@code null} to write it unsigned */
    public static ProducerRecord<byte[], byte[]> command(String topic, ModelCommand command,
                                                         RecordSignature.Signer signer) {
        byte[] value;
        try {
            value = JSON.writeValueAsBytes(command);
        } catch (IOException e) {
            throw new IllegalStateException("a command is always serialisable", e);
        }
        List<Header> headers = new ArrayList<>(List.of(header(HEADER_TYPE, TYPE_COMMAND)));
        if (signer != null) {
            headers.add(new RecordHeader(HEADER_SIGNATURE, signer.sign(TYPE_COMMAND, null, value)));
        }
        return new ProducerRecord<>(topic, 0, null, COMMAND_KEY.getBytes(StandardCharsets.UTF_8), value, headers);
    }

    /** Never throws: a record that cannot be read is {@link RegistryEntry.Invalid}. */
    public static RegistryEntry parse(ConsumerRecord<byte[], byte[]> record, RecordSignature.Verifier verifier) {
        return parse(text(record.headers(), HEADER_TYPE), text(record.headers(), HEADER_VERSION), record.value(),
                signature(record), where(record), verifier);
    }

    /**
     * {@link #parse(ConsumerRecord, RecordSignature.Verifier)} of a record's parts.
     *
     * @param where    names the record in messages
     * @param verifier refuses records its key did not sign, or {@code null} to apply unsigned records
     */
    public static RegistryEntry parse(String type, String version, byte[] value, byte[] signature, String where,
                                      RecordSignature.Verifier verifier) {
        try {
            RegistryEntry.Invalid malformed = malformed(type, version, value, where);
            if (malformed != null) {
                return malformed;
            }
            if (verifier != null) {
                RefusalReason refused = verifier.check(type, TYPE_ARTIFACT.equals(type) ? version : null, value,
                        signature);
                if (refused != null) {
                    return new RegistryEntry.Invalid(refused, type + " record " + where
                            + (refused == RefusalReason.UNSIGNED ? " is not signed" : " has a signature that the "
                            + "registry's public key does not verify (another key, another registry, or a changed "
                            + "byte)") + "; publish with --signing-key and the registry's private key");
                }
            }
            if (TYPE_ARTIFACT.equals(type)) {
                return new RegistryEntry.Artifact(version, value);
            }
            return command(value, where);
        } catch (RuntimeException e) { // nothing a record holds may escape as an exception
            return new RegistryEntry.Invalid(RefusalReason.MALFORMED_RECORD, "record " + where + " cannot be read ("
                    + e.getClass().getSimpleName() + ": " + e.getMessage() + ")");
        }
    }

    /** Why a record is not one this registry's writers make, or null. */
    private static RegistryEntry.Invalid malformed(String type, String version, byte[] value, String where) {
        if (!TYPE_ARTIFACT.equals(type) && !TYPE_COMMAND.equals(type)) {
            return new RegistryEntry.Invalid(RefusalReason.MALFORMED_RECORD, "record " + where + " has header "
                    + HEADER_TYPE + "=" + Untrusted.text(type) + "; expected " + TYPE_ARTIFACT + " or " + TYPE_COMMAND
                    + " (write to the registry with scripts/model.sh)");
        }
        if (value == null) {
            return new RegistryEntry.Invalid(RefusalReason.MALFORMED_RECORD, type + " record " + where
                    + " has no value");
        }
        int most = TYPE_ARTIFACT.equals(type) ? ModelLimits.MAX_ARCHIVE_BYTES : MAX_COMMAND_BYTES;
        if (value.length > most) {
            return new RegistryEntry.Invalid(RefusalReason.TOO_LARGE, type + " record " + where + " has "
                    + value.length + " bytes, over the format's limit of " + most);
        }
        if (TYPE_ARTIFACT.equals(type) && (!Untrusted.isPlain(version, ModelLimits.MAX_VERSION_LENGTH)
                || version.isBlank())) {
            return new RegistryEntry.Invalid(RefusalReason.MALFORMED_RECORD, "artifact record " + where
                    + " has no " + HEADER_VERSION + " header, or one that is not a version (1 to "
                    + ModelLimits.MAX_VERSION_LENGTH + " characters, none of them a control character or backslash): "
                    + Untrusted.text(version));
        }
        return null;
    }

    private static RegistryEntry command(byte[] value, String where) {
        ModelCommand command;
        try {
            command = JSON.readValue(value, ModelCommand.class);
        } catch (IOException | RuntimeException e) {
            return new RegistryEntry.Invalid(RefusalReason.MALFORMED_RECORD, "command record " + where
                    + " is not a valid command: " + e.getMessage());
        }
        if (command == null) {
            return new RegistryEntry.Invalid(RefusalReason.MALFORMED_RECORD, "command record " + where
                    + " is JSON null");
        }
        return new RegistryEntry.Command(command);
    }

    public static String type(ConsumerRecord<byte[], byte[]> record) {
        return text(record.headers(), HEADER_TYPE);
    }

    public static String version(ConsumerRecord<byte[], byte[]> record) {
        return text(record.headers(), HEADER_VERSION);
    }

    public static byte[] signature(ConsumerRecord<byte[], byte[]> record) {
        Header header = record.headers().lastHeader(HEADER_SIGNATURE);
        return header == null ? null : header.value();
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
