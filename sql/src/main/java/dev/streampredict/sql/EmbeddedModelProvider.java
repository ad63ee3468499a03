package dev.streampredict.sql;

import org.apache.flink.table.functions.AsyncPredictFunction;
import org.apache.flink.table.functions.PredictFunction;
import org.apache.flink.table.ml.AsyncPredictRuntimeProvider;
import org.apache.flink.table.ml.ModelProvider;
import org.apache.flink.table.ml.PredictRuntimeProvider;

import java.time.Duration;

/**
 * The model's archive, resolved at planning, and how its columns map: each task loads its own copy. Both paths:
 * micro-batched (async, which the planner prefers) and one row per call ({@code MAP['async', 'false']}).
 */
final class EmbeddedModelProvider implements PredictRuntimeProvider, AsyncPredictRuntimeProvider {

    private final byte[] archive;
    private final ModelColumns columns;
    private final int batchSize;
    private final Duration batchTimeout;
    private final RegistryFollowing following;

    /** @param following where tasks follow the stable version from, or {@code null} for a pinned version */
    EmbeddedModelProvider(byte[] archive, ModelColumns columns, int batchSize, Duration batchTimeout,
                          RegistryFollowing following) {
        this.archive = archive;
        this.columns = columns;
        this.batchSize = batchSize;
        this.batchTimeout = batchTimeout;
        this.following = following;
    }

    @Override
    public PredictFunction createPredictFunction(Context context) {
        return new EmbeddedPredictFunction(archive, columns, following);
    }

    @Override
    public AsyncPredictFunction createAsyncPredictFunction(Context context) {
        return new BatchingPredictFunction(archive, columns, batchSize, batchTimeout, following);
    }

    @Override
    public ModelProvider copy() {
        return new EmbeddedModelProvider(archive, columns, batchSize, batchTimeout, following);
    }
}
