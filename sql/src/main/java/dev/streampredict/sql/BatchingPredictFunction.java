package dev.streampredict.sql;

import org.apache.flink.table.data.RowData;
import org.apache.flink.table.functions.AsyncPredictFunction;
import org.apache.flink.table.functions.FunctionContext;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * ML_PREDICT in micro-batches, the default path: each row is queued as it arrives, and one scoring thread per task
 * takes the rows that arrive within {@code batch.timeout} of the first (or up to {@code batch.size}) and scores them
 * in one model call, completing each row's future. Flink's async operator keeps the order of rows (or not, as its
 * {@code output-mode} says) and bounds how many are in flight ({@code max-concurrent-operations}), so a batch
 * holds at most that many. Public: the planner's generated code refers to it.
 */
public final class BatchingPredictFunction extends AsyncPredictFunction {

    private static final long IDLE_POLL_MILLIS = 100;

    private final byte[] archive;
    private final ModelColumns columns;
    private final int batchSize;
    private final long batchTimeoutNanos;
    private final RegistryFollowing following;
    private transient StableFollower follower;
    private transient LinkedBlockingQueue<Pending> queue;
    private transient Thread scoring;
    private transient volatile boolean running;

    /** @param following where to follow the stable version from, or {@code null} for a pinned version */
    BatchingPredictFunction(byte[] archive, ModelColumns columns, int batchSize, Duration batchTimeout,
                            RegistryFollowing following) {
        this.archive = archive;
        this.columns = columns;
        this.batchSize = batchSize;
        this.batchTimeoutNanos = batchTimeout.toNanos();
        this.following = following;
    }

    /** A row's features and the future its output completes. */
    private record Pending(double[] features, CompletableFuture<Collection<RowData>> output) {
    }

    @Override
    public void open(FunctionContext context) throws Exception {
        super.open(context);
        RowScorer scorer = new RowScorer(archive, columns, context.getMetricGroup());
        follower = following == null ? null : following.start(scorer, scorer.metadata());
        queue = new LinkedBlockingQueue<>();
        running = true;
        scoring = new Thread(() -> scoreUntilClosed(scorer), "ml-predict-batches");
        scoring.setDaemon(true);
        scoring.start();
    }

    @Override
    public CompletableFuture<Collection<RowData>> asyncPredict(RowData input) {
        // features read now: the caller may reuse the row object once this returns
        Pending pending = new Pending(RowScorer.features(input, columns), new CompletableFuture<>());
        queue.add(pending);
        return pending.output();
    }

    private void scoreUntilClosed(RowScorer scorer) {
        List<Pending> batch = new ArrayList<>(batchSize);
        double[][] features = new double[batchSize][];
        try (scorer) {
            while (running) {
                Pending first = queue.poll(IDLE_POLL_MILLIS, TimeUnit.MILLISECONDS);
                if (first == null) {
                    continue;
                }
                batch.add(first);
                long deadline = System.nanoTime() + batchTimeoutNanos;
                while (batch.size() < batchSize) {
                    Pending next = queue.poll(deadline - System.nanoTime(), TimeUnit.NANOSECONDS);
                    if (next == null) {
                        break;
                    }
                    batch.add(next);
                }
                score(scorer, batch, features);
                batch.clear();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        failAll(batch, new IllegalStateException("ML_PREDICT's scoring thread stopped: the task is closing"));
    }

    private static void score(RowScorer scorer, List<Pending> batch, double[][] features) {
        for (int i = 0; i < batch.size(); i++) {
            features[i] = batch.get(i).features();
        }
        try {
            List<RowData> outputs = scorer.score(features, batch.size());
            for (int i = 0; i < batch.size(); i++) {
                batch.get(i).output().complete(List.of(outputs.get(i)));
            }
        } catch (RuntimeException e) { // the task fails on it, with the model's own error
            failAll(batch, e);
        }
    }

    private static void failAll(List<Pending> pending, Throwable error) {
        pending.forEach(p -> p.output().completeExceptionally(error));
    }

    @Override
    public void close() throws Exception {
        if (follower != null) {
            follower.close();
        }
        running = false;
        if (scoring != null) {
            scoring.interrupt();
            scoring.join(TimeUnit.SECONDS.toMillis(10));
            List<Pending> left = new ArrayList<>();
            queue.drainTo(left);
            failAll(left, new IllegalStateException("ML_PREDICT closed before this row was scored"));
        }
        super.close();
    }
}
