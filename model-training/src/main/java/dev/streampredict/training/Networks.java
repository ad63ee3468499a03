package dev.streampredict.training;

import dev.streampredict.model.Architecture;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.Convolution1DLayer;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.LSTM;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.convolutional.Cropping1D;
import org.deeplearning4j.nn.conf.layers.recurrent.LastTimeStep;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.weights.WeightInit;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.lossfunctions.LossFunctions.LossFunction;

import java.util.function.Consumer;

/** The networks this project trains: multilayer perceptrons, and for forecasts an LSTM or a causal CNN. */
final class Networks {

    private Networks() {
    }

    /**
     * A forecaster of {@code outputs} values (the steps ahead) from {@code series} series of {@code steps} values
     * each. An MLP reads them all as
     * one row; an LSTM or a CNN reads them as a channel per series over {@code steps} time steps: its first hidden
     * size is the LSTM's units or the convolutions' filters, and any further hidden sizes are dense layers before
     * the output.
     */
    static MultiLayerNetwork regression(int series, int steps, int outputs, Architecture architecture,
                                        FitOptions options) {
        return switch (architecture) {
            case MLP -> mlp(series * steps, outputs, Activation.IDENTITY, LossFunction.MSE, options);
            case LSTM -> sequence(series, steps, outputs, options, layers -> layers.layer(new LastTimeStep(
                    new LSTM.Builder().nIn(series).nOut(options.hidden().get(0)).activation(Activation.TANH).build())));
            case CNN -> sequence(series, steps, outputs, options, layers -> {
                // kernel 4 at dilations 1 and 4: the last step's receptive field is 1 + 3 + 12 = 16 steps
                int filters = options.hidden().get(0);
                layers.layer(causalConvolution(series, filters, 1)).layer(causalConvolution(filters, filters, 4))
                        .layer(new Cropping1D.Builder(steps - 1, 0).build()); // keeps the last step
            });
        };
    }

    private static Convolution1DLayer causalConvolution(int in, int out, int dilation) {
        return new Convolution1DLayer.Builder().nIn(in).nOut(out).kernelSize(4).dilation(dilation)
                .convolutionMode(ConvolutionMode.Causal).activation(Activation.RELU).build();
    }

    /** {@code first}'s layers over the sequence, then dense layers of the further hidden sizes, and the output. */
    private static MultiLayerNetwork sequence(int channels, int steps, int outputs, FitOptions options,
                                              Consumer<NeuralNetConfiguration.ListBuilder> first) {
        NeuralNetConfiguration.ListBuilder layers = builder(options);
        first.accept(layers);
        for (int size : options.hidden().subList(1, options.hidden().size())) {
            layers.layer(new DenseLayer.Builder().nOut(size).activation(Activation.TANH).build());
        }
        layers.layer(new OutputLayer.Builder(LossFunction.MSE).nOut(outputs).activation(Activation.IDENTITY).build());
        // sizes between the layers, and the reshape from the last step to a row, follow from the input's shape
        layers.setInputType(InputType.recurrent(channels, steps));
        MultiLayerNetwork network = new MultiLayerNetwork(layers.build());
        network.init();
        return network;
    }

    private static NeuralNetConfiguration.ListBuilder builder(FitOptions options) {
        return new NeuralNetConfiguration.Builder()
                .seed(options.seed())
                .weightInit(WeightInit.XAVIER)
                .updater(new Adam(options.learningRate()))
                .l2(1e-5)
                .list();
    }

    static MultiLayerNetwork classifier(int inputs, int classes, FitOptions options) {
        return mlp(inputs, classes, Activation.SOFTMAX, LossFunction.MCXENT, options);
    }

    private static MultiLayerNetwork mlp(int inputs, int outputs, Activation outputActivation, LossFunction loss,
                                         FitOptions options) {
        NeuralNetConfiguration.ListBuilder layers = builder(options);
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
