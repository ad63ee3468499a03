package dev.streampredict.figures;

import dev.streampredict.figures.BenchmarkResults.Row;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

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
        panels.add(panel(results, "", "Series, small records (" + source + ")"));
        panels.add(panel(results, "peer FFNN: ", "Peer FFNN, 784 features (" + source + ")"));
        panels.removeIf(p -> p.getSeriesMap().isEmpty());
        return Charts.saveSideBySide(panels, file);
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
        results.rows(workload + RAW).forEach(r -> {
            names.add("raw Kafka");
            values.add(r.value());
        });
        for (Row drain : results.rows(workload + DRAIN)) {
            names.add("pipeline p=" + drain.setting().replaceAll("\\D*(\\d+).*", "$1"));
            values.add(drain.value());
        }
        if (!names.isEmpty()) {
            chart.addSeries("records or predictions per second", names, values);
        }
        return chart;
    }
}
