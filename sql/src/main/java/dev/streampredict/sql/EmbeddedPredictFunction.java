package dev.streampredict.sql;

import org.apache.flink.table.data.RowData;
import org.apache.flink.table.functions.FunctionContext;
import org.apache.flink.table.functions.PredictFunction;

import java.util.Collection;

/**
 * ML_PREDICT one row per model call, in the task's thread: the synchronous path ({@code MAP['async', 'false']}).
 * Public: the planner's generated code refers to it.
 */
public final class EmbeddedPredictFunction extends PredictFunction {

    private final byte[] archive;
    private final ModelColumns columns;
    private final RegistryFollowing following;
    private transient RowScorer scorer;
    private transient StableFollower follower;
    private transient double[][] row;

    /** @param following where to follow the stable version from, or {@code null} for a pinned version */
    EmbeddedPredictFunction(byte[] archive, ModelColumns columns, RegistryFollowing following) {
        this.archive = archive;
        this.columns = columns;
        this.following = following;
    }

    @Override
    public void open(FunctionContext context) throws Exception {
        super.open(context);
        scorer = new RowScorer(archive, columns, context.getMetricGroup());
        follower = following == null ? null : following.start(scorer, scorer.metadata());
        row = new double[1][];
    }

    @Override
    public Collection<RowData> predict(RowData input) {
        row[0] = RowScorer.features(input, columns);
        return scorer.score(row, 1);
    }

    @Override
    public void close() throws Exception {
        if (follower != null) {
            follower.close();
        }
        if (scorer != null) {
            scorer.close();
        }
        super.close();
    }
}
