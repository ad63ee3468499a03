package dev.streampredict.registry;

import dev.streampredict.model.ModelArchive;
import dev.streampredict.model.OnnxModels;
import dev.streampredict.model.OnnxSignature;
import dev.streampredict.model.OutputKind;
import dev.streampredict.model.Predictor;
import dev.streampredict.model.RefusalReason;
import dev.streampredict.model.TestArtifacts;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * An ONNX Runtime session holds native memory until it is closed, so a check closes every model it drops: a
 * version the registry no longer holds, one refused by its probe, and all of them when the check itself goes.
 */
class ModelCheckTest {

    private static final double[][] WINDOW = {{1, 2, 3}};

    @TempDir
    Path dir;

    @Test
    void aVersionTheRegistryNoLongerHoldsIsClosedAndTheOthersServeOn() throws Exception {
        ModelArchive kept = forecaster("kept", 1);
        ModelArchive dropped = forecaster("dropped", 2);
        RegistryState registry = RegistryState.withStable(kept);
        try (ModelCheck check = new ModelCheck(InputSchema.of(kept.metadata()), TestArtifacts.LIMITS)) {
            check.check(kept);
            check.check(dropped);
            Predictor keptModel = check.predictor("kept", registry);
            Predictor droppedModel = check.predictor("dropped", registry);

            check.retainOnly(Set.of("kept"));

            assertThat(keptModel.forecast(WINDOW, 1)[0]).isEqualTo(6);
            assertThatThrownBy(() -> droppedModel.forecast(WINDOW, 1)).as("its session is closed")
                    .isInstanceOf(IllegalStateException.class);
        }
    }

    @Test
    void closingTheCheckClosesEveryModelItLoaded() throws Exception {
        ModelArchive archive = forecaster("any", 1);
        ModelCheck check = ModelCheck.ofAnyInputs(TestArtifacts.LIMITS);
        check.check(archive);
        Predictor loaded = check.predictor("any", RegistryState.withStable(archive));

        check.close();

        assertThatThrownBy(() -> loaded.forecast(WINDOW, 1)).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void aModelRefusedByItsProbeIsRefusedWithItsReason() {
        ModelArchive nan = TestArtifacts.saved(dir, TestArtifacts.onnxRegression("nan", "v", 3,
                new OnnxSignature("x", List.of(-1L, 3L), "y", OutputKind.VALUES)),
                OnnxModels.linear(new float[]{1, Float.NaN, 1}, 0));
        try (ModelCheck check = ModelCheck.ofAnyInputs(TestArtifacts.LIMITS)) {
            assertThatThrownBy(() -> check.check(nan)).isInstanceOfSatisfying(Rejection.class,
                    e -> assertThat(e.reason()).isEqualTo(RefusalReason.NON_FINITE_OUTPUT));
        }
    }

    private ModelArchive forecaster(String version, float weight) {
        return TestArtifacts.onnxForecaster(version, "v", new float[]{weight, weight, weight}, 0, dir);
    }
}
