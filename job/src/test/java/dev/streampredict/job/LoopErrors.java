package dev.streampredict.job;

import dev.streampredict.common.message.InputRecord;
import dev.streampredict.common.message.Prediction;
import dev.streampredict.model.Predictor;
import dev.streampredict.producer.SyntheticSeries;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The feedback loop as a picture: the served forecasts' error over the stream, next to what the first model would
 * have missed on the same inputs without the loop, with the regime change and the promotion marked. An SVG, so that
 * it needs no plotting library and renders wherever Markdown does.
 */
final class LoopFigure {

    private static final int BUCKET = 250;
    private static final int WIDTH = 820;
    private static final int HEIGHT = 360;
    private static final int LEFT = 70;
    private static final int RIGHT = 20;
    private static final int TOP = 40;
    private static final int BOTTOM = 56;

    private LoopFigure() {
    }

    static void write(Path file, List<InputRecord> inputs, List<Prediction> predictions, Predictor first,
                      int shift, int promoted) throws IOException {
        Map<String, Prediction> byId = new HashMap<>();
        predictions.forEach(p -> byId.put(p.id(), p));
        int buckets = inputs.size() / BUCKET;
        double[][] served = new double[buckets][2];
        double[][] without = new double[buckets][2];
        Map<String, List<Integer>> byKey = new HashMap<>();
        for (int i = 0; i < inputs.size(); i++) {
            byKey.computeIfAbsent(inputs.get(i).key(), k -> new ArrayList<>()).add(i);
        }
        int window = first.metadata().windowSize();
        for (List<Integer> ofKey : byKey.values()) {
            for (int j = window; j < ofKey.size(); j++) {
                int at = ofKey.get(j);
                if (at / BUCKET >= buckets) {
                    continue;
                }
                double actual = value(inputs.get(at));
                Prediction forecast = byId.get(inputs.get(ofKey.get(j - 1)).id());
                add(served[at / BUCKET], forecast.prediction() - actual);
                double[] past = new double[window];
                for (int w = 0; w < window; w++) {
                    past[w] = value(inputs.get(ofKey.get(j - window + w)));
                }
                add(without[at / BUCKET], first.forecast(new double[][]{past}, 1)[0] - actual);
            }
        }
        StringBuilder svg = new StringBuilder(String.format(Locale.ROOT,
                "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" font-family=\"sans-serif\" "
                        + "font-size=\"12\">%n<rect width=\"100%%\" height=\"100%%\" fill=\"white\"/>%n", WIDTH, HEIGHT));
        svg.append(text(LEFT, 20, "Mean squared error of the next-value forecasts, per " + BUCKET
                + " events (log scale)", "start", 14));
        double max = 0;
        double min = Double.MAX_VALUE;
        for (double[][] series : List.of(served, without)) {
            for (double[] bucket : series) {
                if (bucket[1] > 0) {
                    max = Math.max(max, mean(bucket));
                    min = Math.min(min, mean(bucket));
                }
            }
        }
        double low = Math.floor(Math.log10(min));
        double high = Math.ceil(Math.log10(max));
        for (double decade = low; decade <= high; decade++) {
            double y = y(decade, low, high);
            svg.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" stroke=\"#ddd\"/>%n",
                    LEFT, y, WIDTH - RIGHT, y));
            svg.append(text(LEFT - 6, y + 4, format(Math.pow(10, decade)), "end", 11));
        }
        for (int event = 0; event <= buckets * BUCKET; event += 2_000) {
            svg.append(text(x(event / (double) BUCKET, buckets), HEIGHT - BOTTOM + 14,
                    String.format(Locale.ROOT, "%,d", event), "middle", 11));
        }
        marker(svg, shift, buckets, "regime change", 0);
        marker(svg, promoted, buckets, "retrained model promoted", 1);
        line(svg, without, buckets, low, high, "#d62728");
        line(svg, served, buckets, low, high, "#1f77b4");
        svg.append(text(LEFT + 10, HEIGHT - 18, "served by the job with the feedback loop: first model, then the "
                + "retrained one", "start", 12).replace("<text", "<text fill=\"#1f77b4\""));
        svg.append(text(LEFT + 10, HEIGHT - 4, "the first model on the same inputs, without the loop", "start", 12)
                .replace("<text", "<text fill=\"#d62728\""));
        svg.append(text(WIDTH - RIGHT, HEIGHT - 18, "events", "end", 11));
        svg.append("</svg>\n");
        Files.createDirectories(file.getParent());
        Files.writeString(file, svg);
    }

    private static void line(StringBuilder svg, double[][] series, int buckets, double low, double high,
                             String colour) {
        svg.append("<polyline fill=\"none\" stroke-width=\"2\" stroke=\"").append(colour).append("\" points=\"");
        for (int b = 0; b < buckets; b++) {
            if (series[b][1] > 0) {
                svg.append(String.format(Locale.ROOT, "%.1f,%.1f ", x(b + 0.5, buckets),
                        y(Math.log10(mean(series[b])), low, high)));
            }
        }
        svg.append("\"/>\n");
    }

    private static void marker(StringBuilder svg, int event, int buckets, String label, int row) {
        double x = x(event / (double) BUCKET, buckets);
        svg.append(String.format(Locale.ROOT, "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" stroke=\"#555\" "
                + "stroke-dasharray=\"4 3\"/>%n", x, TOP, x, HEIGHT - BOTTOM));
        boolean right = x > WIDTH / 2.0; // the label goes where there is room
        svg.append(text(right ? x - 4 : x + 4, HEIGHT - BOTTOM - 6 - 14 * row, label + " (event " + String.format(Locale.ROOT, "%,d",
                event) + ")", right ? "end" : "start", 11));
    }

    private static double x(double bucket, int buckets) {
        return LEFT + bucket / buckets * (WIDTH - LEFT - RIGHT);
    }

    private static double y(double log, double low, double high) {
        return HEIGHT - BOTTOM - (log - low) / (high - low) * (HEIGHT - TOP - BOTTOM);
    }

    private static String text(double x, double y, String content, String anchor, int size) {
        return String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"%s\" font-size=\"%d\">%s</text>%n",
                x, y, anchor, size, content);
    }

    private static String format(double value) {
        return value >= 1 ? String.format(Locale.ROOT, "%.0f", value) : String.format(Locale.ROOT, "%.2g", value);
    }

    private static double value(InputRecord input) {
        return input.features().get(SyntheticSeries.FEATURE);
    }

    private static void add(double[] sumAndCount, double error) {
        sumAndCount[0] += error * error;
        sumAndCount[1]++;
    }

    private static double mean(double[] sumAndCount) {
        return sumAndCount[1] == 0 ? Double.NaN : sumAndCount[0] / sumAndCount[1];
    }
}
