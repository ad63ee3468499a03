package dev.streampredict.benchmark;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.dataformat.csv.CsvMapper;
import dev.streampredict.common.Percentiles;
import dev.streampredict.common.message.Json;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The benchmark's results: one row per measurement, printed as a table and written as CSV and JSON; and whole
 * distributions (e.g. every latency of a run) as their percentiles, for the figures.
 */
final class ResultTable {

    @JsonPropertyOrder({"measurement", "setting", "value", "unit"})
    record Row(String measurement, String setting, double value, String unit) {
    }

    /** One point of a distribution: {@code percentile} (0-100) of the values measured under {@code setting}. */
    record Quantile(String distribution, String setting, double percentile, double value, String unit) {
    }

    /** The minimum (0), 0.5, ..., 99.5, then the tail in finer steps, and the maximum (100). */
    private static final double[] PERCENTILES = percentiles();

    private final List<Row> rows = new ArrayList<>();
    private final List<Quantile> quantiles = new ArrayList<>();
    private final Map<String, Object> conditions = new LinkedHashMap<>();

    void condition(String name, Object value) {
        conditions.put(name, value);
    }

    void add(String measurement, String setting, double value, String unit) {
        rows.add(new Row(measurement, setting, value, unit));
    }

    /** Keeps the percentiles of {@code sorted} (ascending), not every value. */
    void distribution(String name, String setting, long[] sorted, String unit) {
        if (sorted.length == 0) {
            return;
        }
        for (double p : PERCENTILES) {
            long value = p == 0 ? sorted[0] : Percentiles.of(sorted, p / 100);
            quantiles.add(new Quantile(name, setting, p, value, unit));
        }
    }

    /** Columns as wide as their longest entry: the peer workloads' names are longer than the others'. */
    void print(PrintStream out) {
        out.println();
        int conditionWidth = conditions.keySet().stream().mapToInt(String::length).max().orElse(0);
        conditions.forEach((k, v) -> out.printf("%-" + conditionWidth + "s  %s%n", k, v));
        int measurementWidth = width("measurement", rows.stream().map(Row::measurement).toList());
        int settingWidth = width("setting", rows.stream().map(Row::setting).toList());
        int valueWidth = width("value", rows.stream().map(r -> format(r.value())).toList());
        String line = "%-" + measurementWidth + "s  %-" + settingWidth + "s  %" + valueWidth + "s  %s%n";
        out.printf("%n" + line, "measurement", "setting", "value", "unit");
        for (Row r : rows) {
            out.printf(line, r.measurement(), r.setting(), format(r.value()), r.unit());
        }
    }

    private static int width(String header, List<String> entries) {
        return Math.max(header.length(), entries.stream().mapToInt(String::length).max().orElse(0));
    }

    void write(Path dir) throws IOException {
        Files.createDirectories(dir);
        // names and settings hold commas ("latency, p99"): the CSV library quotes them, as any reader expects
        CsvMapper csv = new CsvMapper();
        csv.writer(csv.schemaFor(Row.class).withHeader()).writeValue(dir.resolve("results.csv").toFile(), rows);
        Json.MAPPER.copy().enable(SerializationFeature.INDENT_OUTPUT)
                .writeValue(dir.resolve("results.json").toFile(),
                        Map.of("conditions", conditions, "results", rows, "distributions", quantiles));
    }

    private static double[] percentiles() {
        List<Double> points = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            points.add(i / 2.0);
        }
        points.addAll(List.of(99.6, 99.7, 99.8, 99.9, 99.95, 99.99, 100.0));
        return points.stream().mapToDouble(Double::doubleValue).toArray();
    }

    private static String format(double v) {
        return v == Math.rint(v) && Math.abs(v) < 1e12 ? String.format("%,d", (long) v) : String.format("%,.3f", v);
    }
}
