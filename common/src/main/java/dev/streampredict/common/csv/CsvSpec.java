package dev.streampredict.common.csv;

import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/**
 * Which columns of a CSV file make an input record. Producer replay and training read files through the same
 * spec, so a model is trained on exactly what the producer will send.
 *
 * @param file            the CSV file, with a header row
 * @param keyColumn       column holding the series/entity key; {@code null} to use {@code fixedKey}
 * @param fixedKey        key for every row when there is no key column; {@code null} means the file's name
 * @param timestampColumn column holding event time; {@code null} means "now" (producer) or row order (training)
 * @param featureColumns  numeric columns sent as features; empty means every numeric column not used otherwise
 * @param labelColumn     column holding the true class for classification; {@code null} if none
 */
public record CsvSpec(Path file, String keyColumn, String fixedKey, String timestampColumn,
                      List<String> featureColumns, String labelColumn) {

    public CsvSpec {
        Objects.requireNonNull(file, "file");
        featureColumns = featureColumns == null ? List.of() : List.copyOf(featureColumns);
    }

    /** A single series: one key for the whole file, a timestamp column, and the given features. */
    public static CsvSpec series(Path file, String key, String timestampColumn, List<String> featureColumns) {
        return new CsvSpec(file, null, key, timestampColumn, featureColumns, null);
    }

    public String keyForFile() {
        if (fixedKey != null) {
            return fixedKey;
        }
        String name = file.getFileName().toString();
        int dot = name.lastIndexOf('.');
        return dot > 0 ? name.substring(0, dot) : name;
    }
}
