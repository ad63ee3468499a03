package dev.streampredict.common.csv;

import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.List;

/** The CSV column flags, the same in every command that reads a CSV file. */
public class CsvColumnOptions {

    @Option(names = "--csv", paramLabel = "FILE", description = "CSV file with a header row.")
    Path file;

    @Option(names = "--key-column", paramLabel = "COLUMN",
            description = "Column holding the series/entity key (default: one key for the whole file, see --key).")
    String keyColumn;

    @Option(names = "--key", paramLabel = "KEY",
            description = "Key for every row when there is no key column (default: the file name).")
    String fixedKey;

    @Option(names = "--timestamp-column", paramLabel = "COLUMN",
            description = "Column holding event time: epoch ms, ISO-8601 or 'Jan 3 2000' "
                    + "(default: none; the producer stamps 'now', training uses row order).")
    String timestampColumn;

    @Option(names = "--feature-columns", paramLabel = "COLUMN", split = ",",
            description = "Numeric columns to use as features, comma separated "
                    + "(default: every numeric column that is not the key, timestamp or label).")
    List<String> featureColumns;

    @Option(names = "--label-column", paramLabel = "COLUMN",
            description = "Column holding the true class, for classification data.")
    String labelColumn;

    /** The columns named with --feature-columns, in that order; {@code null} when the option is not given. */
    public List<String> featureColumns() {
        return featureColumns;
    }

    public boolean hasFile() {
        return file != null;
    }

    public CsvSpec toSpec() {
        if (file == null) {
            throw new IllegalArgumentException("--csv FILE is required here");
        }
        if (keyColumn != null && fixedKey != null) {
            throw new IllegalArgumentException("give either --key-column or --key, not both");
        }
        return new CsvSpec(file, keyColumn, fixedKey, timestampColumn, featureColumns, labelColumn);
    }
}
