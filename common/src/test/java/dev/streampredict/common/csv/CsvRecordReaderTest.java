package dev.streampredict.common.csv;

import dev.streampredict.common.message.InputRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class CsvRecordReaderTest {

    @TempDir
    Path dir;

    @Test
    void readsKeyTimestampAndChosenFeatures() throws Exception {
        Path file = write("stocks.csv", """
                symbol,date,price,volume
                MSFT,Jan 1 2000,39.81,10
                "IBM, Corp",2000-02-01,"100.5",20
                """);
        CsvSpec spec = new CsvSpec(file, "symbol", null, "date", List.of("price"), null);

        List<InputRecord> records = CsvRecordReader.readAll(spec, r -> {
            throw new AssertionError(r.toString());
        });

        assertThat(records).extracting(InputRecord::key).containsExactly("MSFT", "IBM, Corp");
        assertThat(records).extracting(InputRecord::timestamp).containsExactly(946684800000L, 949363200000L);
        assertThat(records.get(1).features()).containsOnlyKeys("price").containsEntry("price", 100.5);
        assertThat(records).extracting(InputRecord::id).doesNotHaveDuplicates();
    }

    @Test
    void defaultsToEveryNumericColumnAndTheFileNameAsKey() throws Exception {
        Path file = write("iris.csv", """
                sepal_length,sepal_width,species
                5.1,3.5,setosa
                """);
        CsvSpec spec = new CsvSpec(file, null, null, null, List.of(), "species");

        List<InputRecord> records = CsvRecordReader.readAll(spec, r -> {
        });

        assertThat(records).singleElement().satisfies(r -> {
            assertThat(r.key()).isEqualTo("iris");
            assertThat(r.features()).containsOnlyKeys("sepal_length", "sepal_width");
            assertThat(r.label()).isEqualTo("setosa");
        });
    }

    @Test
    void rowsWithMissingOrBadValuesAreRejectedWithLineAndReason() throws Exception {
        Path file = write("penguins.csv", """
                species,beak,mass
                Adelie,39.1,3750
                Adelie,,3800
                Gentoo,40.3,heavy
                ,41.0,3900
                Gentoo,42.0
                """);
        CsvSpec spec = new CsvSpec(file, null, "p", null, List.of("beak", "mass"), "species");
        List<CsvRecordReader.RejectedRow> rejected = new ArrayList<>();

        List<InputRecord> records = CsvRecordReader.readAll(spec, rejected::add);

        assertThat(records).hasSize(1);
        assertThat(rejected).extracting(CsvRecordReader.RejectedRow::line).containsExactly(3L, 4L, 5L, 6L);
        assertThat(rejected.get(0).reason()).contains("'beak' is empty");
        assertThat(rejected.get(1).reason()).contains("not a number");
        assertThat(rejected.get(2).reason()).contains("label");
        assertThat(rejected.get(3).reason()).contains("cells");
    }

    @Test
    void aQuotedFieldMaySpanLinesAndLineNumbersStayTheRowsFirst() throws Exception {
        Path file = write("notes.csv", "\uFEFFnote,value\n"
                + "\"first line\nsecond line, with a comma and \"\"quotes\"\"\",1.5\n"
                + "\n"
                + "plain,oops\n"
                + "\"last\",2.5\n");
        CsvSpec spec = new CsvSpec(file, null, "n", null, List.of("value"), "note");
        List<CsvRecordReader.RejectedRow> rejected = new ArrayList<>();

        List<InputRecord> records = CsvRecordReader.readAll(spec, rejected::add);

        assertThat(records).extracting(InputRecord::label)
                .containsExactly("first line\nsecond line, with a comma and \"quotes\"", "last");
        assertThat(records).extracting(r -> r.features().get("value")).containsExactly(1.5, 2.5);
        assertThat(rejected).singleElement().satisfies(r -> {
            assertThat(r.line()).as("the row after a two-line row and a blank line").isEqualTo(5L);
            assertThat(r.reason()).contains("not a number");
        });
    }

    @Test
    void anUnclosedQuoteIsNamedWithTheLineItStartsAfter() throws Exception {
        Path file = write("broken.csv", "note,value\nfine,1\n\"never closed,2\n");
        CsvSpec spec = new CsvSpec(file, null, "n", null, List.of("value"), "note");

        assertThatThrownBy(() -> CsvRecordReader.readAll(spec, r -> {
        })).hasMessageContaining("broken.csv").hasMessageContaining("after line 2");
    }

    @Test
    void unknownColumnNamesTheColumnsThereAre() throws Exception {
        Path file = write("a.csv", "x,y\n1,2\n");
        CsvSpec spec = CsvSpec.series(file, "a", null, List.of("z"));

        assertThatThrownBy(() -> CsvRecordReader.readAll(spec, r -> {
        })).hasMessageContaining("'z'").hasMessageContaining("[x, y]");
    }

    private Path write(String name, String text) throws Exception {
        return Files.writeString(dir.resolve(name), text);
    }
}
