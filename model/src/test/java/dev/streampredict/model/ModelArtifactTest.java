package dev.streampredict.model;

import org.assertj.core.data.Offset;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.lossfunctions.LossFunctions;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ModelArtifactTest {

    @TempDir
    Path dir;

    @Test
    void roundTripGivesTheSameForecasts() throws Exception {
        ModelMetadata metadata = regression(4, TargetMode.LEVEL);
        MultiLayerNetwork network = network(4, 1);
        Predictor original = new Predictor(metadata, new Dl4jRuntime(network));
        double[][] windows = {{1, 2, 3, 4}, {10, 9, 8, 7}};

        ModelArtifact.save(dir, metadata, network);
        Predictor loaded = ModelArtifact.load(dir.toString());

        assertThat(loaded.metadata()).isEqualTo(metadata);
        assertThat(loaded.forecast(windows, 2)).containsExactly(original.forecast(windows, 2));
    }

    @Test
    void anOnnxArtifactRoundTripsThroughItsDirectoryAndItsArchive() throws Exception {
        ModelArchive archive = TestArtifacts.onnxForecaster("onnx-1", "v", new float[]{1, 2}, 0.5f, dir);
        Path at = dir.resolve("onnx-1");

        assertThat(Files.exists(at.resolve("model.onnx"))).isTrue();
        assertThat(Files.exists(at.resolve(ModelRuntime.DL4J.fileName()))).isFalse();
        assertThat(ModelArtifact.exists(at)).isTrue();
        ModelMetadata read = ModelArtifact.readMetadata(at.toString());
        assertThat(read).isEqualTo(archive.metadata());
        assertThat(read.runtime()).isEqualTo(ModelRuntime.ONNX);
        assertThat(read.onnx().inputShape()).containsExactly(-1L, 2L);
        double[][] window = {{3, 4}};
        assertThat(ModelArtifact.load(at.toString()).forecast(window, 1)[0]).isEqualTo(3 + 8 + 0.5);
        assertThat(ModelArchive.parse(archive.bytes()).load(TestArtifacts.LIMITS).forecast(window, 1)[0])
                .isEqualTo(3 + 8 + 0.5);
    }

    @Test
    void metadataWrittenBeforeRuntimesWereNamedReadsAsDl4j() throws Exception {
        ModelArtifact.save(dir, regression(4, TargetMode.LEVEL), network(4, 1));
        String json = Files.readString(dir.resolve(ModelArtifact.METADATA_FILE));
        assertThat(json).contains("\"runtime\" : \"DL4J\"").doesNotContain("onnx");
        Files.writeString(dir.resolve(ModelArtifact.METADATA_FILE), json.replace("\"runtime\" : \"DL4J\"",
                "\"runtimeOfAnotherBuild\" : 1"));

        assertThat(ModelArtifact.readMetadata(dir.toString()).runtime()).isEqualTo(ModelRuntime.DL4J);
        assertThat(ModelArtifact.load(dir.toString()).forecast(new double[][]{{1, 2, 3, 4}}, 1)).hasSize(1);
    }

    @Test
    void anOnnxArtifactSavedOverADl4jOneLeavesNoStaleNetwork() throws Exception {
        ModelArtifact.save(dir.resolve("m"), regression(4, TargetMode.LEVEL), network(4, 1));
        TestArtifacts.saved(dir, TestArtifacts.onnxRegression("m", "v", 2, new OnnxSignature("x", List.of(-1L, 2L),
                "y", OutputKind.VALUES)), OnnxModels.linear(new float[]{1, 1}, 0));

        assertThat(Files.exists(dir.resolve("m").resolve(ModelRuntime.DL4J.fileName()))).isFalse();
        assertThat(ModelArtifact.load(dir.resolve("m").toString()).metadata().runtime()).isEqualTo(ModelRuntime.ONNX);
    }

    @Test
    void batchAndSingleForecastsAgree() {
        Predictor predictor = new Predictor(regression(3, TargetMode.DIFFERENCE), new Dl4jRuntime(network(2, 1)));
        double[][] windows = {{1, 2, 3}, {5, 5, 4}, {0, -1, 2}};

        double[] batch = predictor.forecast(windows, 3);

        for (int i = 0; i < windows.length; i++) {
            assertThat(predictor.forecast(new double[][]{windows[i]}, 1)[0])
                    .isCloseTo(batch[i], Offset.offset(1e-5));
        }
    }

    @Test
    void missingArtifactSaysWhereAndWhatToDo() {
        assertThatThrownBy(() -> ModelArtifact.load(dir.resolve("nothing").toString()))
                .isInstanceOf(ModelArtifactException.class)
                .hasMessageContaining("nothing/model.json").hasMessageContaining("does not exist");
    }

    @Test
    void corruptMetadataNamesTheFile() throws Exception {
        ModelArtifact.save(dir, regression(4, TargetMode.LEVEL), network(4, 1));
        Files.writeString(dir.resolve(ModelArtifact.METADATA_FILE), "{\"formatVersion\": 1, \"task\": ");

        assertThatThrownBy(() -> ModelArtifact.load(dir.toString()))
                .isInstanceOf(ModelArtifactException.class)
                .hasMessageContaining(dir.resolve("model.json").toString()).hasMessageContaining("is not JSON");
    }

    @Test
    void truncatedNetworkNamesTheFile() throws Exception {
        ModelArtifact.save(dir, regression(4, TargetMode.LEVEL), network(4, 1));
        Path network = dir.resolve(ModelRuntime.DL4J.fileName());
        byte[] bytes = Files.readAllBytes(network);
        Files.write(network, Arrays.copyOf(bytes, bytes.length / 2));

        assertThatThrownBy(() -> ModelArtifact.load(dir.toString()))
                .isInstanceOf(ModelArtifactException.class)
                .hasMessageContaining(network.toString()).hasMessageContaining("corrupt or truncated");
    }

    @Test
    void networkThatDoesNotFitItsMetadataIsRejected() throws Exception {
        ModelArtifact.save(dir, regression(8, TargetMode.LEVEL), network(4, 1));

        assertThatThrownBy(() -> ModelArtifact.load(dir.toString()))
                .isInstanceOf(ModelArtifactException.class)
                .hasMessageContaining("takes 4 inputs").hasMessageContaining("describes 8");
    }

    /** The fields added to format 1 since (runtime, architecture, intervals) have defaults for what lacks them. */
    @Test
    void metadataWrittenBeforeTheOptionalFieldsLoadsAsADl4jMlpWithoutIntervals() throws Exception {
        ModelArtifact.save(dir, regression(4, TargetMode.LEVEL), network(4, 1));
        Path json = dir.resolve(ModelArtifact.METADATA_FILE);
        String now = Files.readString(json);
        String before = now.replaceAll(",\\s*\"(runtime|architecture)\"\\s*:\\s*\"[A-Z0-9]+\"", "")
                .replaceAll(",\\s*\"horizon\"\\s*:\\s*1", "");
        assertThat(before).isNotEqualTo(now).doesNotContain("runtime").doesNotContain("architecture")
                .doesNotContain("intervals").doesNotContain("horizon");
        Files.writeString(json, before);

        Predictor loaded = ModelArtifact.load(dir.toString());

        assertThat(loaded.metadata().runtime()).isEqualTo(ModelRuntime.DL4J);
        assertThat(loaded.metadata().architecture()).isEqualTo(Architecture.MLP);
        assertThat(loaded.metadata().intervals()).isNull();
        assertThat(loaded.metadata().horizon()).isEqualTo(1);
        assertThat(loaded.forecast(new double[][]{{1, 2, 3, 4}}, 1)[0]).isFinite();
    }

    @Test
    void aHorizonOfStepsNeedsAnOutputAndAnIntervalPerStepAndIsForForecastersOnly() throws Exception {
        ModelMetadata threeSteps = regression(4, TargetMode.LEVEL).withHorizon(3);
        ModelArtifact.save(dir, threeSteps, network(4, 3));
        Predictor loaded = ModelArtifact.load(dir.toString());
        double[][] steps = loaded.forecastSteps(new double[][]{{1, 2, 3, 4}, {2, 2, 2, 2}}, 2);

        assertThat(steps).hasDimensions(2, 3);
        assertThat(loaded.forecast(new double[][]{{1, 2, 3, 4}}, 1)[0]).isEqualTo(steps[0][0]);
        assertThatThrownBy(() -> threeSteps.withIntervals(new PredictionIntervals(0.9, List.of(1.0, 2.0))))
                .hasMessageContaining("one half-width per step of the horizon (3)");
        assertThatThrownBy(() -> TestArtifacts.classification("c", List.of("a"), List.of("x", "y")).withHorizon(2))
                .hasMessageContaining("field 'horizon'");
        assertThatThrownBy(() -> threeSteps.withHorizon(ModelLimits.MAX_HORIZON + 1))
                .as("a horizon's forecasts are kept per key until scored: bounded")
                .hasMessageContaining("field 'horizon' must be from 1 to 168 steps");
        assertThatThrownBy(() -> new ModelMetadata(1, "wide", Task.REGRESSION, 2_000, List.of("a", "b", "c", "d",
                "e", "f"), "a", TargetMode.LEVEL, new Standardizer(new double[6], new double[6]), List.of(), "t", "d",
                Map.of())).as("every key keeps the window of each series: bounded over all of them")
                .hasMessageContaining("field 'windowSize' must be from 1 to 1666 (10000 values over 6 series)");
        ModelArtifact.save(dir.resolve("one-output"), threeSteps, network(4, 1));
        assertThatThrownBy(() -> ModelArtifact.load(dir.resolve("one-output").toString()))
                .hasMessageContaining("gives 1 outputs, but its metadata describes 4 and 3");
    }

    @Test
    void unknownFormatVersionIsRefused() throws Exception {
        ModelArtifact.save(dir, regression(4, TargetMode.LEVEL), network(4, 1));
        Path json = dir.resolve(ModelArtifact.METADATA_FILE);
        Files.writeString(json, Files.readString(json).replace("\"formatVersion\" : 1", "\"formatVersion\" : 99"));

        assertThatThrownBy(() -> ModelArtifact.load(dir.toString()))
                .isInstanceOf(ModelArtifactException.class).hasMessageContaining("format version 99");
    }

    static ModelMetadata regression(int window, TargetMode mode) {
        return new ModelMetadata(ModelMetadata.CURRENT_FORMAT, "test-v1", Task.REGRESSION, window,
                List.of("close"), "close", mode, new Standardizer(new double[]{5}, new double[]{2}), List.of(),
                "2026-01-01T00:00:00Z", "test", Map.of("mse", 1.5));
    }

    static MultiLayerNetwork network(int inputs, int outputs) {
        MultiLayerConfiguration conf = new NeuralNetConfiguration.Builder()
                .seed(1)
                .list()
                .layer(new DenseLayer.Builder().nIn(inputs).nOut(3).activation(Activation.TANH).build())
                .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MSE).nIn(3).nOut(outputs)
                        .activation(Activation.IDENTITY).build())
                .build();
        MultiLayerNetwork network = new MultiLayerNetwork(conf);
        network.init();
        return network;
    }
}
