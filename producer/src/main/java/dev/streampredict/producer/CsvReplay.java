package dev.streampredict.producer;

import dev.streampredict.common.csv.CsvRecordReader;
import dev.streampredict.common.csv.CsvSpec;
import dev.streampredict.common.message.InputRecord;

import java.io.Closeable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.function.Consumer;
import java.util.function.LongSupplier;

/**
 * Replays a CSV file as input records, once or over and over. Every pass reads fresh ids. With a timestamp column,
 * every pass keeps the file's spacing, and each later pass continues where the previous one ended while that stays
 * in the past; a pass that would end after the time it starts is shifted to end then instead, so event time never
 * runs ahead of the clock (a job refuses timestamps more than its clock skew ahead) and time steps back once there.
 */
public final class CsvReplay implements Iterator<InputRecord>, Closeable {

    private final CsvSpec spec;
    private final boolean loop;
    private final LongSupplier clock;
    private CsvRecordReader reader;
    private boolean producedThisPass;
    private long shift;
    /** From the second pass on: the first pass's timestamps are the file's, and measure its span. */
    private boolean shifted;
    private long minTimestamp = Long.MAX_VALUE;
    private long maxTimestamp = Long.MIN_VALUE;
    private long lastGap = 1;
    private long previous = Long.MIN_VALUE;

    public CsvReplay(CsvSpec spec, boolean loop, LongSupplier clock, Consumer<CsvRecordReader.RejectedRow> onReject)
            throws IOException {
        this.spec = spec;
        this.loop = loop;
        this.clock = clock;
        this.reader = CsvRecordReader.open(spec, clock, onReject);
    }

    @Override
    public boolean hasNext() {
        if (reader.hasNext()) {
            return true;
        }
        if (!loop || !producedThisPass) {
            return false;
        }
        try {
            reader.close();
            reader = CsvRecordReader.open(spec, clock, rejectedAgain -> {
                // already reported on the first pass
            });
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        long continued = shift + maxTimestamp - minTimestamp + lastGap;
        shift = Math.min(continued, clock.getAsLong() - maxTimestamp);
        producedThisPass = false;
        shifted = true;
        return reader.hasNext();
    }

    @Override
    public InputRecord next() {
        if (!hasNext()) {
            throw new NoSuchElementException();
        }
        InputRecord record = reader.next();
        producedThisPass = true;
        if (spec.timestampColumn() == null) {
            return record; // stamped "now": already moving forward
        }
        if (!shifted) {
            observe(record.timestamp());
            return record;
        }
        return new InputRecord(record.id(), record.key(), record.timestamp() + shift, record.features(),
                record.label());
    }

    private void observe(long timestamp) {
        minTimestamp = Math.min(minTimestamp, timestamp);
        maxTimestamp = Math.max(maxTimestamp, timestamp);
        if (previous != Long.MIN_VALUE && timestamp > previous) {
            lastGap = timestamp - previous;
        }
        previous = timestamp;
    }

    @Override
    public void close() throws IOException {
        reader.close();
    }
}
