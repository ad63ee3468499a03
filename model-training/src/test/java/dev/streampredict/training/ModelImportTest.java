package dev.streampredict.training;

import dev.streampredict.common.SharedFiles;
import dev.streampredict.model.ModelArtifact;
import dev.streampredict.model.ModelMetadata;
import dev.streampredict.model.ModelRuntime;
import dev.streampredict.model.OnnxModels;
import dev.streampredict.model.OutputKind;
import dev.streampredict.model.Predictor;
import dev.streampredict.model.Task;
import org.deeplearning4j.nn.modelimport.keras.Hdf5Archive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.factory.Nd4j;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

class ModelImportTest {

    /** Other projects' files, read from the workspace's shared folder; CI must have them. */
    private static final Path PEER_KERAS = SharedFiles.forTests(SharedFiles.PEER_KERAS_MODEL);
    private static final Path PEER_ONNX = SharedFiles.forTests(SharedFiles.PEER_ONNX_MODEL);
    private static final float[] WEIGHTS = {0.5f, -1f, 2f};

    @TempDir
    Path dir;

    @Test
    void thePeersKerasModelServesWhatDl4jsOwnImportAnswersWithASoftmaxOverItsLogits() throws Exception {
        assumeTrue(PEER_KERAS != null, SharedFiles.absent(SharedFiles.PEER_KERAS_MODEL));
        ModelMetadata metadata = ModelImport.write(PEER_KERAS, classifier(OutputKind.LOGITS), dir);

        Predictor loaded = ModelArtifact.load(dir.toString());
        double[][] images = images(3);
        double[][] served = loaded.classify(images, 3);

        assertThat(metadata.runtime()).isEqualTo(ModelRuntime.DL4J);
        assertThat(metadata.features()).hasSize(784).startsWith("f0", "f1");
        assertThat(metadata.classes()).containsExactly("0", "1", "2", "3", "4", "5", "6", "7", "8", "9");
        double[][] logits = KerasImport.sequential(PEER_KERAS)
                .output(Nd4j.create(images)).toDoubleMatrix();
        for (int i = 0; i < images.length; i++) {
            assertThat(served[i]).containsExactly(OnnxModels.softmax(logits[i]), within(1e-5));
        }
    }

    @Test
    void aFunctionalKerasModelThatIsAChainOfLayersServesAsItsSequentialTwin() throws Exception {
        assumeTrue(PEER_KERAS != null, SharedFiles.absent(SharedFiles.PEER_KERAS_MODEL));
        Path functional = KerasFiles.asFunctional(PEER_KERAS, dir.resolve("functional.h5"));
        // closed before the next import: HDF5 is not thread-safe, and an archive left open is closed by JavaCPP's
        // deallocator thread whenever the garbage collector gets to it (seen failing that import: H5Aread failed)
        try (Hdf5Archive archive = new Hdf5Archive(functional.toString())) {
            assertThat(archive.readAttributeAsJson("model_config"))
                    .contains("\"class_name\":\"Functional\"").contains("inbound_nodes");
        }

        ModelImport.write(functional, classifier(OutputKind.LOGITS), dir.resolve("functional"));
        ModelImport.write(PEER_KERAS, classifier(OutputKind.LOGITS), dir.resolve("sequential"));

        double[][] images = images(3);
        double[][] fromFunctional = ModelArtifact.load(dir.resolve("functional").toString()).classify(images, 3);
        double[][] fromSequential = ModelArtifact.load(dir.resolve("sequential").toString()).classify(images, 3);
        for (int i = 0; i < images.length; i++) {
            assertThat(fromFunctional[i]).containsExactly(fromSequential[i], within(1e-6));
        }
    }

    @Test
    void aKerasRegressionModelForecastsWhatDl4jsOwnImportAnswersOnItsStandardisedScale() throws Exception {
        assumeTrue(PEER_KERAS != null, SharedFiles.absent(SharedFiles.PEER_KERAS_MODEL));
        float[] kernel = new float[32];
        for (int i = 0; i < kernel.length; i++) {
            kernel[i] = (i % 3 - 1) * 0.25f;
        }
        Path regression = KerasFiles.asRegression(PEER_KERAS, dir.resolve("regression.h5"), kernel, 0.5f);
        Path csv = dir.resolve("history.csv");
        StringBuilder history = new StringBuilder("t,load\n");
        for (int i = 0; i < 1_000; i++) {
            history.append(i).append(',').append(100 + 10 * Math.sin(i / 7.0)).append('\n');
        }
        Files.writeString(csv, history);

        ModelMetadata metadata = ModelImport.write(regression, new ImportSpec("keras-forecaster", Task.REGRESSION,
                List.of("load"), 784, List.of(), null, csv, null), dir.resolve("forecaster"));
        double[][] windows = new double[2][784];
        for (int w = 0; w < windows.length; w++) {
            for (int i = 0; i < 784; i++) {
                windows[w][i] = 100 + 10 * Math.sin((i + 50 * w) / 7.0);
            }
        }
        double[] served = ModelArtifact.load(dir.resolve("forecaster").toString()).forecast(windows, 2);

        assertThat(metadata.runtime()).isEqualTo(ModelRuntime.DL4J);
        assertThat(metadata.standardizer().mean()[0]).isCloseTo(100, within(1.0));
        double mean = metadata.standardizer().mean()[0];
        double sd = metadata.standardizer().std()[0];
        double[][] standardised = new double[2][784];
        for (int w = 0; w < windows.length; w++) {
            for (int i = 0; i < 784; i++) {
                standardised[w][i] = (windows[w][i] - mean) / sd;
            }
        }
        double[][] own = KerasImport.sequential(regression)
                .output(Nd4j.create(standardised)).toDoubleMatrix();
        for (int w = 0; w < windows.length; w++) {
            assertThat(own[w]).hasSize(1);
            assertThat(served[w]).isCloseTo(mean + sd * own[w][0], within(1e-4));
        }
        assertThat(served[0]).isNotCloseTo(served[1], within(1e-6));
    }

    @Test
    void thePeersOnnxModelServesWhatOnnxRuntimeAnswersWithItsExtraUnitDimension() throws Exception {
        assumeTrue(PEER_ONNX != null, SharedFiles.absent(SharedFiles.PEER_ONNX_MODEL));
        ModelMetadata metadata = ModelImport.write(PEER_ONNX, classifier(OutputKind.LOGITS), dir);

        Predictor loaded = ModelArtifact.load(dir.toString());
        double[][] images = images(4);
        double[][] served = loaded.classify(images, 4);

        assertThat(metadata.runtime()).isEqualTo(ModelRuntime.ONNX);
        assertThat(metadata.onnx().input()).isEqualTo("input");
        assertThat(metadata.onnx().inputShape()).containsExactly(-1L, 1L, 784L);
        assertThat(Files.exists(dir.resolve("model.onnx"))).isTrue();
        double[][] logits = OnnxModels.answer(PEER_ONNX, "input", new long[]{1, 784}, images);
        for (int i = 0; i < images.length; i++) {
            assertThat(served[i]).containsExactly(OnnxModels.softmax(logits[i]), within(1e-5));
        }
    }

    @Test
    void logitsImportedAsProbabilitiesAreRefusedAndLeaveNoArtifact() throws Exception {
        assumeTrue(PEER_ONNX != null, SharedFiles.absent(SharedFiles.PEER_ONNX_MODEL));
        assertThatThrownBy(() -> ModelImport.write(PEER_ONNX, classifier(OutputKind.PROBABILITIES), dir))
                .hasMessageContaining("not probabilities that sum to 1").hasMessageContaining("--outputs logits");
        assertThat(ModelArtifact.exists(dir)).isFalse();
    }

    @Test
    void aWindowModelForecastsItsArithmeticOnTheScaleOfTheCsvItWasTrainedOn() throws Exception {
        Path onnx = write("linear.onnx", OnnxModels.linear(WEIGHTS, 0.25f));
        Path csv = dir.resolve("train.csv");
        Files.writeString(csv, "t,load\n1,10\n2,14\n3,12\n4,16\n");
        ImportSpec spec = new ImportSpec("lin", Task.REGRESSION, List.of("load"), 3, List.of(), null, csv, null);

        ModelMetadata metadata = ModelImport.write(onnx, spec, dir.resolve("m"));
        double forecast = ModelArtifact.load(dir.resolve("m").toString()).forecast(new double[][]{{11, 13, 15}}, 1)[0];

        double mean = 13;
        double sd = Math.sqrt((9 + 1 + 1 + 9) / 3.0);
        double z = 0.5 * (11 - mean) / sd - (13 - mean) / sd + 2 * (15 - mean) / sd + 0.25;
        assertThat(forecast).isCloseTo(mean + sd * z, within(1e-4));
        assertThat(metadata.target()).isEqualTo("load");
        assertThat(metadata.trainingData()).contains("linear.onnx").contains("train.csv");
    }

    @Test
    void aNamedDimensionAfterTheBatchTakesTheWindowGiven() throws Exception {
        Path onnx = write("dynamic.onnx", OnnxModels.graph().input("series", OnnxModels.FLOAT, -1, -1)
                .node("ReduceSum", "series", "total").output("total", OnnxModels.FLOAT, -1, 1).bytes());

        ModelMetadata metadata = ModelImport.write(onnx, window("v", 5), dir);

        assertThat(metadata.onnx().inputShape()).containsExactly(-1L, 5L);
        assertThat(ModelArtifact.load(dir.toString()).forecast(new double[][]{{1, 2, 3, 4, 5}}, 1)[0])
                .isCloseTo(15, within(1e-5));
    }

    @Test
    void whatTheFileSaysIsCheckedAgainstWhatWasGiven() throws Exception {
        Path linear = write("linear.onnx", OnnxModels.linear(WEIGHTS, 0));
        assertThatThrownBy(() -> ModelImport.write(linear, window("v", 4), dir))
                .hasMessageContaining("rows of 3 values, but --window is 4: give --window 3");
        assertThatThrownBy(() -> ModelImport.write(linear, new ImportSpec("x", Task.CLASSIFICATION,
                List.of("a", "b"), 0, List.of(), OutputKind.LOGITS, null, null), dir))
                .hasMessageContaining("rows of 3 values, but 2 feature names were given");

        Path logistic = write("logistic.onnx", OnnxModels.logistic(WEIGHTS, 0));
        assertThatThrownBy(() -> ModelImport.write(logistic, new ImportSpec("x", Task.CLASSIFICATION, List.of(), 0,
                List.of("a", "b", "c"), OutputKind.LOGITS, null, null), dir))
                .hasMessageContaining("2 outputs but 3 class names");
        assertThatThrownBy(() -> ModelImport.write(logistic, window("v", 3), dir))
                .hasMessageContaining("a forecaster gives one value, but the model gives 2");

        Path longs = write("longs.onnx", OnnxModels.graph().input("x", OnnxModels.INT64, -1, 3)
                .node("ReduceSum", "x", "y").output("y", OnnxModels.INT64, -1, 1).bytes());
        assertThatThrownBy(() -> ModelImport.write(longs, window("v", 3), dir))
                .hasMessageContaining("float32");
        Path fixedBatch = write("fixed.onnx", OnnxModels.graph().input("x", OnnxModels.FLOAT, 4, 3)
                .node("ReduceSum", "x", "y").output("y", OnnxModels.FLOAT, 4, 1).bytes());
        assertThatThrownBy(() -> ModelImport.write(fixedBatch, window("v", 3), dir))
                .hasMessageContaining("of shape [4, 3]").hasMessageContaining("dynamic batch dimension");
        assertThatThrownBy(() -> ModelImport.write(write("model.pt", new byte[]{1}), window("v", 3), dir))
                .hasMessageContaining("neither an ONNX model (.onnx) nor a Keras HDF5 model (.h5)");
        assertThatThrownBy(() -> ModelImport.write(dir.resolve("missing.onnx"), window("v", 3), dir))
                .hasMessageContaining("no model file at");
        assertThatThrownBy(() -> ModelImport.write(write("junk.onnx", new byte[]{1, 2, 3}), window("v", 3), dir))
                .hasMessageContaining("does not open in ONNX Runtime");
        assertThat(ModelArtifact.exists(dir)).isFalse();
    }

    @Test
    void aSpecSaysWhatIsMissing() {
        assertThatThrownBy(() -> new ImportSpec("x", null, List.of(), 0, List.of(), null, null, null))
                .hasMessageContaining("--task regression or --task classification");
        assertThatThrownBy(() -> new ImportSpec("x", Task.CLASSIFICATION, List.of(), 0, List.of(), null, null, null))
                .hasMessageContaining("--outputs probabilities or --outputs logits");
        assertThatThrownBy(() -> new ImportSpec("x", Task.REGRESSION, List.of("a", "b"), 3, List.of(), null, null,
                null)).hasMessageContaining("--feature NAME and --window W");
        assertThatThrownBy(() -> new ImportSpec("x", Task.REGRESSION, List.of("a"), 3, List.of(), OutputKind.LOGITS,
                null, null)).hasMessageContaining("a forecaster gives values");
    }

    private static ImportSpec classifier(OutputKind outputs) {
        return new ImportSpec("crayfish-ffnn", Task.CLASSIFICATION, List.of(), 0, List.of(), outputs, null, null);
    }

    private static ImportSpec window(String feature, int window) {
        return new ImportSpec("w", Task.REGRESSION, List.of(feature), window, List.of(), null, null, null);
    }

    private Path write(String name, byte[] bytes) throws Exception {
        return Files.write(dir.resolve(name), bytes);
    }

    private static double[][] images(int count) {
        Random random = new Random(7);
        double[][] images = new double[count][784];
        for (double[] image : images) {
            for (int i = 0; i < image.length; i++) {
                image[i] = random.nextInt(1000) / 1000.0;
            }
        }
        return images;
    }
}
