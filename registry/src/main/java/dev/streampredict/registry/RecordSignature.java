package dev.streampredict.registry;

import dev.streampredict.model.RefusalReason;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.Serializable;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.util.List;

/**
 * What a registry record's signature covers: the registry it was written for (its topic's id, which Kafka gives each
 * topic when it is made, so that a record copied from another registry, even one of the same name, does not verify),
 * the record's kind, its version and a digest of its value. Anyone who can write to the topic can write records; only
 * the holder of the private key can write records that a verifying job applies.
 */
public final class RecordSignature {

    private static final String DOMAIN = "stream-predict registry record v1";

    private RecordSignature() {
    }

    /** Signs records for one registry; serialisable, so that a job that writes its own decisions carries it. */
    public record Signer(PrivateKey key, String registryId) implements Serializable {

        public byte[] sign(String type, String version, byte[] value) {
            try {
                Signature signature = Signature.getInstance(RegistryKeys.ALGORITHM);
                signature.initSign(key);
                signature.update(payload(registryId, type, version, value));
                return signature.sign();
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException("signing with an Ed25519 key does not fail", e);
            }
        }
    }

    /**
     * Verifies the records of one registry; serialisable, so that a job's tasks carry it.
     *
     * @param publicKeys the X.509 encodings of the keys a record may be signed with: the publishers', and a job's
     *                   that writes its own promotion decisions
     */
    public record Verifier(List<byte[]> publicKeys, String registryId) implements Serializable {

        public Verifier {
            publicKeys = List.copyOf(publicKeys);
            if (publicKeys.isEmpty()) {
                throw new IllegalArgumentException("a verifier needs at least one public key");
            }
        }

        public static Verifier of(List<PublicKey> keys, String registryId) {
            return new Verifier(keys.stream().map(PublicKey::getEncoded).toList(), registryId);
        }

        /** Null when the signature holds; otherwise why the record is refused. */
        public RefusalReason check(String type, String version, byte[] value, byte[] signature) {
            if (signature == null || signature.length == 0) {
                return RefusalReason.UNSIGNED;
            }
            byte[] payload;
            try {
                payload = payload(registryId, type, version, value);
            } catch (RuntimeException e) {
                return RefusalReason.BAD_SIGNATURE;
            }
            for (byte[] key : publicKeys) {
                try {
                    Signature verifier = Signature.getInstance(RegistryKeys.ALGORITHM);
                    verifier.initVerify(RegistryKeys.publicKey(key, "a verifying key"));
                    verifier.update(payload);
                    if (verifier.verify(signature)) {
                        return null;
                    }
                } catch (GeneralSecurityException | RuntimeException e) { // a signature of the wrong form
                    // not this key's
                }
            }
            return RefusalReason.BAD_SIGNATURE;
        }
    }

    /** Each part with its length, so that no two records have the same payload. */
    static byte[] payload(String registryId, String type, String version, byte[] value) {
        try {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            DataOutputStream out = new DataOutputStream(bytes);
            out.writeUTF(DOMAIN);
            out.writeUTF(registryId);
            out.writeUTF(type == null ? "" : type);
            out.writeUTF(version == null ? "" : version);
            out.write(MessageDigest.getInstance("SHA-256").digest(value == null ? new byte[0] : value));
            return bytes.toByteArray();
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalStateException("a payload of short, checked parts is always written", e);
        }
    }
}
