package dev.streampredict.training;

import dev.streampredict.model.ModelMetadata;
import dev.streampredict.model.Standardizer;
import dev.streampredict.model.Task;
import org.deeplearning4j.nn.conf.layers.ActivationLayer;
import org.deeplearning4j.nn.conf.layers.BaseLayer;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.deeplearning4j.nn.modelimport.keras.KerasModelImport;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.transferlearning.FineTuneConfiguration;
import org.deeplearning4j.nn.transferlearning.TransferLearning;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.activations.impl.ActivationSoftmax;
import org.nd4j.linalg.factory.Nd4j;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

/**
 * Turns a trained Keras Sequential classifier (HDF5) into this project's model artifact, so the job serves it like
 * any other. Its inputs are named {@code f0 ... f<n-1>} and taken as they come (no standardisation); its classes
 * are named as given.
 */
public final class KerasImport {

    private KerasImport() {
    }

    public static TrainedModel classifier(Path h5, String name, List<String> classes) throws Exception {
        if (!Files.isRegularFile(h5)) {
            throw new IllegalArgumentException("no Keras model at " + h5.toAbsolutePath()
                    + ": give the path of a .h5 file saved by Keras");
        }
        MultiLayerNetwork network = withSoftmaxOutput(
                KerasModelImport.importKerasSequentialModelAndWeights(h5.toString(), false));
        int inputs = (int) network.layerInputSize(0);
        long outputs = network.output(Nd4j.zeros(1, inputs)).size(1);
        if (outputs != classes.size()) {
            throw new IllegalArgumentException(h5 + " has " + outputs + " outputs but " + classes.size()
                    + " class names were given");
        }
        List<String> features = IntStream.range(0, inputs).mapToObj(i -> "f" + i).toList();
        double[] zeros = new double[inputs];
        double[] ones = new double[inputs];
        Arrays.fill(ones, 1.0);
        ModelMetadata metadata = new ModelMetadata(ModelMetadata.CURRENT_FORMAT,
                ModelVersions.of(name, Instant.now(), network), Task.CLASSIFICATION, 1, features, null, null,
                new Standardizer(zeros, ones), new ArrayList<>(classes), Instant.now().toString(),
                "Keras import of " + h5.getFileName(), Map.of());
        return new TrainedModel(metadata, network, null);
    }

    /** Models that end in raw class scores get a softmax, so that predictions carry probabilities. */
    private static MultiLayerNetwork withSoftmaxOutput(MultiLayerNetwork network) {
        Layer last = network.getLayerWiseConfigurations().getConf(network.getnLayers() - 1).getLayer();
        if (last instanceof BaseLayer base && base.getActivationFn() instanceof ActivationSoftmax) {
            return network;
        }
        return new TransferLearning.Builder(network).fineTuneConfiguration(new FineTuneConfiguration.Builder().build())
                .addLayer(new ActivationLayer(Activation.SOFTMAX)).build();
    }
}
