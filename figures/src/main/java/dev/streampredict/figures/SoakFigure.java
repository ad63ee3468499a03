package dev.streampredict.figures;

import dev.streampredict.figures.BenchmarkResults.Row;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.style.Styler;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * A soak over time, three panels: throughput, latency, and what could grow without bound (heap after collection and
 * checkpoint size). Flat lines are the result; a rising one is a leak.
 */
final class SoakFigure {

    private SoakFigure() {
    }

    static boolean applies(BenchmarkResults results) {
        return results.rows("soak: achieved").size() >= 2;
    }

    static Path draw(BenchmarkResults results, String source, Path file) throws IOException {
        XYChart throughput = panel("Soak: throughput (" + source + ")", "predictions per second");
        add(throughput, "achieved", results.rows("soak: achieved"));
        throughput.getStyler().setYAxisMin(0.0);
        XYChart latency = panel("Soak: latency", "ms (log scale)");
        latency.getStyler().setYAxisLogarithmic(true);
        add(latency, "p50", results.rows("soak: latency p50"));
        add(latency, "p99", results.rows("soak: latency p99"));
        XYChart memory = panel("Soak: heap after GC and checkpoint size", "MB");
        memory.getStyler().setYAxisMin(0.0);
        add(memory, "heap after the latest collection", results.rows("soak: heap after GC"));
        add(memory, "latest checkpoint on disk", results.rows("soak: checkpoint size"));
        return Charts.saveSideBySide(List.of(throughput, latency, memory), file);
    }

    private static XYChart panel(String title, String yTitle) {
        XYChart chart = Charts.xy(title, "minutes", yTitle);
        chart.getStyler().setLegendPosition(Styler.LegendPosition.InsideSW);
        return chart;
    }

    private static void add(XYChart chart, String name, List<Row> rows) {
        chart.addSeries(name, rows.stream().map(r -> Double.parseDouble(r.setting().replace("minute ", ""))).toList(),
                rows.stream().map(r -> Math.max(r.value(), 1e-3)).toList());
    }
}
