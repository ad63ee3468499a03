package dev.streampredict.model;

import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * A DL4J network ({@code MultiLayerNetwork}) on ND4J's native CPU backend. A feed-forward network takes each row as
 * it is; a sequence network (LSTM, 1-D convolution) takes it as {@code channels} series over {@code sequenceLength}
 * time steps each.
 */
public final class Dl4jRuntime implements InferenceRuntime {

    private final MultiLayerNetwork network;
    private final int inputWidth;
    private final int outputWidth;
    /** 0 for a feed-forward network. */
    private final int channels;
    private final int sequenceLength;

    /** A feed-forward network. */
    public Dl4jRuntime(MultiLayerNetwork network) {
        this(network, Math.toIntExact(network.layerInputSize(0)), 0);
    }

    private Dl4jRuntime(MultiLayerNetwork network, int inputWidth, int channels) {
        this.network = network;
        this.inputWidth = inputWidth;
        this.channels = channels;
        this.sequenceLength = channels > 0 ? inputWidth / channels : 0;
        this.outputWidth = Math.toIntExact(network.layerSize(network.getnLayers() - 1));
    }

    /** The network of a model with this metadata, read as its architecture says. */
    public static Dl4jRuntime of(MultiLayerNetwork network, ModelMetadata metadata) {
        int channels = metadata.sequenceChannels();
        return channels > 0 ? new Dl4jRuntime(network, metadata.networkInputs(), channels) : new Dl4jRuntime(network);
    }

    /**
     * Reads a {@code network.zip} as DL4J's {@code ModelSerializer} writes it, checked against the metadata and the
     * memory budget before its weights are allocated.
     *
     * @param where names the file in messages
     * @throws ModelArtifactException with the reason, if it may not or cannot be loaded
     */
    public static Dl4jRuntime read(byte[] file, ModelMetadata metadata, ModelLimits limits, String where) {
        return of(Dl4jNetworkFile.read(file, metadata, limits, where), metadata);
    }

    @Override
    public int inputWidth() {
        return inputWidth;
    }

    @Override
    public int outputWidth() {
        return outputWidth;
    }

    @Override
    public double[] run(float[] rows, int count) {
        // a row of a sequence network is its channels' time steps, channel after channel: [rows, channels, steps]
        // lays them out alike
        long[] shape = channels > 0 ? new long[]{count, channels, sequenceLength} : new long[]{count, inputWidth};
        // from a buffer made of the array, which copies it in one go: Nd4j.create(float[], ...) copies element by
        // element (BaseDataBuffer.setData), which took a fifth of the scoring thread's time for 784-feature inputs
        INDArray input = Nd4j.create(Nd4j.createBuffer(rows), shape, Nd4j.getStrides(shape, 'c'), 0, 'c');
        INDArray output = network.output(input, false);
        // one copy out of native memory for the whole batch: element-wise reads cost microseconds each
        return (output.ordering() == 'c' && !output.isView() ? output : output.dup('c')).data().asDouble();
    }

    @Override
    public void close() {
        network.close();
    }
}
