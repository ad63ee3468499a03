package dev.streampredict.job.pipeline;

import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.connector.source.Boundedness;
import org.apache.flink.api.connector.source.ReaderOutput;
import org.apache.flink.api.connector.source.Source;
import org.apache.flink.api.connector.source.SourceReader;
import org.apache.flink.api.connector.source.SourceReaderContext;
import org.apache.flink.api.connector.source.SourceSplit;
import org.apache.flink.api.connector.source.SplitEnumerator;
import org.apache.flink.api.connector.source.SplitEnumeratorContext;
import org.apache.flink.core.io.InputStatus;
import org.apache.flink.api.java.typeutils.ResultTypeQueryable;
import org.apache.flink.core.io.SimpleVersionedSerializer;

import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * A source without records that lasts as long as the job's input: unbounded, it never ends; bounded, it ends at
 * once.
 *
 * <p>It stands in for the registry when a job serves one model file. A source that ended at once in an unbounded
 * job left a finished task, and a savepoint triggered while that task was finishing failed ("TaskManager received
 * a checkpoint request for unknown task"), so a {@code flink stop} right after a start could leave the job running.
 */
public final class NoRecords<T> implements Source<T, NoRecords.NoSplit, NoRecords.NoSplit>, ResultTypeQueryable<T> {

    private final Class<T> type;
    private final Boundedness boundedness;

    public NoRecords(Class<T> type, Boundedness boundedness) {
        this.type = type;
        this.boundedness = boundedness;
    }

    @Override
    public TypeInformation<T> getProducedType() {
        return TypeInformation.of(type);
    }

    @Override
    public Boundedness getBoundedness() {
        return boundedness;
    }

    @Override
    public SourceReader<T, NoSplit> createReader(SourceReaderContext context) {
        return new Reader<>(boundedness == Boundedness.BOUNDED);
    }

    @Override
    public SplitEnumerator<NoSplit, NoSplit> createEnumerator(SplitEnumeratorContext<NoSplit> context) {
        return new Enumerator();
    }

    @Override
    public SplitEnumerator<NoSplit, NoSplit> restoreEnumerator(SplitEnumeratorContext<NoSplit> context,
                                                               NoSplit checkpoint) {
        return new Enumerator();
    }

    @Override
    public SimpleVersionedSerializer<NoSplit> getSplitSerializer() {
        return new Nothing();
    }

    @Override
    public SimpleVersionedSerializer<NoSplit> getEnumeratorCheckpointSerializer() {
        return new Nothing();
    }

    /** Never handed out; a source needs a split type, and its enumerator's checkpoint holds nothing either. */
    public record NoSplit() implements SourceSplit {
        @Override
        public String splitId() {
            return "none";
        }
    }

    private record Reader<T>(boolean ends) implements SourceReader<T, NoSplit> {

        @Override
        public void start() {
        }

        @Override
        public InputStatus pollNext(ReaderOutput<T> output) {
            return ends ? InputStatus.END_OF_INPUT : InputStatus.NOTHING_AVAILABLE;
        }

        @Override
        public CompletableFuture<Void> isAvailable() {
            return new CompletableFuture<>(); // never: the task idles until it is cancelled or stopped
        }

        @Override
        public List<NoSplit> snapshotState(long checkpointId) {
            return List.of();
        }

        @Override
        public void addSplits(List<NoSplit> splits) {
        }

        @Override
        public void notifyNoMoreSplits() {
        }

        @Override
        public void close() {
        }
    }

    private static final class Enumerator implements SplitEnumerator<NoSplit, NoSplit> {

        @Override
        public void start() {
        }

        @Override
        public void handleSplitRequest(int subtask, String requesterHostname) {
        }

        @Override
        public void addSplitsBack(List<NoSplit> splits, int subtask) {
        }

        @Override
        public void addReader(int subtask) {
        }

        @Override
        public NoSplit snapshotState(long checkpointId) {
            return new NoSplit();
        }

        @Override
        public void close() {
        }
    }

    /** Reads whatever it is given as nothing, so a savepoint of the source this replaced restores too. */
    private static final class Nothing implements SimpleVersionedSerializer<NoSplit> {

        @Override
        public int getVersion() {
            return 1;
        }

        @Override
        public byte[] serialize(NoSplit nothing) {
            return new byte[0];
        }

        @Override
        public NoSplit deserialize(int version, byte[] serialized) {
            return new NoSplit();
        }
    }
}
