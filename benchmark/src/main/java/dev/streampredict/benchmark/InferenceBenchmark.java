package dev.streampredict.benchmark;

import dev.streampredict.cli.ModelBootstrap;
import dev.streampredict.model.ModelArtifact;
import dev.streampredict.model.Predictor;
import dev.streampredict.producer.SyntheticSeries;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import java.util.concurrent.TimeUnit;

/**
 * Inference alone, in microseconds per prediction (JMH divides each call by its batch size): the shipped shape of
 * regression model (window 16, two hidden layers of 32), at batch size 1 as a per-record job calls it and batched as
 * the job's micro-batches do. The peer's FFNN in both runtimes: {@link RuntimeBenchmark}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class InferenceBenchmark {

    private static final int BATCH = 256;
    private static final long[] INPUT_SHAPE = {128, 784};

    private Predictor series;
    private double[][] windows;
    private final float[] rows = new float[128 * 784];

    @Setup
    public void load() throws Exception {
        Path dir = Files.createTempDirectory("inference-benchmark");
        series = ModelArtifact.load(new ModelBootstrap(new PrintStream(PrintStream.nullOutputStream()))
                .forSynthetic(10, SyntheticSeries.DEFAULT_PERIOD, SyntheticSeries.DEFAULT_NOISE, dir).toString());
        Random random = new Random(1);
        windows = new double[BATCH][series.metadata().windowSize()];
        for (double[] w : windows) {
            for (int i = 0; i < w.length; i++) {
                w[i] = 100 + random.nextGaussian();
            }
        }
    }

    @Benchmark
    public double[] seriesBatch1() {
        return series.forecast(windows, 1);
    }

    @Benchmark
    @OperationsPerInvocation(32)
    public double[] seriesBatch32() {
        return series.forecast(windows, 32);
    }

    @Benchmark
    @OperationsPerInvocation(BATCH)
    public double[] seriesBatch256() {
        return series.forecast(windows, BATCH);
    }

    /**
     * Making the network's input for a micro-batch of 128 rows of 784 features, side by side: the way the job did
     * it (ND4J copies the array element by element) and the way it does now (a buffer copied in one go).
     */
    @Benchmark
    @OperationsPerInvocation(128)
    public INDArray inputArrayElementByElement() {
        return Nd4j.create(rows, INPUT_SHAPE, 'c');
    }

    @Benchmark
    @OperationsPerInvocation(128)
    public INDArray inputArrayFromBuffer() {
        return Nd4j.create(Nd4j.createBuffer(rows), INPUT_SHAPE, Nd4j.getStrides(INPUT_SHAPE, 'c'), 0, 'c');
    }
}
