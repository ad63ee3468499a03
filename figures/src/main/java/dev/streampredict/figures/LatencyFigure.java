package dev.streampredict.figures;

import dev.streampredict.figures.BenchmarkResults.Quantile;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.lines.SeriesLines;
import org.knowm.xchart.style.markers.SeriesMarkers;

import java.awt.Color;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * End-to-end latency as distribution functions, one line per rate and delivery guarantee: the share of inputs whose
 * prediction was readable within x ms. Log scale, as exactly-once is some 40 times slower than at-least-once.
 */
final class LatencyFigure {

    /** One colour per rate, the same in both guarantees (solid: at-least-once, dashed: exactly-once). */
    private static final Color[] PALETTE = {new Color(0x1f77b4), new Color(0x2ca02c), new Color(0xff7f0e),
            new Color(0xd62728), new Color(0x9467bd), new Color(0x8c564b)};

    private LatencyFigure() {
    }

    private static String rate(String setting) {
        return setting.split(" ")[0];
    }

    static Path draw(BenchmarkResults results, String source, Path file) throws IOException {
        Map<String, List<Quantile>> bySetting = new LinkedHashMap<>();
        results.distributions().stream().filter(q -> q.distribution().equals("latency"))
                .forEach(q -> bySetting.computeIfAbsent(q.setting(), s -> new ArrayList<>()).add(q));
        XYChart chart = Charts.xy("End-to-end latency, event time to prediction readable (" + source + ")",
                "latency (ms, log scale)", "share of inputs (%)");
        chart.getStyler().setXAxisLogarithmic(true);
        chart.getStyler().setYAxisMin(0.0);
        chart.getStyler().setYAxisMax(100.0);
        chart.getStyler().setLegendPosition(Styler.LegendPosition.InsideNW);
        List<String> rates = bySetting.keySet().stream().map(LatencyFigure::rate).distinct().toList();
        for (Map.Entry<String, List<Quantile>> setting : bySetting.entrySet()) {
            // a log axis cannot show 0 ms
            List<Quantile> points = setting.getValue().stream().filter(q -> q.value() > 0).toList();
            XYSeries series = chart.addSeries(setting.getKey(), points.stream().map(Quantile::value).toList(),
                    points.stream().map(Quantile::percentile).toList());
            series.setMarker(SeriesMarkers.NONE);
            series.setLineColor(PALETTE[rates.indexOf(rate(setting.getKey())) % PALETTE.length]);
            series.setLineStyle(setting.getKey().contains("exactly-once") ? SeriesLines.DASH_DASH : SeriesLines.SOLID);
        }
        return Charts.save(chart, file);
    }
}
