package dev.streampredict.common.csv;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.dataformat.csv.CsvFactory;
import com.fasterxml.jackson.dataformat.csv.CsvParser;

import java.io.BufferedReader;
import java.io.Closeable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A CSV file read one row at a time (RFC 4180 with a header row: comma separated, optional double quotes, quoted
 * fields that hold commas, quotes and line breaks), parsed by Jackson's CSV parser. Rows are streamed, so
 * replaying a file larger than memory works.
 */
public final class CsvTable implements Closeable {

    /** Without a schema each row is an array of strings; blank lines are no rows. */
    private static final CsvFactory CSV = CsvFactory.builder().enable(CsvParser.Feature.SKIP_EMPTY_LINES).build();

    private final Path path;
    private final JsonParser rows;
    private final List<String> header;
    private long lineNumber = 1;

    private CsvTable(Path path, JsonParser rows, List<String> header) {
        this.path = path;
        this.rows = rows;
        this.header = List.copyOf(header);
    }

    public static CsvTable open(Path path) throws IOException {
        if (!Files.isRegularFile(path)) {
            throw new IOException("CSV file " + path.toAbsolutePath() + " does not exist or is not a file");
        }
        BufferedReader reader = Files.newBufferedReader(path, StandardCharsets.UTF_8);
        reader.mark(1);
        if (reader.read() != '\uFEFF') { // a byte order mark is not part of the first column's name
            reader.reset();
        }
        CsvTable table = new CsvTable(path, CSV.createParser(reader), List.of());
        List<String> names = table.next();
        if (names == null) {
            table.close();
            throw new IOException("CSV file " + path + " is empty: it needs a header row naming the columns");
        }
        List<String> header = new ArrayList<>();
        for (String name : names) {
            header.add(name.trim());
        }
        return new CsvTable(path, table.rows, header);
    }

    public Path path() {
        return path;
    }

    public List<String> header() {
        return header;
    }

    /** Position of a column, or an error that lists the columns there are. */
    public int column(String name) {
        int index = header.indexOf(name);
        if (index < 0) {
            throw new IllegalArgumentException(
                    "column '" + name + "' is not in " + path.getFileName() + "; its columns are " + header);
        }
        return index;
    }

    /** Line number (1 = header) where the row last returned by {@link #next()} starts. */
    public long lineNumber() {
        return lineNumber;
    }

    /**
     * The next non-blank row, or {@code null} at the end of the file.
     *
     * @throws UncheckedIOException naming the line, when the file cannot be read or parsed from there on (e.g. a
     *                              quote that is never closed)
     */
    public List<String> next() {
        try {
            if (rows.nextToken() != JsonToken.START_ARRAY) {
                return null;
            }
            List<String> row = new ArrayList<>();
            while (rows.nextToken() == JsonToken.VALUE_STRING) {
                if (row.isEmpty()) { // the first cell's line: the array's own token lies at the previous row's end
                    lineNumber = rows.currentTokenLocation().getLineNr();
                }
                row.add(rows.getText());
            }
            return row;
        } catch (IOException e) {
            throw new UncheckedIOException("reading " + path + " after line " + lineNumber + ": " + e.getMessage(),
                    e);
        }
    }

    @Override
    public void close() throws IOException {
        rows.close();
    }
}
