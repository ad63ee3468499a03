package dev.streampredict.common.csv;

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
 * A CSV file read one row at a time (RFC 4180: comma separated, optional double quotes, a header row).
 * Rows are streamed, so replaying a file larger than memory works.
 */
public final class CsvTable implements Closeable {

    private final Path path;
    private final BufferedReader reader;
    private final List<String> header;
    private long lineNumber = 1;

    private CsvTable(Path path, BufferedReader reader, List<String> header) {
        this.path = path;
        this.reader = reader;
        this.header = List.copyOf(header);
    }

    public static CsvTable open(Path path) throws IOException {
        if (!Files.isRegularFile(path)) {
            throw new IOException("CSV file " + path.toAbsolutePath() + " does not exist or is not a file");
        }
        BufferedReader reader = Files.newBufferedReader(path, StandardCharsets.UTF_8);
        String first = reader.readLine();
        if (first == null) {
            reader.close();
            throw new IOException("CSV file " + path + " is empty: it needs a header row naming the columns");
        }
        if (first.startsWith("\uFEFF")) {
            first = first.substring(1);
        }
        List<String> header = new ArrayList<>();
        for (String name : split(first)) {
            header.add(name.trim());
        }
        return new CsvTable(path, reader, header);
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

    /** Line number (1 = header) of the row last returned by {@link #next()}. */
    public long lineNumber() {
        return lineNumber;
    }

    /** The next non-blank row, or {@code null} at the end of the file. */
    public List<String> next() {
        try {
            String line;
            do {
                line = reader.readLine();
                lineNumber++;
                if (line == null) {
                    return null;
                }
            } while (line.isBlank());
            return split(line);
        } catch (IOException e) {
            throw new UncheckedIOException("reading " + path + " at line " + lineNumber, e);
        }
    }

    @Override
    public void close() throws IOException {
        reader.close();
    }

    static List<String> split(String line) {
        List<String> cells = new ArrayList<>();
        StringBuilder cell = new StringBuilder();
        boolean quoted = false;
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (quoted) {
                if (c == '"' && i + 1 < line.length() && line.charAt(i + 1) == '"') {
                    cell.append('"');
                    i++;
                } else if (c == '"') {
                    quoted = false;
                } else {
                    cell.append(c);
                }
            } else if (c == '"') {
                quoted = true;
            } else if (c == ',') {
                cells.add(cell.toString());
                cell.setLength(0);
            } else {
                cell.append(c);
            }
        }
        cells.add(cell.toString());
        return cells;
    }
}
