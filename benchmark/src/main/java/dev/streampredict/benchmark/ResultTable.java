package dev.streampredict.benchmark;

import com.fasterxml.jackson.databind.SerializationFeature;
import dev.streampredict.common.message.Json;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The benchmark's results: one row per measurement, printed as a table and written as CSV and JSON. */
final class ResultTable {

    record Row(String measurement, String setting, double value, String unit) {
    }

    private final List<Row> rows = new ArrayList<>();
    private final Map<String, Object> conditions = new LinkedHashMap<>();

    void condition(String name, Object value) {
        conditions.put(name, value);
    }

    void add(String measurement, String setting, double value, String unit) {
        rows.add(new Row(measurement, setting, value, unit));
    }

    void print(PrintStream out) {
        out.println();
        conditions.forEach((k, v) -> out.printf("%-28s %s%n", k, v));
        out.printf("%n%-52s %-34s %14s  %s%n", "measurement", "setting", "value", "unit");
        for (Row r : rows) {
            out.printf("%-52s %-34s %14s  %s%n", r.measurement(), r.setting(), format(r.value()), r.unit());
        }
    }

    void write(Path dir) throws IOException {
        Files.createDirectories(dir);
        StringBuilder csv = new StringBuilder("measurement,setting,value,unit\n");
        for (Row r : rows) {
            csv.append(r.measurement()).append(',').append(r.setting().replace(',', ';')).append(',')
                    .append(r.value()).append(',').append(r.unit()).append('\n');
        }
        Files.writeString(dir.resolve("results.csv"), csv);
        Json.MAPPER.copy().enable(SerializationFeature.INDENT_OUTPUT)
                .writeValue(dir.resolve("results.json").toFile(), Map.of("conditions", conditions, "results", rows));
    }

    private static String format(double v) {
        return v == Math.rint(v) && Math.abs(v) < 1e12 ? String.format("%,d", (long) v) : String.format("%,.3f", v);
    }
}
