package dev.streampredict.training;

import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;

import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.HexFormat;

/** Version strings like {@code sp500-close-20261122T193000Z-3fa2c1d0}: name, training time, weight digest. */
final class ModelVersions {

    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'")
            .withZone(ZoneOffset.UTC);

    private ModelVersions() {
    }

    static String of(String name, Instant trainedAt, MultiLayerNetwork network) {
        float[] weights = network.params().toFloatVector();
        ByteBuffer bytes = ByteBuffer.allocate(weights.length * Float.BYTES);
        for (float w : weights) {
            bytes.putFloat(w);
        }
        return of(name, trainedAt, bytes.array());
    }

    /** The name, the time, and the start of a digest of {@code content}: two models differ in their names. */
    static String of(String name, Instant madeAt, byte[] content) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(content);
            return name + "-" + TIME.format(madeAt) + "-" + HexFormat.of().formatHex(digest, 0, 4);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }
}
