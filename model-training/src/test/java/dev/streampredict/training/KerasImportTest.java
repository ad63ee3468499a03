package dev.streampredict.training;

import dev.streampredict.common.SharedFiles;
import dev.streampredict.model.ModelArtifact;
import dev.streampredict.model.Predictor;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.offset;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

class KerasImportTest {

    /** Another project's file, read from the workspace's shared folder; CI must have it. */
    private static final Path PEER = "true".equals(System.getenv("CI"))
            ? SharedFiles.require(SharedFiles.PEER_KERAS_MODEL)
            : SharedFiles.find(SharedFiles.PEER_KERAS_MODEL).orElse(null);
    private static final List<String> DIGITS = IntStream.range(0, 10).mapToObj(Integer::toString).toList();

    @TempDir
    Path dir;

    @BeforeEach
    void requireThePeerModel() {
        assumeTrue(PEER != null, "no shared folder with " + SharedFiles.PEER_KERAS_MODEL + " beside the repository"
                + " (or " + SharedFiles.ENV + "): the peer model's tests are skipped");
    }

    @Test
    void thePeerBenchmarksKerasModelBecomesAnArtifactTheJobCanServe() throws Exception {
        KerasImport.classifier(PEER, "crayfish-ffnn", DIGITS).save(dir);

        Predictor loaded = ModelArtifact.load(dir.toString());
        assertThat(loaded.metadata().features()).hasSize(784).startsWith("f0", "f1");
        double[][] images = new double[3][784];
        Random random = new Random(1);
        for (double[] image : images) {
            for (int i = 0; i < image.length; i++) {
                image[i] = random.nextDouble();
            }
        }
        double[][] probabilities = loaded.classify(images, 3);
        for (double[] p : probabilities) {
            assertThat(p).hasSize(10);
            assertThat(Arrays.stream(p).sum()).isCloseTo(1.0, offset(1e-4));
        }
    }

    @Test
    void aWrongNumberOfClassNamesIsRefused() {
        assertThatThrownBy(() -> KerasImport.classifier(PEER, "x", List.of("a", "b")))
                .hasMessageContaining("10 outputs but 2 class names");
    }
}
