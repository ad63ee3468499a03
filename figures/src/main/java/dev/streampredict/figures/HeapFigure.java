package dev.streampredict.figures;

import dev.streampredict.figures.BenchmarkResults.Row;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.style.Styler;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;

/** Heap in use (after full collections) while the job holds the state of a number of keys, one job per count. */
final class HeapFigure {

    private static final String HEAP = "heap in use, job holding state";

    private HeapFigure() {
    }

    static boolean applies(BenchmarkResults results) {
        return results.rows(HEAP).size() >= 3; // two points make no curve
    }

    static Path draw(BenchmarkResults results, String source, Path file) throws IOException {
        List<Row> rows = results.rows(HEAP).stream().sorted(Comparator.comparingLong(HeapFigure::keys)).toList();
        XYChart chart = Charts.xy("Heap in use while the job holds every key's state (" + source + ")", "keys",
                "heap after GC (MB)");
        chart.getStyler().setYAxisMin(0.0);
        chart.getStyler().setXAxisMin(0.0);
        chart.getStyler().setLegendPosition(Styler.LegendPosition.InsideNW);
        chart.getStyler().setXAxisDecimalPattern("#,###");
        chart.addSeries("job (window 16, 32 remembered ids per key)",
                rows.stream().map(r -> (double) keys(r)).toList(), rows.stream().map(Row::value).toList());
        return Charts.save(chart, file);
    }

    private static long keys(Row row) {
        return Long.parseLong(row.setting().replaceAll("[^0-9]", ""));
    }
}
