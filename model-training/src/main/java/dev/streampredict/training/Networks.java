package dev.streampredict.training;

import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.weights.WeightInit;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.lossfunctions.LossFunctions.LossFunction;

/** The multilayer perceptrons this project trains. */
final class Networks {

    private Networks() {
    }

    static MultiLayerNetwork regression(int inputs, FitOptions options) {
        return mlp(inputs, 1, Activation.IDENTITY, LossFunction.MSE, options);
    }

    static MultiLayerNetwork classifier(int inputs, int classes, FitOptions options) {
        return mlp(inputs, classes, Activation.SOFTMAX, LossFunction.MCXENT, options);
    }

    private static MultiLayerNetwork mlp(int inputs, int outputs, Activation outputActivation, LossFunction loss,
                                         FitOptions options) {
        NeuralNetConfiguration.ListBuilder layers = new NeuralNetConfiguration.Builder()
                .seed(options.seed())
                .weightInit(WeightInit.XAVIER)
                .updater(new Adam(options.learningRate()))
                .l2(1e-5)
                .list();
        int previous = inputs;
        for (int size : options.hidden()) {
            layers.layer(new DenseLayer.Builder().nIn(previous).nOut(size).activation(Activation.TANH).build());
            previous = size;
        }
        layers.layer(new OutputLayer.Builder(loss).nIn(previous).nOut(outputs).activation(outputActivation).build());
        MultiLayerConfiguration configuration = layers.build();
        MultiLayerNetwork network = new MultiLayerNetwork(configuration);
        network.init();
        return network;
    }
}
