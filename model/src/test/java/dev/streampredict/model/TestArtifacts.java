package dev.streampredict.model;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.management.ThreadMXBean;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.util.ModelSerializer;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.lossfunctions.LossFunctions;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/** Small real artifacts, and their parts, for the tests of this module and of its registry package. */
public final class TestArtifacts {

    /** A budget that every artifact here fits and every bomb here passes. */
    public static final ModelLimits LIMITS = new ModelLimits(64L * 1024 * 1024, 128);

    private TestArtifacts() {
    }

    public static ModelMetadata regression(String version, int window, TargetMode mode) {
        return regression(version, "close", window, mode);
    }

    /** A forecaster of {@code feature}'s next value. */
    public static ModelMetadata regression(String version, String feature, int window, TargetMode mode) {
        return new ModelMetadata(ModelMetadata.CURRENT_FORMAT, version, Task.REGRESSION, window,
                List.of(feature), feature, mode, new Standardizer(new double[]{5}, new double[]{2}), List.of(),
                "2026-01-01T00:00:00Z", "test", Map.of("mse", 1.5));
    }

    /** A classifier of {@code features} into {@code classes}, its inputs standardised as given. */
    public static ModelMetadata classification(String version, List<String> features, List<String> classes) {
        double[] means = new double[features.size()];
        double[] sds = new double[features.size()];
        Arrays.fill(sds, 1);
        return new ModelMetadata(ModelMetadata.CURRENT_FORMAT, version, Task.CLASSIFICATION, 1, features, null, null,
                new Standardizer(means, sds), classes, "2026-01-01T00:00:00Z", "test", Map.of("accuracy", 0.5));
    }

    /**
     * The archive of a working classifier: a dense network with a softmax output, untrained, its weights drawn from
     * {@code seed}, so two seeds classify differently and a test asks the model what it says.
     */
    public static ModelArchive classifier(String version, List<String> features, List<String> classes, long seed,
                                          Path dir) {
        MultiLayerNetwork network = new MultiLayerNetwork(new NeuralNetConfiguration.Builder()
                .seed(seed)
                .list()
                .layer(new DenseLayer.Builder().nIn(features.size()).nOut(8).activation(Activation.TANH).build())
                .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nIn(8).nOut(classes.size())
                        .activation(Activation.SOFTMAX).build())
                .build());
        network.init();
        return save(dir, classification(version, features, classes), network);
    }

    /** A dense network: {@code inputs} -> 3 (tanh) -> {@code outputs}. */
    public static MultiLayerNetwork network(int inputs, int outputs) {
        MultiLayerNetwork network = new MultiLayerNetwork(configuration(inputs, 3, outputs));
        network.init();
        return network;
    }

    /** The configuration alone: a network this wide would not fit in memory, its configuration does. */
    public static MultiLayerConfiguration configuration(long inputs, long hidden, long outputs) {
        return new NeuralNetConfiguration.Builder()
                .seed(1)
                .list()
                .layer(new DenseLayer.Builder().nIn(inputs).nOut(hidden).activation(Activation.TANH).build())
                .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MSE).nIn(hidden).nOut(outputs)
                        .activation(Activation.IDENTITY).build())
                .build();
    }

    /**
     * An ONNX forecaster of {@code feature}'s next value, {@code weights · window + bias} on the raw values (no
     * standardisation), so that a test can check its forecasts by arithmetic.
     */
    public static ModelArchive onnxForecaster(String version, String feature, float[] weights, float bias, Path dir) {
        return saved(dir, onnxRegression(version, feature, weights.length,
                new OnnxSignature("x", List.of(OnnxModels.BATCH, (long) weights.length), "y", OutputKind.VALUES)),
                OnnxModels.linear(weights, bias));
    }

    /** An ONNX two-class logistic classifier over raw {@code features}: class 1 with sigmoid(w · x + b). */
    public static ModelArchive onnxClassifier(String version, List<String> features, List<String> classes,
                                              float[] weights, float bias, Path dir) {
        return saved(dir, onnxClassification(version, features, classes,
                new OnnxSignature("x", List.of(OnnxModels.BATCH, (long) features.size()), "logits",
                        OutputKind.LOGITS)), OnnxModels.logistic(weights, bias));
    }

    public static ModelMetadata onnxRegression(String version, String feature, int window, OnnxSignature signature) {
        return new ModelMetadata(ModelMetadata.CURRENT_FORMAT, version, Task.REGRESSION, window, List.of(feature),
                feature, TargetMode.LEVEL, new Standardizer(new double[]{0}, new double[]{1}), List.of(),
                "2026-01-01T00:00:00Z", "test", Map.of(), ModelRuntime.ONNX, signature);
    }

    public static ModelMetadata onnxClassification(String version, List<String> features, List<String> classes,
                                                   OnnxSignature signature) {
        ModelMetadata dl4j = classification(version, features, classes);
        return new ModelMetadata(ModelMetadata.CURRENT_FORMAT, version, Task.CLASSIFICATION, 1, features, null, null,
                dl4j.standardizer(), classes, dl4j.createdAt(), "test", Map.of(), ModelRuntime.ONNX, signature);
    }

    /**
     * The archive of a network file with its metadata, saved under {@code dir}: an ONNX file, or (from
     * {@link #save}) a DL4J one.
     */
    public static ModelArchive saved(Path dir, ModelMetadata metadata, byte[] file) {
        try {
            Path at = dir.resolve(metadata.modelVersion().replaceAll("[^A-Za-z0-9.-]", "_"));
            ModelArtifact.save(at, metadata, file);
            return ModelArchive.of(at.toString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The archive of a working forecaster over a window of 4. */
    public static ModelArchive archive(String version, Path dir) {
        return save(dir, regression(version, 4, TargetMode.LEVEL), network(4, 1));
    }

    private static ModelArchive save(Path dir, ModelMetadata metadata, MultiLayerNetwork network) {
        return saved(dir, metadata, networkFile(network));
    }

    /** {@code network.zip} of a network, as {@code ModelSerializer} writes it. */
    public static byte[] networkFile(MultiLayerNetwork network) {
        try {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            ModelSerializer.writeModel(network, out, false);
            return out.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** An archive of a metadata file and a network file, as given. */
    public static byte[] archive(byte[] metadataJson, byte[] networkFile) {
        return new ZipBuilder().entry(ModelArtifact.METADATA_FILE, metadataJson)
                .entry(ModelRuntime.DL4J.fileName(), networkFile).bytes();
    }

    public static byte[] metadataJson(ModelMetadata metadata) {
        return ModelArtifact.metadataJson(metadata);
    }

    /**
     * The three records of the registry issue that stopped serving, each an archive of {@code version}: a forecaster
     * of {@code feature}, so that a job of that feature gets as far as the defect.
     */
    public static final class Hostile {

        private Hostile() {
        }

        /** A forecaster's model.json without 'target', beside a working network. */
        public static byte[] withoutTarget(String version, String feature) throws IOException {
            ObjectNode json = (ObjectNode) new ObjectMapper().readTree(metadataJson(regression(version, feature, 4,
                    TargetMode.LEVEL)));
            json.remove("target");
            return archive(new ObjectMapper().writeValueAsBytes(json), networkFile(network(4, 1)));
        }

        /** An archive of a few megabytes whose network.zip inflates to 4 GiB. */
        public static byte[] networkBomb(String version, String feature) {
            return new ZipBuilder().entry(ModelArtifact.METADATA_FILE, metadataJson(regression(version, feature, 4,
                    TargetMode.LEVEL))).bomb(ModelRuntime.DL4J.fileName(), 4L << 30).bytes();
        }

        /** A consistent forecaster whose network has 10^10 weights: a few KB on the wire. */
        public static byte[] tooWide(String version, String feature) {
            byte[] network = new ZipBuilder().entry("configuration.json", configuration(ModelLimits.MAX_WINDOW,
                    1_000_000, 1).toJson().getBytes(StandardCharsets.UTF_8)).entry("coefficients.bin", new byte[16])
                    .bytes();
            return archive(metadataJson(regression(version, feature, ModelLimits.MAX_WINDOW, TargetMode.LEVEL)),
                    network);
        }
    }

    /** Bytes written to the heap by this thread so far: what a check allocated, read before and after it. */
    public static long allocatedSoFar() {
        return ((ThreadMXBean) ManagementFactory.getThreadMXBean()).getCurrentThreadAllocatedBytes();
    }
}
