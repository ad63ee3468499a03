package dev.streampredict.figures;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import dev.streampredict.common.message.Json;
import org.knowm.xchart.AnnotationLine;
import org.knowm.xchart.AnnotationText;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.markers.SeriesMarkers;

import java.awt.Color;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The feedback loop across a regime change ({@code FeedbackLoopIT} writes the data): the served forecasts' error per
 * bucket of events, coloured by the version that served most of the bucket, next to the first model's error on the
 * same inputs without the loop; the regime change and the promotion marked.
 */
final class FeedbackLoopFigure {

    @JsonIgnoreProperties(ignoreUnknown = true)
    record Bucket(int from, double servedMse, double withoutLoopMse, Map<String, Integer> servedBy) {

        String mostlyServedBy() {
            return servedBy.entrySet().stream().max(Map.Entry.comparingByValue()).orElseThrow().getKey();
        }
    }

    @JsonIgnoreProperties(ignoreUnknown = true)
    record Run(int bucketSize, int regimeChangeAt, int promotedAt, List<Bucket> buckets) {
    }

    private FeedbackLoopFigure() {
    }

    static Path draw(Path data, Path file) throws IOException {
        Run run = Json.MAPPER.readValue(data.toFile(), Run.class);
        XYChart chart = Charts.xy("Forecast error across a regime change, per " + run.bucketSize()
                + " events (log scale)", "events", "mean squared error");
        chart.getStyler().setYAxisLogarithmic(true);
        chart.getStyler().setLegendPosition(Styler.LegendPosition.OutsideS);
        chart.getStyler().setXAxisDecimalPattern("#,###");
        chart.getStyler().setAnnotationLineColor(Color.GRAY);
        XYSeries without = chart.addSeries("the first model on the same inputs, without the loop",
                run.buckets().stream().map(b -> (double) b.from()).toList(),
                run.buckets().stream().map(Bucket::withoutLoopMse).toList());
        without.setLineColor(new Color(0xd62728));
        without.setMarker(SeriesMarkers.NONE);
        Map<String, List<Bucket>> byVersion = new LinkedHashMap<>();
        run.buckets().forEach(b -> byVersion.computeIfAbsent(b.mostlyServedBy(), v -> new ArrayList<>()).add(b));
        int n = 0;
        for (Map.Entry<String, List<Bucket>> version : byVersion.entrySet()) {
            XYSeries served = chart.addSeries((n++ == 0 ? "served by " : "served by the retrained ") + version.getKey(),
                    version.getValue().stream().map(b -> (double) b.from()).toList(),
                    version.getValue().stream().map(Bucket::servedMse).toList());
            served.setMarker(SeriesMarkers.CIRCLE);
        }
        double top = run.buckets().stream().mapToDouble(b -> Math.max(b.servedMse(), b.withoutLoopMse())).max()
                .orElse(1);
        int range = run.buckets().get(run.buckets().size() - 1).from();
        mark(chart, run.regimeChangeAt(), top / 6, "regime change", range);
        mark(chart, run.promotedAt(), top / 20, "retrained model promoted", range);
        return Charts.save(chart, file);
    }

    private static void mark(XYChart chart, int event, double y, String label, int range) {
        chart.addAnnotation(new AnnotationLine(event, true, false));
        String text = label + " (event " + String.format("%,d", event) + ")";
        // the text is centred on its x: half its width (about 7 of the plot's 800 pixels per letter) to the right
        double halfWidth = text.length() * 3.5 / 800 * range;
        boolean left = event + 2 * halfWidth > range;
        chart.addAnnotation(new AnnotationText(text, left ? event - halfWidth : event + halfWidth, y, false));
    }
}
