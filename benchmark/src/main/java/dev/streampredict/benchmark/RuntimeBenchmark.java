package dev.streampredict.benchmark;

import dev.streampredict.model.Predictor;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

import java.nio.file.Files;
import java.util.Random;
import java.util.concurrent.TimeUnit;

/**
 * One batch of the peer's FFNN (784 -> 10) through each embedded runtime, in microseconds per call: its Keras file in
 * DL4J and its ONNX file in ONNX Runtime (one intra-op thread, as the job runs it), at the batch sizes a micro-batch
 * has. The two files are networks of the same size, not copies (docs/peer-model.md): this compares cost, not answers.
 * Run with {@code scripts/benchmark.sh --jmh RuntimeBenchmark}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class RuntimeBenchmark {

    @Param({"dl4j", "onnx"})
    public String runtime;

    @Param({"1", "32", "128", "256"})
    public int batch;

    private Predictor ffnn;
    private double[][] images;

    @Setup
    public void load() throws Exception {
        ffnn = PeerModel.load(Files.createTempDirectory("runtime-benchmark"), runtime.equals("onnx"));
        Random random = new Random(1);
        images = new double[batch][784];
        for (double[] image : images) {
            for (int i = 0; i < image.length; i++) {
                image[i] = random.nextInt(1000) / 1000.0;
            }
        }
    }

    @Benchmark
    public double[][] oneBatch() {
        return ffnn.classify(images, batch);
    }

    @TearDown
    public void close() {
        ffnn.close();
    }
}
