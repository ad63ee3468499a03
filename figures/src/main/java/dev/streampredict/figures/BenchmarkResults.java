package dev.streampredict.figures;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import dev.streampredict.common.message.Json;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/** A results file of {@code scripts/benchmark.sh} (its {@code results.json}), as far as the figures read it. */
@JsonIgnoreProperties(ignoreUnknown = true)
record BenchmarkResults(List<Row> results, List<Quantile> distributions) {

    @JsonIgnoreProperties(ignoreUnknown = true)
    record Row(String measurement, String setting, double value, String unit) {
    }

    @JsonIgnoreProperties(ignoreUnknown = true)
    record Quantile(String distribution, String setting, double percentile, double value, String unit) {
    }

    BenchmarkResults {
        results = results == null ? List.of() : results;
        distributions = distributions == null ? List.of() : distributions;
    }

    static BenchmarkResults read(Path file) throws IOException {
        return Json.MAPPER.readValue(file.toFile(), BenchmarkResults.class);
    }

    List<Row> rows(String measurement) {
        return results.stream().filter(r -> r.measurement().equals(measurement)).toList();
    }
}
