package dev.streampredict.model;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

class OnnxRuntimeTest {

    private static final float[] WEIGHTS = {0.5f, -0.25f, 2f};
    private static final List<String> FEATURES = List.of("a", "b", "c");

    @TempDir
    Path dir;

    @Test
    void aLinearForecasterForecastsItsArithmeticInOneCallPerBatch() {
        Predictor predictor = TestArtifacts.onnxForecaster("lin", "v", WEIGHTS, 1.5f, dir).load(TestArtifacts.LIMITS);
        // windows longer than the model's: it reads the last three values
        double[][] windows = {{9, 1, 2, 3}, {9, -4, 0.5, 10}, {9, 0, 0, 0}};

        double[] forecasts = predictor.forecast(windows, 3);

        assertThat(forecasts[0]).isCloseTo(0.5 * 1 - 0.25 * 2 + 2 * 3 + 1.5, within(1e-5));
        assertThat(forecasts[1]).isCloseTo(0.5 * -4 - 0.25 * 0.5 + 2 * 10 + 1.5, within(1e-5));
        assertThat(forecasts[2]).isCloseTo(1.5, within(1e-6));
    }

    @Test
    void logitsBecomeTheLogisticProbabilitiesOfBothClasses() {
        Predictor predictor = TestArtifacts.onnxClassifier("logit", FEATURES, List.of("no", "yes"), WEIGHTS, -1f, dir)
                .load(TestArtifacts.LIMITS);
        double[][] rows = {{1, 2, 3}, {-2, 4, -1}};

        double[][] probabilities = predictor.classify(rows, 2);

        for (int r = 0; r < rows.length; r++) {
            double z = 0.5 * rows[r][0] - 0.25 * rows[r][1] + 2 * rows[r][2] - 1;
            double p = 1 / (1 + Math.exp(-z));
            assertThat(probabilities[r]).as("row %d", r).containsExactly(new double[]{1 - p, p}, within(1e-5));
        }
    }

    @Test
    void aModelWithABatchOfOneIsScoredRowByRowWithTheSameAnswers() {
        ModelMetadata metadata = TestArtifacts.onnxRegression("one", "v", 3,
                new OnnxSignature("x", List.of(1L, 3L), "y", OutputKind.VALUES));
        byte[] file = OnnxModels.graph().input("x", OnnxModels.FLOAT, 1, 3)
                .initializer("w", new long[]{3, 1}, WEIGHTS).node("MatMul", "x,w", "y")
                .output("y", OnnxModels.FLOAT, 1, 1).bytes();
        Predictor predictor = TestArtifacts.saved(dir, metadata, file).load(TestArtifacts.LIMITS);

        double[] forecasts = predictor.forecast(new double[][]{{1, 2, 3}, {4, 5, 6}}, 2);

        assertThat(forecasts).containsExactly(new double[]{0.5 - 0.5 + 6, 2 - 1.25 + 12}, within(1e-5));
    }

    @Test
    void anExtraUnitDimensionIsFilledFromTheRowAsExportersWriteIt() {
        ModelMetadata metadata = TestArtifacts.onnxRegression("unit", "v", 3,
                new OnnxSignature("x", List.of(-1L, 1L, 3L), "y", OutputKind.VALUES));
        byte[] file = OnnxModels.graph().input("x", OnnxModels.FLOAT, OnnxModels.BATCH, 1, 3)
                .initializer("w", new long[]{3, 1}, WEIGHTS).initializer("s", new long[]{2}, new long[]{-1, 3})
                .node("Reshape", "x,s", "flat")
                .node("MatMul", "flat,w", "y").output("y", OnnxModels.FLOAT, OnnxModels.BATCH, 1).bytes();
        Predictor predictor = TestArtifacts.saved(dir, metadata, file).load(TestArtifacts.LIMITS);

        assertThat(predictor.forecast(new double[][]{{1, 2, 3}}, 1)[0]).isCloseTo(6, within(1e-5));
    }

    @Test
    void aWrongInputNameIsRefusedAsAMismatchNamingTheModelsInputs() {
        ModelMetadata metadata = TestArtifacts.onnxRegression("name", "v", 3,
                new OnnxSignature("input", List.of(-1L, 3L), "y", OutputKind.VALUES));
        assertRefused(metadata, OnnxModels.linear(WEIGHTS, 0), RefusalReason.MISMATCH, "has the inputs [x]",
                "names one, 'input'");
    }

    @Test
    void aWrongWidthOrRankIsRefusedAsAMismatchNamingBothShapes() {
        ModelMetadata window4 = TestArtifacts.onnxRegression("wide", "v", 4,
                new OnnxSignature("x", List.of(-1L, 4L), "y", OutputKind.VALUES));
        assertRefused(window4, OnnxModels.linear(WEIGHTS, 0), RefusalReason.MISMATCH, "of shape [-1, 3]",
                "the job gives [-1, 4]");

        ModelMetadata rank3 = TestArtifacts.onnxRegression("rank", "v", 3,
                new OnnxSignature("x", List.of(-1L, 1L, 3L), "y", OutputKind.VALUES));
        assertRefused(rank3, OnnxModels.linear(WEIGHTS, 0), RefusalReason.MISMATCH, "of shape [-1, 3]");
    }

    @Test
    void anInputOfAnotherElementTypeIsRefusedAsAMismatch() {
        byte[] doubles = OnnxModels.graph().input("x", OnnxModels.DOUBLE, OnnxModels.BATCH, 3)
                .node("ReduceSum", "x", "y").output("y", OnnxModels.DOUBLE, OnnxModels.BATCH, 1).bytes();
        assertRefused(forecaster(), doubles, RefusalReason.MISMATCH, "element type DOUBLE", "float32");
    }

    @Test
    void anOutputOfTheWrongWidthIsRefused() {
        byte[] twoOutputs = OnnxModels.logistic(WEIGHTS, 0);
        ModelMetadata metadata = TestArtifacts.onnxRegression("two", "v", 3,
                new OnnxSignature("x", List.of(-1L, 3L), "logits", OutputKind.VALUES));
        assertRefused(metadata, twoOutputs, RefusalReason.MISMATCH, "of shape [-1, 2]", "rows of 1 values");
    }

    @Test
    void anOperatorTheRuntimeDoesNotKnowIsRefusedAsUnsupported() {
        byte[] unknown = OnnxModels.graph().input("x", OnnxModels.FLOAT, OnnxModels.BATCH, 3)
                .node("NoSuchOperator", "x", "y").output("y", OnnxModels.FLOAT, OnnxModels.BATCH, 1).bytes();
        assertRefused(forecaster(), unknown, RefusalReason.UNSUPPORTED, "NoSuchOperator", "cannot run");
    }

    @Test
    void aCorruptOrTruncatedFileIsRefusedAsCorrupt() {
        byte[] file = OnnxModels.linear(WEIGHTS, 0);
        assertRefused(forecaster(), Arrays.copyOf(file, file.length / 2), RefusalReason.CORRUPT,
                "corrupt or not an ONNX model");
        assertRefused(forecaster(), "not a model".getBytes(), RefusalReason.CORRUPT, "corrupt or not an ONNX model");
    }

    @Test
    void aFileOverTheMemoryBudgetIsRefusedBeforeASessionIsMade() {
        byte[] file = OnnxModels.linear(WEIGHTS, 0);
        assertThatThrownBy(() -> OnnxRuntime.read(new byte[1024 * 1024], forecaster(), new ModelLimits(1024 * 1024,
                128), "big.onnx"))
                .isInstanceOfSatisfying(ModelArtifactException.class,
                        e -> assertThat(e.reason()).isEqualTo(RefusalReason.OVER_BUDGET))
                .hasMessageContaining(ModelLimits.BUDGET_SETTING);
        assertThat(OnnxRuntime.read(file, forecaster(), TestArtifacts.LIMITS, "small.onnx").inputWidth()).isEqualTo(3);
    }

    @Test
    void metadataThatCannotFitItsTaskIsRefusedWhenRead() {
        assertThatThrownBy(() -> TestArtifacts.onnxRegression("x", "v", 3,
                new OnnxSignature("x", List.of(-1L, 4L), "y", OutputKind.VALUES)))
                .hasMessageContaining("onnx.inputShape").hasMessageContaining("rows of 3");
        assertThatThrownBy(() -> TestArtifacts.onnxRegression("x", "v", 3,
                new OnnxSignature("x", List.of(-1L, 3L), "y", OutputKind.LOGITS)))
                .hasMessageContaining("onnx.outputs");
        assertThatThrownBy(() -> new OnnxSignature("x", List.of(5L, 3L), "y", OutputKind.VALUES))
                .hasMessageContaining("starts with the batch");
    }

    @Test
    void softmaxOfLargeScoresDoesNotOverflow() {
        double[] scores = {1000, 1000, 999};
        OnnxRuntime.softmax(scores, 0, 3);
        assertThat(scores[0]).isCloseTo(scores[1], within(1e-12));
        assertThat(scores[0] + scores[1] + scores[2]).isCloseTo(1, within(1e-12));
    }

    private static ModelMetadata forecaster() {
        return TestArtifacts.onnxRegression("f", "v", 3, new OnnxSignature("x", List.of(-1L, 3L), "y",
                OutputKind.VALUES));
    }

    private static void assertRefused(ModelMetadata metadata, byte[] file, RefusalReason reason, String... says) {
        assertThatThrownBy(() -> OnnxRuntime.read(file, metadata, TestArtifacts.LIMITS, "test.onnx"))
                .isInstanceOfSatisfying(ModelArtifactException.class, e -> {
                    assertThat(e.reason()).as(e.getMessage()).isEqualTo(reason);
                    for (String said : says) {
                        assertThat(e.getMessage()).contains(said);
                    }
                });
    }
}
