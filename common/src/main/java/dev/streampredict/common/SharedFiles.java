package dev.streampredict.common;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Files of other projects that this one reads but does not ship, such as the peer benchmark's Keras model: they
 * stay in the workspace's shared folder, {@code shared/} beside the repository (found from the working directory
 * upwards), or where {@code STREAM_PREDICT_SHARED} points.
 */
public final class SharedFiles {

    public static final String ENV = "STREAM_PREDICT_SHARED";
    /** The Crayfish benchmark's Keras FFNN (784 inputs, 10 classes); docs/peer-model.md says where it comes from. */
    public static final String PEER_KERAS_MODEL = "peer-models/crayfish-ffnn/model.h5";
    /** The same benchmark's FFNN for ONNX Runtime (input {@code [batch, 1, 784]}): another network of that size. */
    public static final String PEER_ONNX_MODEL = "peer-models/crayfish-ffnn/model-ffnn.onnx";

    /**
     * A test's shared file: required on CI, which has the shared folder, and elsewhere {@code null} when absent, so
     * that the test is skipped with {@link #absent}.
     */
    public static Path forTests(String relative) {
        return "true".equals(System.getenv("CI")) ? require(relative) : find(relative).orElse(null);
    }

    /** Why a test that needs {@code relative} is skipped. */
    public static String absent(String relative) {
        return "no shared folder with " + relative + " beside the repository (or " + ENV + "): the test is skipped";
    }

    private SharedFiles() {
    }

    /** The shared file at {@code relative}, or empty when there is no shared folder holding it. */
    public static Optional<Path> find(String relative) {
        String env = System.getenv(ENV);
        if (env != null && !env.isBlank()) {
            Path file = Path.of(env).resolve(relative);
            return Files.isRegularFile(file) ? Optional.of(file) : Optional.empty();
        }
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            Path file = dir.resolve("shared").resolve(relative);
            if (Files.isRegularFile(file)) {
                return Optional.of(file);
            }
        }
        return Optional.empty();
    }

    /** @throws IllegalStateException saying where the file was looked for and how to point at it */
    public static Path require(String relative) {
        return find(relative).orElseThrow(() -> new IllegalStateException(relative + " is not in a shared folder "
                + "beside the repository (shared/" + relative + " in this directory or one above it), and "
                + ENV + " does not point at one holding it: it is another project's file, which this one does "
                + "not ship (docs/peer-model.md says where it comes from)"));
    }
}
