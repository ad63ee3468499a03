package dev.streampredict.model;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.Arrays;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ModelArchiveTest {

    @TempDir
    Path dir;

    @Test
    void anArchiveCarriesTheWholeArtifactAndItsMetadataReadsWithoutTheNetwork() throws Exception {
        ModelMetadata metadata = ModelArtifactTest.regression(4, TargetMode.LEVEL);
        ModelArtifact.save(dir, metadata, ModelArtifactTest.network(4, 1));
        Predictor original = ModelArtifact.load(dir.toString());

        ModelArchive archive = ModelArchive.parse(ModelArchive.of(dir.toString()).bytes());

        assertThat(archive.metadata()).isEqualTo(metadata);
        double[][] windows = {{1, 2, 3, 4}};
        assertThat(archive.load().forecast(windows, 1)).containsExactly(original.forecast(windows, 1));
    }

    @Test
    void aTruncatedOrForeignArchiveIsRefusedWithTheReason() throws Exception {
        ModelArtifact.save(dir, ModelArtifactTest.regression(4, TargetMode.LEVEL), ModelArtifactTest.network(4, 1));
        byte[] whole = ModelArchive.of(dir.toString()).bytes();

        assertThatThrownBy(() -> ModelArchive.parse(Arrays.copyOf(whole, whole.length - 200)).load())
                .isInstanceOf(ModelArtifactException.class);
        assertThatThrownBy(() -> ModelArchive.parse("not a zip".getBytes()))
                .isInstanceOf(ModelArtifactException.class).hasMessageContaining("has no model.json");
        assertThatThrownBy(() -> ModelArchive.parse(new byte[0]))
                .isInstanceOf(ModelArtifactException.class).hasMessageContaining("empty");
    }

    @Test
    void aLongerWindowReadsOnlyItsLastValues() throws Exception {
        Predictor predictor = new Predictor(ModelArtifactTest.regression(3, TargetMode.DIFFERENCE),
                new Dl4jRuntime(ModelArtifactTest.network(2, 1)));

        assertThat(predictor.forecast(new double[][]{{9, 9, 1, 2, 4}}, 1))
                .containsExactly(predictor.forecast(new double[][]{{1, 2, 4}}, 1));
    }
}
