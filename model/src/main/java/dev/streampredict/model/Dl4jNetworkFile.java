package dev.streampredict.model;

import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.FeedForwardLayer;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.deeplearning4j.nn.conf.layers.wrapper.BaseWrapperLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.buffer.DataBuffer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.io.ByteArrayInputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * A DL4J network file ({@code network.zip}, as {@code ModelSerializer} writes it) read so that nothing is allocated
 * before its size is known and allowed: the configuration is read first, and from it the network's inputs, outputs
 * and parameters; only when they fit the metadata and the memory budget are the weights read, and only after their
 * header says exactly that many. This is {@code ModelSerializer.restoreMultiLayerNetwork} with those checks between
 * its steps.
 */
final class Dl4jNetworkFile {

    static final String CONFIGURATION = "configuration.json";
    static final String COEFFICIENTS = "coefficients.bin";
    private static final Set<String> ALLOCATION_MODES = Arrays.stream(DataBuffer.AllocationMode.values())
            .map(Enum::name).collect(Collectors.toSet());
    private static final int MAX_RANK = 32;

    private Dl4jNetworkFile() {
    }

    /** @param where names the file in messages */
    static MultiLayerNetwork read(byte[] file, ModelMetadata metadata, ModelLimits limits, String where) {
        Map<String, byte[]> entries;
        try {
            entries = BoundedZip.read(file, Map.of(
                    CONFIGURATION, BoundedZip.Cap.format(ModelLimits.MAX_JSON_BYTES),
                    COEFFICIENTS, BoundedZip.Cap.budget(limits.memoryBudget() / 2),
                    "noParams.marker", BoundedZip.Cap.format(1024),
                    "updaterState.bin", BoundedZip.Cap.budget(limits.memoryBudget() / 2)), null,
                    "model network " + where);
        } catch (ModelArtifactException e) {
            if (e.reason() != RefusalReason.UNREADABLE) {
                throw e;
            }
            throw new ModelArtifactException(RefusalReason.CORRUPT, e.getMessage() + ": the network is corrupt or "
                    + "truncated. Retrain the model or restore the file from a good copy.", e);
        }
        byte[] json = entries.get(CONFIGURATION);
        byte[] coefficients = entries.get(COEFFICIENTS);
        if (json == null || coefficients == null) {
            throw corrupt(where, "it lacks " + (json == null ? CONFIGURATION : COEFFICIENTS), null);
        }
        JsonShape.check(json, "model network " + where + " entry " + CONFIGURATION, JsonShape.MAX_NETWORK_DEPTH);
        MultiLayerConfiguration configuration;
        try {
            configuration = MultiLayerConfiguration.fromJson(new String(json, StandardCharsets.UTF_8));
        } catch (RuntimeException e) {
            throw corrupt(where, "its " + CONFIGURATION + " is not a DL4J network configuration", e);
        }
        Shape shape = Shape.of(configuration, where);
        // a sequence network takes a channel per series over the window's steps
        int channels = metadata.sequenceChannels();
        long inputs = channels > 0 ? channels : metadata.networkInputs();
        if (shape.inputs() != inputs || shape.outputs() != metadata.networkOutputs()) {
            throw new ModelArtifactException(RefusalReason.CORRUPT, "model network " + where + " takes "
                    + shape.inputs() + " inputs and gives " + shape.outputs() + " outputs, but its metadata "
                    + "describes " + inputs + (channels > 0 ? " channels" : "") + " and " + metadata.networkOutputs()
                    + ": the two files come from different models. Retrain.");
        }
        int steps = channels > 0 ? metadata.networkInputs() / channels : 1;
        long needed = shape.memory(configuration.getDataType(), limits.batchRows() * steps) + file.length;
        if (needed > limits.memoryBudget()) {
            throw new ModelArtifactException(RefusalReason.OVER_BUDGET, "model network " + where + " has "
                    + shape.parameters() + " parameters and would take about " + ModelLimits.megabytes(needed)
                    + " in a task, over the memory budget of a model, " + ModelLimits.megabytes(limits.memoryBudget())
                    + "; " + ModelLimits.BUDGET_SETTING + " raises it");
        }
        checkWeightsHeader(coefficients, shape.parameters(), where);
        try {
            INDArray parameters = Nd4j.read(new DataInputStream(new ByteArrayInputStream(coefficients)));
            MultiLayerNetwork network = new MultiLayerNetwork(configuration);
            network.init(parameters, false);
            return network;
        } catch (RuntimeException | LinkageError e) { // ND4J's natives fail with errors, not exceptions
            throw corrupt(where, "its weights do not load", e);
        }
    }

    /**
     * The weights as {@code Nd4j.write} lays them out: a buffer of the shape (allocation mode, length, type, values),
     * then one of the values; Nd4j allocates what the header says before it reads, so the header must say exactly
     * the parameters the configuration needs and the bytes must be there.
     */
    private static void checkWeightsHeader(byte[] coefficients, long parameters, String where) {
        try {
            DataInputStream in = new DataInputStream(new ByteArrayInputStream(coefficients));
            long shapeLength = bufferHeader(in, where);
            DataType shapeType = DataType.valueOf(in.readUTF());
            if (shapeType != DataType.LONG || shapeLength < 4 || shapeLength > 2 * MAX_RANK + 4) {
                throw corrupt(where, "its weights' shape header is not one Nd4j writes", null);
            }
            long rank = in.readLong();
            long product = 1;
            for (int i = 0; i < rank && i < MAX_RANK; i++) {
                long dimension = in.readLong();
                product = dimension < 1 || product > parameters ? -1 : product * dimension;
            }
            if (rank < 1 || rank > 2 || shapeLength != 2 * rank + 4 || product != parameters) {
                throw corrupt(where, "its weights are not shaped as " + parameters + " parameters", null);
            }
            in.skipNBytes((shapeLength - 1 - rank) * Long.BYTES);
            long length = bufferHeader(in, where);
            DataType type = DataType.valueOf(in.readUTF());
            if (length != parameters || !type.isFPType() || type.width() < 2) {
                throw corrupt(where, "its weights hold " + length + " " + type + " values; the configuration needs "
                        + parameters + " floating-point values", null);
            }
            if (in.available() != length * type.width()) {
                throw corrupt(where, "its weights are cut short or have trailing bytes", null);
            }
        } catch (IOException | IllegalArgumentException e) {
            throw corrupt(where, "its weights' header is not one Nd4j writes", e);
        }
    }

    /** An Nd4j buffer's allocation mode and length; the type follows. */
    private static long bufferHeader(DataInputStream in, String where) throws IOException {
        String mode = in.readUTF();
        if (!ALLOCATION_MODES.contains(mode)) {
            throw corrupt(where, "its weights' header names no Nd4j allocation mode", null);
        }
        return in.readLong();
    }

    private static ModelArtifactException corrupt(String where, String problem, Throwable cause) {
        String because = cause == null ? "" : " (" + cause.getClass().getSimpleName() + ": "
                + Untrusted.text(String.valueOf(cause.getMessage())) + ")";
        return new ModelArtifactException(RefusalReason.CORRUPT, "model network " + where + " is corrupt or "
                + "truncated: " + problem + because + ". Retrain the model or restore the file from a good copy.",
                cause);
    }

    /**
     * What a configuration implies, without building the network.
     *
     * @param widths the output width of every layer that has one
     */
    record Shape(long inputs, long outputs, long parameters, long[] widths) {

        static Shape of(MultiLayerConfiguration configuration, String where) {
            long inputs = -1;
            long outputs = 0;
            long parameters = 0;
            long[] widths = new long[configuration.getConfs().size()];
            int i = 0;
            for (NeuralNetConfiguration layer : configuration.getConfs()) {
                // an LSTM read at its last step is wrapped (LastTimeStep): its sizes are the wrapped layer's
                Layer inner = layer.getLayer() instanceof BaseWrapperLayer wrapper ? wrapper.getUnderlying()
                        : layer.getLayer();
                if (inner instanceof FeedForwardLayer dense
                        && (dense.getNIn() > Integer.MAX_VALUE || dense.getNOut() > Integer.MAX_VALUE)) {
                    throw new ModelArtifactException(RefusalReason.OVER_BUDGET, "model network " + where
                            + " has a layer of " + dense.getNIn() + " inputs and " + dense.getNOut() + " outputs, "
                            + "more than any memory budget allows");
                }
                long count = layer.getLayer().initializer().numParams(layer);
                if (count < 0 || parameters + count < parameters) {
                    throw corrupt(where, "its configuration gives a layer " + count + " parameters", null);
                }
                parameters += count;
                if (inner instanceof FeedForwardLayer dense) {
                    if (inputs < 0) {
                        inputs = dense.getNIn();
                    }
                    outputs = dense.getNOut();
                    widths[i] = dense.getNOut();
                }
                i++;
            }
            if (inputs < 1 || outputs < 1) {
                throw corrupt(where, "its configuration has no layer with inputs and outputs", null);
            }
            return new Shape(inputs, outputs, parameters, widths);
        }

        /** Weights, plus a batch's inputs and every layer's activations, as floats and as a copy out. */
        long memory(DataType type, int rows) {
            double weights = (double) parameters * Math.max(type.width(), 1);
            double activations = inputs;
            for (long width : widths) {
                activations += width;
            }
            double total = weights + 2.0 * rows * activations * Double.BYTES;
            return total > Long.MAX_VALUE / 2 ? Long.MAX_VALUE / 2 : (long) total;
        }
    }
}
