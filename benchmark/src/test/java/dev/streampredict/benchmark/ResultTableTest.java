package dev.streampredict.benchmark;

import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.dataformat.csv.CsvMapper;
import com.fasterxml.jackson.dataformat.csv.CsvSchema;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class ResultTableTest {

    @TempDir
    Path dir;

    @Test
    void resultsCsvIsCsvThatAnyReaderGetsBackWhateverTheNamesHold() throws Exception {
        ResultTable table = new ResultTable();
        table.add("latency, p99 \"end to end\"", "1,000 events/s, exactly-once", 32.5, "ms");
        table.add("throughput", "series", 106030, "predictions/s");

        table.write(dir);

        CsvMapper csv = new CsvMapper();
        try (MappingIterator<Map<String, String>> rows = csv.readerFor(Map.class)
                .with(CsvSchema.emptySchema().withHeader()).readValues(dir.resolve("results.csv").toFile())) {
            List<Map<String, String>> read = rows.readAll();
            assertThat(read).hasSize(2);
            assertThat(read.get(0)).containsEntry("measurement", "latency, p99 \"end to end\"")
                    .containsEntry("setting", "1,000 events/s, exactly-once").containsEntry("value", "32.5")
                    .containsEntry("unit", "ms");
        }
        assertThat(Files.readAllLines(dir.resolve("results.csv")).get(0)).isEqualTo("measurement,setting,value,unit");
    }

    @Test
    void everyRowOfThePrintedTableHasItsColumnsWhereTheHeaderHasThem() {
        ResultTable table = new ResultTable();
        table.add("latency p50", "1000/s at-least-once", 14, "ms");
        table.add("peer FFNN, avro-reference: pipeline: allocated per record, this process",
                "parallelism 2, median of 3", 123456.5, "bytes");
        ByteArrayOutputStream printed = new ByteArrayOutputStream();

        table.print(new PrintStream(printed, true, StandardCharsets.UTF_8));

        List<String> lines = printed.toString(StandardCharsets.UTF_8).lines()
                .dropWhile(l -> !l.startsWith("measurement")).toList();
        assertThat(lines).hasSize(3);
        int setting = lines.get(0).indexOf("setting");
        int unit = lines.get(0).indexOf("unit");
        assertThat(lines.get(1).indexOf("1000/s")).isEqualTo(setting);
        assertThat(lines.get(2).indexOf("parallelism 2")).isEqualTo(setting);
        assertThat(lines.get(1).indexOf(" ms")).isEqualTo(unit - 1);
        assertThat(lines.get(2).indexOf(" bytes")).isEqualTo(unit - 1);
    }
}
