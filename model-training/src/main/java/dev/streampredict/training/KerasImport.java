package dev.streampredict.training;

import dev.streampredict.model.ModelMetadata;
import dev.streampredict.model.ModelRuntime;
import dev.streampredict.model.OutputKind;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.graph.GraphVertex;
import org.deeplearning4j.nn.conf.graph.LayerVertex;
import org.deeplearning4j.nn.conf.layers.ActivationLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.modelimport.keras.KerasModel;
import org.deeplearning4j.nn.modelimport.keras.KerasSequentialModel;
import org.deeplearning4j.nn.modelimport.keras.exceptions.InvalidKerasConfigurationException;
import org.deeplearning4j.nn.modelimport.keras.exceptions.UnsupportedKerasConfigurationException;
import org.deeplearning4j.nn.modelimport.keras.utils.KerasModelBuilder;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.transferlearning.FineTuneConfiguration;
import org.deeplearning4j.nn.transferlearning.TransferLearning;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;

/**
 * Turns a trained Keras model (HDF5, Sequential or functional) into a DL4J network through DL4J's Keras import, so
 * that the job serves it like a network it trained. A functional model must be a chain of layers (one input, one
 * output, each layer fed by the one before): DL4J serves {@code MultiLayerNetwork}s.
 */
public final class KerasImport {

    private KerasImport() {
    }

    /** The network of a Keras file with its metadata, as the spec describes it. */
    public static TrainedModel of(Path h5, ImportSpec spec) throws IOException {
        MultiLayerNetwork network = read(h5);
        if (spec.outputs() == OutputKind.LOGITS) {
            network = new TransferLearning.Builder(network)
                    .fineTuneConfiguration(new FineTuneConfiguration.Builder().build())
                    .addLayer(new ActivationLayer(Activation.SOFTMAX)).build();
        }
        int inputs = Math.toIntExact(network.layerInputSize(0));
        long outputs = network.output(Nd4j.zeros(1, inputs)).length();
        List<String> features = spec.featuresFor(inputs);
        List<String> classes = spec.classesFor(Math.toIntExact(outputs));
        ModelMetadata metadata = ModelImport.metadata(spec, features, classes,
                ModelVersions.of(spec.name(), Instant.now(), network), h5, ModelRuntime.DL4J, null);
        return new TrainedModel(metadata, network, null);
    }

    private static MultiLayerNetwork read(Path h5) throws IOException {
        try {
            return sequential(h5);
        } catch (InvalidKerasConfigurationException e) {
            if (!String.valueOf(e.getMessage()).contains("Sequential")) {
                throw unreadable(h5, e);
            }
        } catch (UnsupportedKerasConfigurationException | RuntimeException e) {
            throw unreadable(h5, e);
        }
        ComputationGraph functional;
        try {
            try (KerasModelBuilder builder = new KerasModel().modelBuilder()) {
                functional = builder.modelHdf5Filename(h5.toString()).enforceTrainingConfig(false).buildModel()
                        .getComputationGraph();
            }
        } catch (InvalidKerasConfigurationException | UnsupportedKerasConfigurationException | RuntimeException e) {
            throw unreadable(h5, e);
        }
        return chain(functional, h5);
    }

    /**
     * DL4J's {@code KerasModelImport.importKerasSequentialModelAndWeights(file, false)}, with the file closed when it
     * returns. DL4J leaves its HDF5 file to the garbage collector, whose JavaCPP deallocator thread then closes it in
     * the middle of whatever HDF5 call runs next; HDF5 is not thread-safe (seen as crashes in {@code H5F_get_nrefs}
     * and {@code H5FL_reg_malloc}, and as "H5Aread failed", when one JVM imported several files).
     */
    public static MultiLayerNetwork sequential(Path h5) throws IOException, InvalidKerasConfigurationException,
            UnsupportedKerasConfigurationException {
        try (KerasModelBuilder builder = new KerasSequentialModel().modelBuilder()) {
            return builder.modelHdf5Filename(h5.toString()).enforceTrainingConfig(false).buildSequential()
                    .getMultiLayerNetwork();
        }
    }

    /**
     * The layers of a graph that is a chain, as one {@code MultiLayerNetwork} with the same weights; checked to
     * give the graph's outputs.
     */
    static MultiLayerNetwork chain(ComputationGraph graph, Path h5) {
        ComputationGraphConfiguration configuration = graph.getConfiguration();
        if (configuration.getNetworkInputs().size() != 1 || configuration.getNetworkOutputs().size() != 1) {
            throw new IllegalArgumentException(h5.getFileName() + " is a functional Keras model with "
                    + configuration.getNetworkInputs().size() + " inputs and " + configuration.getNetworkOutputs()
                    .size() + " outputs; the job feeds one input and reads one output: export it to ONNX instead");
        }
        NeuralNetConfiguration.ListBuilder layers = new NeuralNetConfiguration.Builder().list();
        int index = 0;
        for (String name : configuration.getTopologicalOrderStr()) {
            GraphVertex vertex = configuration.getVertices().get(name);
            if (vertex == null) {
                continue; // the network's input
            }
            List<String> inputs = configuration.getVertexInputs().get(name);
            if (!(vertex instanceof LayerVertex layer) || inputs.size() != 1) {
                throw new IllegalArgumentException(h5.getFileName() + " is a functional Keras model whose '" + name
                        + "' is not a layer fed by one other (" + vertex.getClass().getSimpleName() + ", inputs "
                        + inputs + "); DL4J serves a chain of layers: export it to ONNX instead");
            }
            layers.layer(index, layer.getLayerConf().getLayer().clone());
            if (layer.getPreProcessor() != null) {
                layers.inputPreProcessor(index, layer.getPreProcessor().clone());
            }
            index++;
        }
        MultiLayerNetwork network = new MultiLayerNetwork(layers.build());
        network.init(graph.params().dup(), false);
        INDArray probe = Nd4j.rand(3, network.layerInputSize(0));
        if (!network.output(probe).equalsWithEps(graph.outputSingle(probe), 1e-5)) {
            throw new IllegalArgumentException(h5.getFileName() + " is a functional Keras model that DL4J cannot "
                    + "serve as a chain of layers (its outputs differ): export it to ONNX instead");
        }
        return network;
    }

    private static IllegalArgumentException unreadable(Path h5, Exception e) {
        return new IllegalArgumentException(h5.getFileName() + " does not import as a Keras model ("
                + e.getClass().getSimpleName() + ": " + e.getMessage() + "); DL4J " + "imports Keras 2 HDF5 files "
                + "(model.save('model.h5')) of the layers it supports: export the model to ONNX instead", e);
    }
}
