package dev.streampredict.figures;

import dev.streampredict.training.ModelEvaluation;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.stream.Stream;

/**
 * {@code scripts/figures.sh}: every figure of REPORT and README, drawn again from the results files, so that a figure
 * never shows a number that no file holds.
 */
@Command(name = "figures", mixinStandardHelpOptions = true, showDefaultValues = true, sortOptions = false,
        description = "Draws the figures (PNG) from the results that training and the benchmark wrote.")
public final class FiguresCli implements Callable<Integer> {

    @Option(names = "--results", defaultValue = "benchmark/results",
            description = "Benchmark results (*.json), the feedback-loop run (*feedback-loop.json) and training "
                    + "evaluations (training/*.json).")
    Path results;

    @Spec
    CommandSpec spec;

    @Option(names = "--output", defaultValue = "docs/figures", description = "Where the PNG files go.")
    Path output;

    public static void main(String[] args) {
        System.setProperty("java.awt.headless", "true");
        System.exit(new CommandLine(new FiguresCli()).execute(args));
    }

    @Override
    public Integer call() throws IOException {
        if (!Files.isDirectory(results)) {
            spec.commandLine().getErr().println("error: no results directory " + results.toAbsolutePath()
                    + ": run from the repository root, or give --results DIR");
            return 2;
        }
        List<Path> written = new ArrayList<>();
        for (Path file : jsonFiles(results.resolve("training"))) {
            ModelEvaluation evaluation = ModelEvaluation.read(file);
            written.add(evaluation.heldOutForecasts() != null
                    ? ForecastFigure.draw(evaluation, output.resolve("forecast-" + stem(file) + ".png"))
                    : ConfusionFigure.draw(evaluation, output.resolve("confusion-" + stem(file) + ".png")));
        }
        for (Path file : jsonFiles(results)) {
            String stem = stem(file);
            if (stem.endsWith("feedback-loop")) {
                written.add(FeedbackLoopFigure.draw(file, output.resolve(stem + ".png")));
                continue;
            }
            BenchmarkResults run = BenchmarkResults.read(file);
            if (!run.distributions().isEmpty()) {
                written.add(LatencyFigure.draw(run, file.getFileName().toString(),
                        output.resolve(named(stem, "latency"))));
            }
            if (ThroughputFigure.applies(run)) {
                written.add(ThroughputFigure.draw(run, file.getFileName().toString(),
                        output.resolve(named(stem, "throughput"))));
            }
            if (SoakFigure.applies(run)) {
                written.add(SoakFigure.draw(run, file.getFileName().toString(), output.resolve(named(stem, "soak"))));
            }
            if (HeapFigure.applies(run)) {
                written.add(HeapFigure.draw(run, file.getFileName().toString(), output.resolve(named(stem, "heap"))));
            }
        }
        if (written.isEmpty()) {
            spec.commandLine().getErr().println("error: no results to draw in " + results.toAbsolutePath()
                    + " (expected benchmark *.json, *feedback-loop.json or training/*.json)");
            return 2;
        }
        written.forEach(f -> spec.commandLine().getOut().println("wrote " + f));
        return 0;
    }

    private static List<Path> jsonFiles(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(f -> f.toString().endsWith(".json")).sorted().toList();
        }
    }

    /**
     * {@code 2026-11-29-2core} and {@code soak}: {@code 2026-11-29-2core-soak.png}, and the same for a run named so.
     */
    private static String named(String stem, String kind) {
        return (stem.endsWith("-" + kind) ? stem : stem + "-" + kind) + ".png";
    }

    private static String stem(Path file) {
        return file.getFileName().toString().replaceFirst("\\.json$", "");
    }
}
