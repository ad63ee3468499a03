package dev.streampredict.common.csv;

import dev.streampredict.common.message.FeatureVector;
import dev.streampredict.common.message.InputRecord;

import java.io.Closeable;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.UUID;
import java.util.function.Consumer;
import java.util.function.LongSupplier;

/**
 * Turns the rows of a CSV file into {@link InputRecord}s as a {@link CsvSpec} says. A row with an empty or
 * non-numeric feature, or an unreadable timestamp, is not imputed: it is handed to the reject callback with its
 * line number and skipped.
 */
public final class CsvRecordReader implements Iterator<InputRecord>, Closeable {

    /** A skipped row and why. */
    public record RejectedRow(long line, String reason) {
    }

    private final CsvTable table;
    private final CsvSpec spec;
    private final LongSupplier timestampWhenNone;
    private final Consumer<RejectedRow> onReject;
    private final int keyIndex;
    private final int timestampIndex;
    private final int labelIndex;
    private final List<String> featureNames;
    private final FeatureVector.Names vectorNames;
    private final int[] featureIndexes;
    private List<String> pendingRow;
    private InputRecord next;

    private CsvRecordReader(CsvTable table, CsvSpec spec, LongSupplier timestampWhenNone,
                            Consumer<RejectedRow> onReject) {
        this.table = table;
        this.spec = spec;
        this.timestampWhenNone = timestampWhenNone;
        this.onReject = onReject;
        this.keyIndex = spec.keyColumn() == null ? -1 : table.column(spec.keyColumn());
        this.timestampIndex = spec.timestampColumn() == null ? -1 : table.column(spec.timestampColumn());
        this.labelIndex = spec.labelColumn() == null ? -1 : table.column(spec.labelColumn());
        this.pendingRow = table.next();
        this.featureNames = List.copyOf(spec.featureColumns().isEmpty() ? numericColumns() : spec.featureColumns());
        this.vectorNames = FeatureVector.Names.of(featureNames);
        if (featureNames.isEmpty()) {
            throw new IllegalArgumentException("no numeric feature columns in " + spec.file().getFileName()
                    + "; name them with --feature-columns (columns: " + table.header() + ")");
        }
        this.featureIndexes = featureNames.stream().mapToInt(table::column).toArray();
    }

    /**
     * @param timestampWhenNone gives the timestamp of each row when the spec has no timestamp column
     * @param onReject          receives every row that was skipped
     */
    public static CsvRecordReader open(CsvSpec spec, LongSupplier timestampWhenNone, Consumer<RejectedRow> onReject)
            throws IOException {
        CsvTable table = CsvTable.open(spec.file());
        try {
            return new CsvRecordReader(table, spec, timestampWhenNone, onReject);
        } catch (RuntimeException e) {
            table.close();
            throw e;
        }
    }

    /** Reads a whole (small) file, e.g. for training. */
    public static List<InputRecord> readAll(CsvSpec spec, Consumer<RejectedRow> onReject) throws IOException {
        long[] row = {0};
        List<InputRecord> records = new ArrayList<>();
        try (CsvRecordReader reader = open(spec, () -> row[0]++, onReject)) {
            reader.forEachRemaining(records::add);
        }
        return records;
    }

    public List<String> featureNames() {
        return featureNames;
    }

    @Override
    public boolean hasNext() {
        while (next == null && pendingRow != null) {
            List<String> row = pendingRow;
            long line = table.lineNumber();
            pendingRow = table.next();
            next = toRecord(row, line);
        }
        return next != null;
    }

    @Override
    public InputRecord next() {
        if (!hasNext()) {
            throw new NoSuchElementException();
        }
        InputRecord record = next;
        next = null;
        return record;
    }

    private InputRecord toRecord(List<String> row, long line) {
        if (row.size() != table.header().size()) {
            return reject(line, "has " + row.size() + " cells, the header has " + table.header().size());
        }
        double[] features = new double[featureIndexes.length];
        for (int i = 0; i < featureIndexes.length; i++) {
            String cell = row.get(featureIndexes[i]).trim();
            if (cell.isEmpty()) {
                return reject(line, "feature '" + featureNames.get(i) + "' is empty");
            }
            try {
                double value = Double.parseDouble(cell);
                if (!Double.isFinite(value)) {
                    return reject(line, "feature '" + featureNames.get(i) + "' is " + cell);
                }
                features[i] = value;
            } catch (NumberFormatException e) {
                return reject(line, "feature '" + featureNames.get(i) + "' is not a number: '" + cell + "'");
            }
        }
        long timestamp;
        try {
            timestamp = timestampIndex < 0
                    ? timestampWhenNone.getAsLong()
                    : TimestampParser.parseEpochMillis(row.get(timestampIndex));
        } catch (IllegalArgumentException e) {
            return reject(line, e.getMessage());
        }
        String key = keyIndex < 0 ? spec.keyForFile() : row.get(keyIndex).trim();
        if (key.isEmpty()) {
            return reject(line, "key column '" + spec.keyColumn() + "' is empty");
        }
        String label = null;
        if (labelIndex >= 0) {
            label = row.get(labelIndex).trim();
            if (label.isEmpty()) {
                return reject(line, "label column '" + spec.labelColumn() + "' is empty");
            }
        }
        return new InputRecord(UUID.randomUUID().toString(), key, timestamp, new FeatureVector(vectorNames, features),
                label);
    }

    private InputRecord reject(long line, String reason) {
        onReject.accept(new RejectedRow(line, reason));
        return null;
    }

    private List<String> numericColumns() {
        List<String> numeric = new ArrayList<>();
        if (pendingRow == null) {
            return numeric;
        }
        for (int i = 0; i < table.header().size() && i < pendingRow.size(); i++) {
            if (i == keyIndex || i == timestampIndex || i == labelIndex) {
                continue;
            }
            try {
                Double.parseDouble(pendingRow.get(i).trim());
                numeric.add(table.header().get(i));
            } catch (NumberFormatException notNumeric) {
                // a text column such as a name or a date
            }
        }
        return numeric;
    }

    @Override
    public void close() throws IOException {
        table.close();
    }
}
