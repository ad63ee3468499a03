package dev.streampredict.figures;

import dev.streampredict.figures.BenchmarkResults.Row;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Throughput of the raw Kafka passthrough next to the pipeline at each parallelism, one panel per workload measured
 * in the run (small series records; the peer's 784-feature records), each on its own scale.
 */
final class ThroughputFigure {

    private static final String RAW = "raw Kafka passthrough (consume+produce)";
    private static final String DRAIN = "pipeline drain";

    private ThroughputFigure() {
    }

    static boolean applies(BenchmarkResults results) {
        return !results.rows(DRAIN).isEmpty();
    }

    static Path draw(BenchmarkResults results, String source, Path file) throws IOException {
        List<CategoryChart> panels = new ArrayList<>();
        for (String workload : workloads(results)) {
            String name = workload.isEmpty() ? "Series, small records" : workload.replaceAll(":\\s*$", "");
            panels.add(panel(results, workload, name + " (" + source + ")"));
        }
        panels.removeIf(p -> p.getSeriesMap().isEmpty());
        return Charts.saveSideBySide(panels, file);
    }

    /** The prefixes of the workloads drained in the run, in their order: "" (series), "peer FFNN, avro: ", ... */
    private static List<String> workloads(BenchmarkResults results) {
        Set<String> workloads = new LinkedHashSet<>();
        for (Row row : results.results()) {
            if (row.measurement().endsWith(DRAIN)) {
                workloads.add(row.measurement().substring(0, row.measurement().length() - DRAIN.length()));
            }
        }
        return List.copyOf(workloads);
    }

    private static CategoryChart panel(BenchmarkResults results, String workload, String title) {
        CategoryChart chart = new CategoryChartBuilder().width(Charts.WIDTH / 2 + 100).height(Charts.HEIGHT)
                .title(title).yAxisTitle("per second, median of interleaved rounds").build();
        Charts.style(chart.getStyler());
        chart.getStyler().setLegendVisible(false);
        chart.getStyler().setLabelsVisible(true);
        chart.getStyler().setDecimalPattern("#,###");
        chart.getStyler().setYAxisMin(0.0);
        List<String> names = new ArrayList<>();
        List<Double> values = new ArrayList<>();
        // a run reports the median of its rounds, and (since 2026-11-30) the slowest and fastest beside it
        results.rows(workload + RAW).stream().filter(ThroughputFigure::isMedian).forEach(r -> {
            names.add("raw Kafka");
            values.add(r.value());
        });
        for (Row drain : results.rows(workload + DRAIN).stream().filter(ThroughputFigure::isMedian).toList()) {
            names.add("pipeline p=" + drain.setting().replaceAll("\\D*(\\d+).*", "$1"));
            values.add(drain.value());
        }
        if (!names.isEmpty()) {
            chart.addSeries("records or predictions per second", names, values);
        }
        return chart;
    }

    private static boolean isMedian(Row row) {
        return row.setting().contains("median");
    }
}
