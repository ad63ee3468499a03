package dev.streampredict.benchmark;

import dev.streampredict.common.message.InputRecord;
import dev.streampredict.model.Architecture;
import dev.streampredict.model.ModelArtifact;
import dev.streampredict.model.Predictor;
import dev.streampredict.model.TargetMode;
import dev.streampredict.training.FitOptions;
import dev.streampredict.training.RegressionTraining;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;

/**
 * One batch of windows through a forecaster of each architecture, as the job calls it (its defaults: window 16,
 * hidden 32,32, DL4J on one thread), in microseconds per call: what an LSTM or a CNN costs beside the MLP. The
 * networks are trained for one epoch only: cost depends on the shape, not on the weights.
 * Run with {@code scripts/benchmark.sh --jmh ArchitectureBenchmark}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class ArchitectureBenchmark {

    private static final int WINDOW = 16;

    @Param({"MLP", "LSTM", "CNN"})
    public Architecture architecture;

    @Param({"1", "32", "256"})
    public int batch;

    private Predictor model;
    private double[][] windows;

    @Setup
    public void train() throws Exception {
        Random random = new Random(1);
        List<InputRecord> series = new ArrayList<>();
        for (int t = 0; t < 600; t++) {
            series.add(new InputRecord("r" + t, "k", t * 1_000L, Map.of("value",
                    Math.sin(t / 5.0) + 0.1 * random.nextGaussian())));
        }
        Path dir = Files.createTempDirectory("architecture-benchmark");
        RegressionTraining.train(series, new RegressionTraining.Settings("bench", "generated", "value", WINDOW,
                TargetMode.DIFFERENCE, 0.15, 0.15, new FitOptions(List.of(32, 32), 1, 1, 64, 0.001, 1), 0,
                architecture), new PrintStream(PrintStream.nullOutputStream())).save(dir);
        model = ModelArtifact.load(dir.toString());
        windows = new double[batch][WINDOW];
        for (double[] window : windows) {
            for (int i = 0; i < WINDOW; i++) {
                window[i] = random.nextGaussian();
            }
        }
    }

    @Benchmark
    public double[] oneBatch() {
        return model.forecast(windows, batch);
    }

    @TearDown
    public void close() {
        model.close();
    }
}
