package dev.streampredict.training;

import dev.streampredict.common.SharedFiles;
import dev.streampredict.model.ModelArtifact;
import dev.streampredict.model.ModelMetadata;
import dev.streampredict.model.ModelRuntime;
import dev.streampredict.model.OnnxModels;
import dev.streampredict.model.OutputKind;
import dev.streampredict.model.Predictor;
import dev.streampredict.model.Task;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.bytedeco.hdf5.Attribute;
import org.bytedeco.hdf5.DataSpace;
import org.bytedeco.hdf5.H5File;
import org.bytedeco.hdf5.PredType;
import org.bytedeco.hdf5.StrType;
import org.bytedeco.hdf5.global.hdf5;
import org.bytedeco.javacpp.BytePointer;
import org.deeplearning4j.nn.modelimport.keras.Hdf5Archive;
import org.deeplearning4j.nn.modelimport.keras.KerasModelImport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.factory.Nd4j;

import java.nio.charset.StandardCharsets;
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
        double[][] logits = KerasModelImport.importKerasSequentialModelAndWeights(PEER_KERAS.toString(), false)
                .output(Nd4j.create(images)).toDoubleMatrix();
        for (int i = 0; i < images.length; i++) {
            assertThat(served[i]).containsExactly(OnnxModels.softmax(logits[i]), within(1e-5));
        }
    }

    @Test
    void aFunctionalKerasModelThatIsAChainOfLayersServesAsItsSequentialTwin() throws Exception {
        assumeTrue(PEER_KERAS != null, SharedFiles.absent(SharedFiles.PEER_KERAS_MODEL));
        Path functional = asFunctional(PEER_KERAS);
        assertThat(new Hdf5Archive(functional.toString()).readAttributeAsJson("model_config"))
                .contains("\"class_name\":\"Functional\"").contains("inbound_nodes");

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

    /**
     * The Sequential file with its {@code model_config} rewritten as Keras writes a functional model of the same
     * layers (each fed by the one before): the weights stay where they are, so the two are one network.
     */
    private Path asFunctional(Path sequential) throws Exception {
        Path copy = Files.copy(sequential, dir.resolve("functional.h5"));
        ObjectMapper json = new ObjectMapper();
        ObjectNode model;
        try (Hdf5Archive archive = new Hdf5Archive(sequential.toString())) {
            model = (ObjectNode) json.readTree(archive.readAttributeAsJson("model_config"));
        }
        ObjectNode config = (ObjectNode) model.get("config");
        String first = null;
        String previous = null;
        for (JsonNode node : config.get("layers")) {
            ObjectNode layer = (ObjectNode) node;
            String name = layer.get("config").get("name").asText();
            layer.put("name", name);
            ArrayNode inbound = layer.putArray("inbound_nodes");
            if (previous != null) {
                inbound.addArray().addArray().add(previous).add(0).add(0).addObject();
            }
            first = first == null ? name : first;
            previous = name;
        }
        model.put("class_name", "Functional");
        config.putArray("input_layers").addArray().add(first).add(0).add(0);
        config.putArray("output_layers").addArray().add(previous).add(0).add(0);
        byte[] bytes = json.writeValueAsString(model).getBytes(StandardCharsets.UTF_8);
        H5File file = new H5File(copy.toString(), hdf5.H5F_ACC_RDWR);
        try {
            file.removeAttr(new BytePointer("model_config"));
            StrType type = new StrType(PredType.C_S1(), bytes.length);
            Attribute attribute = file.createAttribute("model_config", type, new DataSpace(hdf5.H5S_SCALAR));
            attribute.write(type, new BytePointer(bytes));
            attribute.close();
        } finally {
            file.close();
        }
        return copy;
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
