package dev.streampredict.model;

import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** A DL4J network ({@code MultiLayerNetwork}) on ND4J's native CPU backend. */
public final class Dl4jRuntime implements InferenceRuntime {

    private final MultiLayerNetwork network;
    private final int inputWidth;
    private final int outputWidth;

    public Dl4jRuntime(MultiLayerNetwork network) {
        this.network = network;
        this.inputWidth = Math.toIntExact(network.layerInputSize(0));
        this.outputWidth = Math.toIntExact(network.layerSize(network.getnLayers() - 1));
    }

    /**
     * Reads a {@code network.zip} as DL4J's {@code ModelSerializer} writes it, checked against the metadata and the
     * memory budget before its weights are allocated.
     *
     * @param where names the file in messages
     * @throws ModelArtifactException with the reason, if it may not or cannot be loaded
     */
    public static Dl4jRuntime read(byte[] file, ModelMetadata metadata, ModelLimits limits, String where) {
        return new Dl4jRuntime(Dl4jNetworkFile.read(file, metadata, limits, where));
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
        long[] shape = {count, inputWidth};
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
