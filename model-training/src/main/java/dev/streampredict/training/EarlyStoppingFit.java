package dev.streampredict.training;

import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;

import java.io.PrintStream;
import java.util.Random;
import java.util.concurrent.CancellationException;
import java.util.function.ToDoubleFunction;

/**
 * Mini-batch training with early stopping: after each epoch the validation score (lower is better) is computed;
 * training ends after {@code patience} epochs without improvement and the best epoch's weights are kept.
 */
final class EarlyStoppingFit {

    /**
     * @param channels a sequence network's channels (see {@code ModelMetadata.sequenceChannels}): each row is that
     *                 many series' steps, series after series; 0 for a network that reads each row as it is
     */
    static void fit(MultiLayerNetwork network, float[][] features, float[][] labels,
                    ToDoubleFunction<MultiLayerNetwork> validationScore, String scoreName, int channels,
                    FitOptions options, PrintStream log) {
        Random random = new Random(options.seed());
        int n = features.length;
        int[] order = new int[n];
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        double best = Double.POSITIVE_INFINITY;
        INDArray bestParams = network.params().dup();
        int bestEpoch = 0;
        for (int epoch = 1; epoch <= options.maxEpochs(); epoch++) {
            if (Thread.currentThread().isInterrupted()) { // asked to stop: an epoch is the longest it waits
                throw new CancellationException("training stopped after " + (epoch - 1) + " epochs");
            }
            long start = System.nanoTime();
            shuffle(order, random);
            double lossSum = 0;
            int batches = 0;
            for (int from = 0; from < n; from += options.batchSize()) {
                int to = Math.min(n, from + options.batchSize());
                network.fit(batch(features, labels, order, from, to, channels));
                lossSum += network.score();
                batches++;
            }
            double score = validationScore.applyAsDouble(network);
            boolean improved = score < best;
            if (improved) {
                best = score;
                bestParams = network.params().dup();
                bestEpoch = epoch;
            }
            log.printf("epoch %3d  train loss %.5f  validation %s %.6g%s  (%d ms)%n", epoch, lossSum / batches,
                    scoreName, score, improved ? " *" : "", (System.nanoTime() - start) / 1_000_000);
            if (epoch - bestEpoch >= options.patience()) {
                log.printf("early stop: no better validation %s for %d epochs; keeping epoch %d%n",
                        scoreName, options.patience(), bestEpoch);
                break;
            }
        }
        network.setParams(bestParams);
    }

    private static DataSet batch(float[][] features, float[][] labels, int[] order, int from, int to,
                                 int channels) {
        float[][] x = new float[to - from][];
        float[][] y = new float[to - from][];
        for (int i = from; i < to; i++) {
            x[i - from] = features[order[i]];
            y[i - from] = labels[order[i]];
        }
        INDArray rows = Nd4j.create(x);
        return new DataSet(channels > 0 ? rows.reshape(x.length, channels, rows.size(1) / channels) : rows,
                Nd4j.create(y));
    }

    private static void shuffle(int[] order, Random random) {
        for (int i = order.length - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int swap = order[i];
            order[i] = order[j];
            order[j] = swap;
        }
    }
}
