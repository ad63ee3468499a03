package dev.streampredict.figures;

import dev.streampredict.training.ModelEvaluation;
import dev.streampredict.training.ModelEvaluation.ConfusionMatrix;
import dev.streampredict.training.ModelEvaluation.HeldOutForecast;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import javax.imageio.ImageIO;
import java.awt.GraphicsEnvironment;
import java.awt.image.BufferedImage;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

class FiguresCliTest {

    @TempDir
    Path results;

    @TempDir
    Path output;

    @BeforeAll
    static void needsFonts() {
        System.setProperty("java.awt.headless", "true");
        boolean fonts;
        try {
            fonts = GraphicsEnvironment.getLocalGraphicsEnvironment().getAvailableFontFamilyNames().length > 0;
        } catch (Throwable e) {
            fonts = false;
        }
        assumeTrue(fonts, "no fonts here: scripts/test-setup.sh installs fontconfig and fonts-dejavu-core as root");
    }

    @Test
    void drawsEveryFigureItsResultsAllow() throws Exception {
        Files.writeString(results.resolve("run.json"), """
                {"results": [
                  {"measurement": "raw Kafka passthrough (consume+produce)", "setting": "1 thread, median of 3",
                    "value": 300000, "unit": "records/s"},
                  {"measurement": "pipeline drain", "setting": "parallelism 1, median of 3", "value": 56000,
                    "unit": "predictions/s"},
                  {"measurement": "pipeline drain", "setting": "parallelism 2, median of 3", "value": 51000,
                    "unit": "predictions/s"},
                  {"measurement": "heap in use, job holding state", "setting": "1,000 keys", "value": 52, "unit": "MB"},
                  {"measurement": "heap in use, job holding state", "setting": "10,000 keys", "value": 60,
                    "unit": "MB"},
                  {"measurement": "heap in use, job holding state", "setting": "100,000 keys", "value": 131,
                    "unit": "MB"},
                  {"measurement": "soak: achieved", "setting": "minute 0.5", "value": 5000, "unit": "predictions/s"},
                  {"measurement": "soak: achieved", "setting": "minute 1.0", "value": 5001, "unit": "predictions/s"},
                  {"measurement": "soak: latency p50", "setting": "minute 0.5", "value": 15, "unit": "ms"},
                  {"measurement": "soak: latency p50", "setting": "minute 1.0", "value": 16, "unit": "ms"},
                  {"measurement": "soak: latency p99", "setting": "minute 0.5", "value": 40, "unit": "ms"},
                  {"measurement": "soak: latency p99", "setting": "minute 1.0", "value": 38, "unit": "ms"},
                  {"measurement": "soak: heap after GC", "setting": "minute 0.5", "value": 52, "unit": "MB"},
                  {"measurement": "soak: heap after GC", "setting": "minute 1.0", "value": 53, "unit": "MB"},
                  {"measurement": "soak: checkpoint size", "setting": "minute 0.5", "value": 2.2, "unit": "MB"},
                  {"measurement": "soak: checkpoint size", "setting": "minute 1.0", "value": 2.2, "unit": "MB"}],
                 "distributions": [
                  {"distribution": "latency", "setting": "1000/s at-least-once", "percentile": 0, "value": 5,
                    "unit": "ms"},
                  {"distribution": "latency", "setting": "1000/s at-least-once", "percentile": 50, "value": 16,
                    "unit": "ms"},
                  {"distribution": "latency", "setting": "1000/s at-least-once", "percentile": 100, "value": 70,
                    "unit": "ms"}]}
                """);
        Files.writeString(results.resolve("2026-01-01-feedback-loop.json"), """
                {"bucketSize": 250, "regimeChangeAt": 500, "promotedAt": 1000, "buckets": [
                  {"from": 0, "servedMse": 0.6, "withoutLoopMse": 0.6, "servedBy": {"v1": 240}},
                  {"from": 250, "servedMse": 0.7, "withoutLoopMse": 0.7, "servedBy": {"v1": 240}},
                  {"from": 500, "servedMse": 60, "withoutLoopMse": 60, "servedBy": {"v1": 240}},
                  {"from": 750, "servedMse": 58, "withoutLoopMse": 58, "servedBy": {"v1": 200, "v2": 40}},
                  {"from": 1000, "servedMse": 1.5, "withoutLoopMse": 59, "servedBy": {"v2": 240}}]}
                """);
        Files.createDirectories(results.resolve("training"));
        List<HeldOutForecast> forecasts = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            double actual = Math.sin(i / 5.0);
            forecasts.add(new HeldOutForecast("k", 3_600_000L * i, actual, actual + 0.05, Math.sin((i - 1) / 5.0)));
        }
        new ModelEvaluation("sine-1", "regression", "sine.csv", Map.of("test.mseRatioToPersistence", 0.1), forecasts,
                null, null).write(results.resolve("training").resolve("sine.json"));
        new ModelEvaluation("iris-1", "classification", "iris.csv", Map.of(), null,
                new ConfusionMatrix(List.of("a", "b"), new int[][]{{10, 1}, {2, 12}}), null)
                .write(results.resolve("training").resolve("iris.json"));

        assertThat(run("--results", results.toString(), "--output", output.toString())).isZero();

        assertThat(pictures()).containsOnlyKeys("forecast-sine.png", "confusion-iris.png", "run-latency.png",
                "run-throughput.png", "run-heap.png", "run-soak.png", "2026-01-01-feedback-loop.png");
        assertThat(pictures()).allSatisfy((name, image) -> {
            assertThat(image.getWidth()).as(name).isGreaterThanOrEqualTo(500);
            assertThat(colours(image)).as(name + " is more than a blank canvas").isGreaterThan(20);
        });
    }

    @Test
    void drawsTheCommittedResults() throws Exception {
        Path committed = Path.of("..", "benchmark", "results");

        assertThat(run("--results", committed.toString(), "--output", output.toString())).isZero();

        try (Stream<Path> training = Files.list(committed.resolve("training"))) {
            assertThat(pictures()).hasSizeGreaterThan((int) training.count());
        }
    }

    @Test
    void aMissingResultsDirectoryIsNamed() {
        StringWriter err = new StringWriter();
        CommandLine cli = new CommandLine(new FiguresCli()).setErr(new PrintWriter(err));
        Path missing = results.resolve("nowhere");

        assertThat(cli.execute("--results", missing.toString(), "--output", output.toString())).isEqualTo(2);
        assertThat(err.toString()).contains("no results directory " + missing.toAbsolutePath());
    }

    private static int run(String... args) {
        return new CommandLine(new FiguresCli()).execute(args);
    }

    private Map<String, BufferedImage> pictures() throws Exception {
        Map<String, BufferedImage> pictures = new TreeMap<>();
        try (Stream<Path> files = Files.list(output)) {
            for (Path file : files.toList()) {
                pictures.put(file.getFileName().toString(), ImageIO.read(file.toFile()));
            }
        }
        return pictures;
    }

    private static int colours(BufferedImage image) {
        Set<Integer> seen = new HashSet<>();
        for (int x = 0; x < image.getWidth(); x += 3) {
            for (int y = 0; y < image.getHeight(); y += 3) {
                seen.add(image.getRGB(x, y));
            }
        }
        return seen.size();
    }
}
