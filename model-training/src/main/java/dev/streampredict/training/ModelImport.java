package dev.streampredict.training;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import dev.streampredict.model.ModelArtifact;
import dev.streampredict.model.ModelMetadata;
import dev.streampredict.model.ModelRuntime;
import dev.streampredict.model.OnnxSignature;
import dev.streampredict.model.OutputKind;
import dev.streampredict.model.Predictor;
import dev.streampredict.model.Standardizer;
import dev.streampredict.model.TargetMode;
import dev.streampredict.model.Task;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Turns a model trained elsewhere into this project's artifact: an ONNX file (served by ONNX Runtime) or a Keras
 * HDF5 file (converted to DL4J). Shapes and names are read from the file where it holds them and checked against
 * what the person said ({@link ImportSpec}); the artifact is loaded once before this returns.
 */
public final class ModelImport {

    private ModelImport() {
    }

    /**
     * Writes the artifact of {@code file} into {@code directory}, and returns its metadata.
     *
     * @throws IllegalArgumentException saying what does not fit and what to give instead
     */
    public static ModelMetadata write(Path file, ImportSpec spec, Path directory) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new IllegalArgumentException("no model file at " + file.toAbsolutePath());
        }
        String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
        ModelMetadata metadata;
        if (name.endsWith(".onnx")) {
            byte[] bytes = Files.readAllBytes(file);
            metadata = onnxMetadata(bytes, file, spec);
            ModelArtifact.save(directory, metadata, bytes);
        } else if (name.endsWith(".h5") || name.endsWith(".hdf5")) {
            TrainedModel model = KerasImport.of(file, spec);
            model.save(directory);
            metadata = model.metadata();
        } else {
            throw new IllegalArgumentException(file.getFileName() + " is neither an ONNX model (.onnx) nor a Keras "
                    + "HDF5 model (.h5); export it as one of them (see docs/own-model.md)");
        }
        try (Predictor loaded = ModelArtifact.load(directory.toString())) {
            checkOutputs(loaded);
        } catch (RuntimeException e) { // what the job would refuse is not left looking like an artifact
            Files.deleteIfExists(directory.resolve(ModelArtifact.METADATA_FILE));
            Files.deleteIfExists(directory.resolve(metadata.runtime().fileName()));
            throw e;
        }
        return metadata;
    }

    /** The metadata of an ONNX model: its input and output read from the file and checked against the spec. */
    static ModelMetadata onnxMetadata(byte[] bytes, Path file, ImportSpec spec) throws IOException {
        try (OrtSession.SessionOptions options = new OrtSession.SessionOptions();
             OrtSession session = OrtEnvironment.getEnvironment().createSession(bytes, options)) {
            Map.Entry<String, NodeInfo> input = single(session.getInputInfo(), "input", null, file);
            Map.Entry<String, NodeInfo> output = single(session.getOutputInfo(), "output", spec.onnxOutput(), file);
            long[] inputShape = floatTensor(input, file).getShape();
            long[] outputShape = floatTensor(output, file).getShape();
            if (inputShape.length < 2 || (inputShape[0] > 1)) {
                throw new IllegalArgumentException(file.getFileName() + " takes input '" + input.getKey()
                        + "' of shape " + Arrays.toString(inputShape) + "; the job gives a batch of rows, the batch "
                        + "first: export it with a dynamic batch dimension (dynamic_axes in torch.onnx.export)");
            }
            List<Long> shape = new ArrayList<>();
            shape.add(inputShape[0] < 0 ? -1L : 1L);
            long fixed = 1;
            int named = 0;
            for (int i = 1; i < inputShape.length; i++) {
                named += inputShape[i] < 0 ? 1 : 0;
                fixed *= Math.max(inputShape[i], 1);
            }
            int width = expectedWidth(spec, fixed, named, inputShape, file);
            for (int i = 1; i < inputShape.length; i++) {
                shape.add(inputShape[i] < 0 ? width / fixed : inputShape[i]);
            }
            long outputs = OnnxSignature.widthAfterBatch(outputShape);
            if (outputs < 1) {
                throw new IllegalArgumentException(file.getFileName() + " gives output '" + output.getKey()
                        + "' of shape " + Arrays.toString(outputShape) + ": its width per row must be fixed");
            }
            List<String> features = spec.featuresFor(width);
            List<String> classes = spec.classesFor(Math.toIntExact(outputs));
            return metadata(spec, features, classes, ModelVersions.of(spec.name(), Instant.now(), bytes), file,
                    ModelRuntime.ONNX, new OnnxSignature(input.getKey(), shape, output.getKey(), spec.outputs()));
        } catch (OrtException e) {
            throw new IllegalArgumentException(file.getFileName() + " does not open in ONNX Runtime "
                    + OrtEnvironment.getEnvironment().getVersion() + ": " + e.getMessage(), e);
        }
    }

    /** The row width the spec asks for, which a named (dynamic) dimension of the input may take. */
    private static int expectedWidth(ImportSpec spec, long fixed, int named, long[] shape, Path file) {
        int asked = spec.task() == Task.REGRESSION ? spec.window()
                : spec.features().isEmpty() ? (int) fixed : spec.features().size();
        if (named > 1 || (named == 1 && (asked % fixed != 0))) {
            throw new IllegalArgumentException(file.getFileName() + " takes input of shape "
                    + Arrays.toString(shape) + ", whose rows are not of a size the job can fix at " + asked
                    + " values: export it with fixed dimensions after the batch");
        }
        return named == 1 ? asked : (int) fixed;
    }

    static ModelMetadata metadata(ImportSpec spec, List<String> features, List<String> classes, String version,
                                  Path file, ModelRuntime runtime, OnnxSignature onnx) throws IOException {
        boolean regression = spec.task() == Task.REGRESSION;
        Standardizer standardizer = spec.standardizer(features.subList(0, regression ? 1 : features.size()));
        return new ModelMetadata(ModelMetadata.CURRENT_FORMAT, version, spec.task(), regression ? spec.window() : 1,
                features, regression ? features.get(0) : null, regression ? TargetMode.LEVEL : null, standardizer,
                classes, Instant.now().toString(), "imported from " + file.getFileName()
                + (spec.standardizeFrom() == null ? "" : ", standardised as " + spec.standardizeFrom().getFileName()),
                Map.of(), runtime, onnx);
    }

    private static Map.Entry<String, NodeInfo> single(Map<String, NodeInfo> nodes, String what, String chosen,
                                                      Path file) {
        if (chosen != null) {
            if (!nodes.containsKey(chosen)) {
                throw new IllegalArgumentException(file.getFileName() + " has no " + what + " '" + chosen + "'; its "
                        + what + "s are " + nodes.keySet());
            }
            return Map.entry(chosen, nodes.get(chosen));
        }
        if (nodes.size() != 1) {
            throw new IllegalArgumentException(file.getFileName() + " has the " + what + "s " + nodes.keySet()
                    + (what.equals("input") ? "; the job feeds one input: export the model with one"
                    : "; give --onnx-output with the one that holds the predictions"));
        }
        return nodes.entrySet().iterator().next();
    }

    private static TensorInfo floatTensor(Map.Entry<String, NodeInfo> node, Path file) {
        if (!(node.getValue().getInfo() instanceof TensorInfo tensor)
                || tensor.type != OnnxJavaType.FLOAT) {
            throw new IllegalArgumentException(file.getFileName() + ": '" + node.getKey() + "' is "
                    + node.getValue().getInfo() + "; the job gives and reads float32 tensors: export it with float32 "
                    + "inputs and outputs");
        }
        return tensor;
    }

    /**
     * Loads the artifact as a job would and scores probe rows: a classifier said to give probabilities must give
     * rows that sum to 1, or its outputs are logits and would be served as if they were probabilities.
     */
    private static void checkOutputs(Predictor predictor) {
        ModelMetadata metadata = predictor.metadata();
        if (metadata.task() != Task.CLASSIFICATION) {
            return;
        }
        boolean probabilities = metadata.runtime() != ModelRuntime.ONNX
                || metadata.onnx().outputs() != OutputKind.LOGITS;
        double[][] rows = metadata.probeRows(new double[]{0, -1, 1});
        for (double[] output : predictor.outputs(rows, rows.length)) {
            double sum = Arrays.stream(output).sum();
            boolean inRange = Arrays.stream(output).allMatch(p -> p >= 0 && p <= 1);
            if (probabilities && (!inRange || Math.abs(sum - 1) > 1e-3)) {
                throw new IllegalArgumentException("the model's outputs on probe rows are "
                        + Arrays.toString(output) + ", not probabilities that sum to 1: import it with --outputs "
                        + "logits");
            }
        }
    }

}
