package dev.streampredict.registry;

import dev.streampredict.model.ModelArchive;
import dev.streampredict.model.RefusalReason;
import dev.streampredict.model.TestArtifacts;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.record.TimestampType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/** Registry records, as anyone with write access to the topic could write them, read without an exception. */
class RegistryRecordsTest {

    private static final String REGISTRY = "registry-a";

    @TempDir
    Path dir;

    @Test
    void recordsOfNoKindOrWithoutTheirPartsAreMalformed() {
        assertInvalid(RegistryRecords.parse(null, null, new byte[1], null, "t@1", null),
                RefusalReason.MALFORMED_RECORD, "expected artifact or command");
        assertInvalid(RegistryRecords.parse("model", "v1", new byte[1], null, "t@1", null),
                RefusalReason.MALFORMED_RECORD, "model.record=model");
        assertInvalid(RegistryRecords.parse("artifact", "v1", null, null, "t@1", null),
                RefusalReason.MALFORMED_RECORD, "has no value");
        assertInvalid(RegistryRecords.parse("artifact", null, new byte[1], null, "t@1", null),
                RefusalReason.MALFORMED_RECORD, "model.version");
        for (String command : new String[]{"garbage", "null", "{}", "{\"action\":\"EXPLODE\"}",
                "{\"action\":\"CANARY\",\"version\":\"v\",\"percent\":500}", "[1,2]"}) {
            assertInvalid(RegistryRecords.parse("command", null, command.getBytes(StandardCharsets.UTF_8), null,
                    "t@1", null), RefusalReason.MALFORMED_RECORD, "command record t@1");
        }
        assertInvalid(RegistryRecords.parse("command", null, new byte[RegistryRecords.MAX_COMMAND_BYTES + 1], null,
                "t@1", null), RefusalReason.TOO_LARGE, "over the format's limit");
    }

    @Test
    void aVersionWithControlCharactersIsRefusedAndNeverPrintedAsItIs() {
        String forged = "v1\n2026-12-06 10:00:00 WARN fake: command accepted";

        RegistryEntry entry = RegistryRecords.parse("artifact", forged, new byte[1], null, "t@1", null);

        assertInvalid(entry, RefusalReason.MALFORMED_RECORD, "v1\\n2026");
        assertThat(((RegistryEntry.Invalid) entry).detail()).doesNotContain("\n");
        Rejection rejection = new Rejection(RefusalReason.UNKNOWN_VERSION, "names " + forged + "x".repeat(4_000_000));
        assertThat(rejection.getMessage()).doesNotContain("\n").hasSizeLessThan(Rejection.MAX_DETAIL + 40)
                .endsWith("chars)");
        assertThat(ModelCommand.of(ModelCommand.Action.STABLE, forged, 0, forged).toString()).doesNotContain("\n");
    }

    @Test
    void aStateRefusesWhatItCannotApplyAndKeepsServing() throws Exception {
        RegistryState state = new RegistryState();
        ModelArchive good = TestArtifacts.archive("good", dir);
        ModelCheck check = new ModelCheck(InputSchema.of(good.metadata()), TestArtifacts.LIMITS);
        state.apply(new RegistryEntry.Artifact("good", good.bytes()), check);
        state.apply(new RegistryEntry.Command(ModelCommand.of(ModelCommand.Action.STABLE, "good", 0, "t")), check);

        for (RegistryEntry hostile : List.of(
                new RegistryEntry.Artifact("good", "garbage".getBytes(StandardCharsets.UTF_8)),
                new RegistryEntry.Artifact("other", good.bytes()),
                new RegistryEntry.Command(ModelCommand.of(ModelCommand.Action.STABLE, "missing", 0, "t")),
                new RegistryEntry.Invalid(RefusalReason.MALFORMED_RECORD, "t@9"))) {
            try {
                state.apply(hostile, check);
                throw new AssertionError(hostile + " was applied");
            } catch (Rejection expected) {
                assertThat(state.policy().stable()).isEqualTo("good");
                assertThat(state.archive("good")).isEqualTo(good.bytes());
            }
        }
    }

    @Test
    void aVerifyingReaderAppliesOnlyRecordsSignedForItsRegistryWithItsKey() throws Exception {
        KeyPair publisher = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
        KeyPair stranger = KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
        RecordSignature.Verifier verifier = RecordSignature.Verifier.of(List.of(publisher.getPublic()), REGISTRY);
        RecordSignature.Signer signer = new RecordSignature.Signer(publisher.getPrivate(), REGISTRY);
        ModelArchive archive = TestArtifacts.archive("v1", dir);
        ModelCommand stable = ModelCommand.of(ModelCommand.Action.STABLE, "v1", 0, "t");

        assertThat(read(RegistryRecords.artifact("models", archive, signer), verifier))
                .isInstanceOf(RegistryEntry.Artifact.class);
        assertThat(read(RegistryRecords.command("models", stable, signer), verifier))
                .isInstanceOf(RegistryEntry.Command.class);

        assertInvalid(read(RegistryRecords.artifact("models", archive, null), verifier), RefusalReason.UNSIGNED,
                "is not signed");
        assertInvalid(read(RegistryRecords.command("models", stable,
                new RecordSignature.Signer(stranger.getPrivate(), REGISTRY)), verifier), RefusalReason.BAD_SIGNATURE,
                "does not verify");
        ProducerRecord<byte[], byte[]> tampered = RegistryRecords.artifact("models", archive, signer);
        tampered.value()[tampered.value().length / 2] ^= 1;
        assertInvalid(read(tampered, verifier), RefusalReason.BAD_SIGNATURE, "does not verify");
        ProducerRecord<byte[], byte[]> renamed = RegistryRecords.artifact("models", archive, signer);
        renamed.headers().remove(RegistryRecords.HEADER_VERSION)
                .add(new RecordHeader(RegistryRecords.HEADER_VERSION, "v2".getBytes(StandardCharsets.UTF_8)));
        assertInvalid(read(renamed, verifier), RefusalReason.BAD_SIGNATURE, "does not verify");
        // the same command, signed with the same key for another registry, replayed here
        assertInvalid(read(RegistryRecords.command("models", stable,
                new RecordSignature.Signer(publisher.getPrivate(), "registry-b")), verifier),
                RefusalReason.BAD_SIGNATURE, "another registry");
        ProducerRecord<byte[], byte[]> garbled = RegistryRecords.command("models", stable, signer);
        garbled.headers().remove(RegistryRecords.HEADER_SIGNATURE)
                .add(new RecordHeader(RegistryRecords.HEADER_SIGNATURE, new byte[]{1, 2, 3}));
        assertInvalid(read(garbled, verifier), RefusalReason.BAD_SIGNATURE, "does not verify");
    }

    @Test
    void withoutAKeyUnsignedRecordsApplyAsBefore() {
        ModelArchive archive = TestArtifacts.archive("v1", dir);

        assertThat(read(RegistryRecords.artifact("models", archive, null), null))
                .isInstanceOf(RegistryEntry.Artifact.class);
    }

    @Test
    void keysSurviveTheirFiles() throws Exception {
        Path[] files = RegistryKeys.generate(dir.resolve("keys"));
        RecordSignature.Signer signer = new RecordSignature.Signer(RegistryKeys.readPrivate(files[0]), REGISTRY);
        RecordSignature.Verifier verifier = RecordSignature.Verifier.of(List.of(RegistryKeys.readPublic(files[1])),
                REGISTRY);

        assertThat(read(RegistryRecords.command("models", ModelCommand.of(ModelCommand.Action.PROMOTE, null, 0, "t"),
                signer), verifier)).isInstanceOf(RegistryEntry.Command.class);
        assertThat(files[0]).isNotEqualTo(files[1]);
    }

    private static RegistryEntry read(ProducerRecord<byte[], byte[]> written, RecordSignature.Verifier verifier) {
        ConsumerRecord<byte[], byte[]> record = new ConsumerRecord<>(written.topic(), 0, 7, 0,
                TimestampType.CREATE_TIME, 0, 0, written.key(), written.value(),
                new RecordHeaders(written.headers().toArray()), Optional.empty());
        return RegistryRecords.parse(record, verifier);
    }

    private static void assertInvalid(RegistryEntry entry, RefusalReason reason, String detail) {
        assertThat(entry).isInstanceOf(RegistryEntry.Invalid.class);
        RegistryEntry.Invalid invalid = (RegistryEntry.Invalid) entry;
        assertThat(invalid.reason()).as(invalid.detail()).isEqualTo(reason);
        assertThat(invalid.detail()).contains(detail);
    }
}
