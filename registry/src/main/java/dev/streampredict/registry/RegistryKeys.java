package dev.streampredict.registry;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.Base64;

/**
 * The Ed25519 key pair that signs registry records: the private key stays with the publishers (and a job that writes
 * its own promotion decisions), the public key goes to every job that verifies. Stored as PEM, as {@code openssl
 * genpkey -algorithm ed25519} writes them, so that keys can be made and inspected with the usual tools too.
 */
public final class RegistryKeys {

    static final String ALGORITHM = "Ed25519";
    private static final String PRIVATE = "PRIVATE KEY";
    private static final String PUBLIC = "PUBLIC KEY";

    private RegistryKeys() {
    }

    /** Writes a new pair as {@code DIR/registry.key} (readable by its owner only) and {@code DIR/registry.pub}. */
    public static Path[] generate(Path directory) throws IOException {
        KeyPair pair;
        try {
            pair = KeyPairGenerator.getInstance(ALGORITHM).generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("this JDK has no Ed25519 (every JDK from 15 on has)", e);
        }
        Files.createDirectories(directory);
        Path privateFile = directory.resolve("registry.key");
        Path publicFile = directory.resolve("registry.pub");
        if (Files.exists(privateFile) || Files.exists(publicFile)) {
            throw new IllegalArgumentException(privateFile + " or " + publicFile + " exists already; move it away "
                    + "first (publishers and jobs that use it would stop agreeing)");
        }
        Files.createFile(privateFile,
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        Files.writeString(privateFile, pem(PRIVATE, pair.getPrivate().getEncoded()));
        Files.writeString(publicFile, pem(PUBLIC, pair.getPublic().getEncoded()));
        return new Path[]{privateFile, publicFile};
    }

    /** @throws IllegalArgumentException naming the file and what is wrong with it */
    public static PrivateKey readPrivate(Path file) {
        try {
            return KeyFactory.getInstance(ALGORITHM).generatePrivate(new PKCS8EncodedKeySpec(read(file, PRIVATE)));
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException(file + " is not an Ed25519 private key (" + e.getMessage() + ")", e);
        }
    }

    /** @throws IllegalArgumentException naming the file and what is wrong with it */
    public static PublicKey readPublic(Path file) {
        return publicKey(read(file, PUBLIC), file.toString());
    }

    static PublicKey publicKey(byte[] encoded, String where) {
        try {
            return KeyFactory.getInstance(ALGORITHM).generatePublic(new X509EncodedKeySpec(encoded));
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException(where + " is not an Ed25519 public key (" + e.getMessage() + ")", e);
        }
    }

    private static byte[] read(Path file, String kind) {
        String text;
        try {
            text = Files.readString(file);
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read the key file " + file + " (" + e.getMessage() + "); "
                    + "make a pair with scripts/model.sh keygen DIR", e);
        }
        String begin = "-----BEGIN " + kind + "-----";
        String end = "-----END " + kind + "-----";
        int from = text.indexOf(begin);
        int to = text.indexOf(end);
        if (from < 0 || to < from) {
            throw new IllegalArgumentException(file + " holds no '" + begin + "' block: give the "
                    + (kind.equals(PRIVATE) ? "private key (registry.key)" : "public key (registry.pub)"));
        }
        try {
            return Base64.getMimeDecoder().decode(text.substring(from + begin.length(), to));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(file + " is not a PEM key: " + e.getMessage(), e);
        }
    }

    private static String pem(String kind, byte[] encoded) {
        return "-----BEGIN " + kind + "-----\n" + Base64.getMimeEncoder(64, "\n".getBytes()).encodeToString(encoded)
                + "\n-----END " + kind + "-----\n";
    }
}
