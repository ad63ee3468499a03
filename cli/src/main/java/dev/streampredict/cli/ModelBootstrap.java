package dev.streampredict.cli;

import dev.streampredict.common.csv.CsvRecordReader;
import dev.streampredict.common.csv.CsvSpec;
import dev.streampredict.common.message.InputRecord;
import dev.streampredict.model.Architecture;
import dev.streampredict.model.ModelArtifact;
import dev.streampredict.model.ModelMetadata;
import dev.streampredict.model.TargetMode;
import dev.streampredict.producer.SyntheticSeries;
import dev.streampredict.training.FitOptions;
import dev.streampredict.training.RegressionTraining;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicLong;

/** Finds the model for the data the stack will stream, training it first if it does not exist yet. */
public final class ModelBootstrap {

    static final int WINDOW = 16;
    /** The seed models' forecasts come with intervals, so the stack shows them and their live coverage. */
    static final double INTERVAL_LEVEL = 0.9;

    private final PrintStream out;

    public ModelBootstrap(PrintStream out) {
        this.out = out;
    }

    /** A next-value model for {@code target} of the CSV file. */
    public Path forCsv(CsvSpec spec, String target, Path modelsDir) throws IOException {
        String name = spec.keyForFile() + "-" + target;
        Path dir = modelsDir.resolve(name);
        if (ModelArtifact.exists(dir)) {
            return reuse(dir);
        }
        out.printf("no model in %s yet: training one on %s (column '%s')%n", dir, spec.file(), target);
        List<InputRecord> history = CsvRecordReader.readAll(spec, row -> {
        });
        return train(history, name, spec.file().getFileName().toString(), target, dir,
                FitOptions.REGRESSION_DEFAULTS.seed(), Architecture.MLP);
    }

    /** A next-value model for the synthetic series, trained on generated history (not the live stream). */
    public Path forSynthetic(int keys, double period, double noise, Path modelsDir) throws IOException {
        return forSynthetic(keys, period, noise, Architecture.MLP, modelsDir);
    }

    /** As {@link #forSynthetic(int, double, double, Path)}, with another network, in a directory named after it. */
    public Path forSynthetic(int keys, double period, double noise, Architecture architecture, Path modelsDir)
            throws IOException {
        return synthetic(keys, period, noise, FitOptions.REGRESSION_DEFAULTS.seed(), architecture, modelsDir);
    }

    /** As {@link #forSynthetic(int, double, double, Path)}, with another seed for its weights: a second version. */
    public Path forSyntheticSeed(int keys, double period, double noise, long seed, Path modelsDir)
            throws IOException {
        return synthetic(keys, period, noise, seed, Architecture.MLP, modelsDir);
    }

    private Path synthetic(int keys, double period, double noise, long seed, Architecture architecture,
                           Path modelsDir) throws IOException {
        String name = "synthetic-" + SyntheticSeries.FEATURE;
        Path dir = modelsDir.resolve(architecture == Architecture.MLP ? name
                : name + "-" + architecture.name().toLowerCase(Locale.ROOT));
        if (ModelArtifact.exists(dir)) {
            return reuse(dir);
        }
        out.printf("no model in %s yet: training one on generated history of %d synthetic series%n", dir, keys);
        SyntheticSeries generator = new SyntheticSeries(keys, period, noise, 1, new AtomicLong()::incrementAndGet);
        List<InputRecord> history = new ArrayList<>();
        for (int i = 0; i < keys * 600; i++) {
            history.add(generator.next());
        }
        return train(history, name, "synthetic series (generated, seed 1)", SyntheticSeries.FEATURE, dir, seed,
                architecture);
    }

    private Path train(List<InputRecord> history, String name, String source, String target, Path dir, long seed,
                       Architecture architecture) throws IOException {
        long start = System.nanoTime();
        FitOptions defaults = FitOptions.REGRESSION_DEFAULTS;
        FitOptions fit = new FitOptions(defaults.hidden(), defaults.maxEpochs(), defaults.patience(),
                defaults.batchSize(), defaults.learningRate(), seed);
        var model = RegressionTraining.train(history, new RegressionTraining.Settings(name, source, target,
                WINDOW, TargetMode.DIFFERENCE, 0.15, 0.15, fit, INTERVAL_LEVEL, architecture),
                new PrintStream(PrintStream.nullOutputStream()));
        model.save(dir);
        out.printf("trained %s in %.0f s%n", model.metadata().modelVersion(), (System.nanoTime() - start) / 1e9);
        describe(model.metadata());
        return dir;
    }

    private Path reuse(Path dir) {
        ModelMetadata metadata = ModelArtifact.readMetadata(dir.toString());
        out.printf("using model %s from %s%n", metadata.modelVersion(), dir);
        describe(metadata);
        return dir;
    }

    private void describe(ModelMetadata metadata) {
        var m = metadata.metrics();
        if (m.containsKey("test.mse")) {
            out.printf("  trained on %s; held-out test MSE %.6g vs persistence (next = last) %.6g: ratio %.3f%n",
                    metadata.trainingData(), m.get("test.mse"), m.get("test.persistence.mse"),
                    m.get("test.mseRatioToPersistence"));
        }
        if (metadata.intervals() != null) {
            out.printf("  %.0f%% prediction intervals of ± %.6g; they hold %.3f of the test part%n",
                    metadata.intervals().level() * 100, metadata.intervals().nextHalfWidth(),
                    m.getOrDefault("test.intervalCoverage", Double.NaN));
        }
    }
}
