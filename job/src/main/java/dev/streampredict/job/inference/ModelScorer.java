package dev.streampredict.job.inference;

import dev.streampredict.common.message.Prediction;
import dev.streampredict.common.message.RejectReason;
import dev.streampredict.job.metrics.ScoringMetrics;
import dev.streampredict.job.pipeline.DeadLetter;
import dev.streampredict.job.pipeline.ScoringInput;
import dev.streampredict.model.ModelArtifact;
import dev.streampredict.model.ModelMetadata;
import dev.streampredict.model.Predictor;
import dev.streampredict.model.Task;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.streaming.api.operators.AbstractStreamOperator;
import org.apache.flink.streaming.api.operators.OneInputStreamOperator;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.util.OutputTag;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ScheduledFuture;

/**
 * Scores each input of a key with the embedded model, loaded once per parallel instance, in micro-batches: one DL4J
 * call has a large fixed cost (hundreds of microseconds) and a small cost per row, so inputs are collected, across
 * keys, until {@code maxBatch} are ready or the oldest has waited {@code maxWaitMs}, and then scored in one call and
 * emitted in arrival order. A batch is always scored before a watermark, a checkpoint barrier or the end of input
 * passes, so checkpoints never hold half-scored inputs.
 * <ul>
 * <li>Regression: the key's last {@code windowSize} values live in Flink keyed state; each new value is first
 * compared with the forecast made from the previous window (running error), then joins the window, and the model
 * forecasts the next value. When the previous forecast of the key is in the same batch, the comparison happens once
 * the batch is scored.</li>
 * <li>Classification: the feature vector is classified directly; if the input carries its true label, it counts
 * towards the running accuracy.</li>
 * </ul>
 * Every valid input gets exactly one prediction; an input whose id the key has just scored goes to
 * {@link #DUPLICATES} instead.
 */
public final class ModelScorer extends AbstractStreamOperator<Prediction>
        implements OneInputStreamOperator<ScoringInput, Prediction> {

    /** Inputs whose id the key has just seen: not scored again, but dead-lettered as {@code duplicate_id}. */
    public static final OutputTag<DeadLetter> DUPLICATES = new OutputTag<>("duplicates") {
    };

    private static final Logger LOG = LoggerFactory.getLogger(ModelScorer.class);
    private static final int WARM_UP_CALLS = 500;

    private final String modelLocation;
    private final int rememberedIdsPerKey;
    private final int maxBatch;
    private final long maxWaitMs;

    private transient Predictor predictor;
    private transient ModelMetadata metadata;
    private transient ValueState<SeriesWindow> windows;
    private transient ValueState<RecentIds> recentIds;
    private transient ScoringMetrics metrics;

    // the batch being collected; slot i holds the i-th input since the last flush
    private transient double[][] rows;
    private transient ScoringInput[] inputs;
    private transient long[] timestamps;
    private transient int[] fills;
    /** Regression: slot of the same key's previous input in this batch, whose forecast this input's value checks. */
    private transient int[] previousSlot;
    private transient double[] batchSquaredError;
    private transient int[] batchEvaluated;
    /** Regression: each key in the batch, with the slot of its latest input. */
    private transient Map<String, Integer> lastSlotOfKey;
    private transient int size;
    private transient ScheduledFuture<?> flushTimer;

    public ModelScorer(String modelLocation, int rememberedIdsPerKey, int maxBatch, long maxWaitMs) {
        if (rememberedIdsPerKey < 1 || maxBatch < 1 || maxWaitMs < 0) {
            throw new IllegalArgumentException("need remembered ids per key >= 1, batch size >= 1 and batch "
                    + "timeout >= 0, got " + rememberedIdsPerKey + ", " + maxBatch + ", " + maxWaitMs);
        }
        this.modelLocation = modelLocation;
        this.rememberedIdsPerKey = rememberedIdsPerKey;
        this.maxBatch = maxBatch;
        this.maxWaitMs = maxWaitMs;
    }

    @Override
    public void open() throws Exception {
        super.open();
        predictor = ModelArtifact.load(modelLocation);
        metadata = predictor.metadata();
        windows = getRuntimeContext().getState(new ValueStateDescriptor<>("series-window", SeriesWindow.class));
        recentIds = getRuntimeContext().getState(new ValueStateDescriptor<>("recent-ids", RecentIds.class));
        metrics = new ScoringMetrics(getMetricGroup(), metadata.modelVersion());
        int width = metadata.task() == Task.REGRESSION ? metadata.windowSize() : metadata.features().size();
        rows = new double[maxBatch][width];
        inputs = new ScoringInput[maxBatch];
        timestamps = new long[maxBatch];
        fills = new int[maxBatch];
        previousSlot = new int[maxBatch];
        batchSquaredError = new double[maxBatch];
        batchEvaluated = new int[maxBatch];
        lastSlotOfKey = new HashMap<>();
        warmUp();
        LOG.info("subtask {} scores with model {} ({}, features {}) in batches of up to {} within {} ms",
                getRuntimeContext().getTaskInfo().getIndexOfThisSubtask(), metadata.modelVersion(), metadata.task(),
                metadata.features(), maxBatch, maxWaitMs);
    }

    /**
     * The first calls into ND4J allocate native workspaces and run cold code; paying that here keeps it out of the
     * latency of the first real records. Both a single row and a full batch are warmed, as both shapes occur.
     */
    private void warmUp() {
        long start = System.nanoTime();
        for (int i = 0; i < WARM_UP_CALLS; i++) {
            int count = i % 2 == 0 ? 1 : maxBatch;
            if (metadata.task() == Task.REGRESSION) {
                predictor.forecast(rows, count);
            } else {
                predictor.classify(rows, count);
            }
        }
        LOG.info("model warm-up: {} calls in {} ms", WARM_UP_CALLS, (System.nanoTime() - start) / 1_000_000);
    }

    @Override
    public void processElement(StreamRecord<ScoringInput> record) throws Exception {
        ScoringInput input = record.getValue();
        if (!firstTimeSeen(input.id())) {
            metrics.duplicate();
            output.collect(DUPLICATES, new StreamRecord<>(new DeadLetter(input.source(), RejectReason.DUPLICATE_ID,
                    "id '" + input.id() + "' was already scored among the last " + rememberedIdsPerKey
                            + " records of key '" + input.key() + "'", System.currentTimeMillis()),
                    record.getTimestamp()));
            return;
        }
        int slot = size++;
        // ScoringInput is an immutable record, which Flink never reuses: holding it until the flush is safe
        inputs[slot] = input;
        timestamps[slot] = record.hasTimestamp() ? record.getTimestamp() : input.eventTimestamp();
        if (metadata.task() == Task.REGRESSION) {
            addToWindow(input, slot);
        } else {
            System.arraycopy(input.features(), 0, rows[slot], 0, rows[slot].length);
        }
        if (size == maxBatch || maxWaitMs == 0) {
            flush();
        } else if (size == 1) {
            long now = getProcessingTimeService().getCurrentProcessingTime();
            flushTimer = getProcessingTimeService().registerTimer(now + maxWaitMs, time -> flush());
        }
    }

    private boolean firstTimeSeen(String id) throws Exception {
        RecentIds ids = recentIds.value();
        if (ids == null) {
            ids = RecentIds.withCapacity(rememberedIdsPerKey);
        }
        if (!ids.add(id)) {
            return false;
        }
        recentIds.update(ids);
        return true;
    }

    private void addToWindow(ScoringInput input, int slot) throws Exception {
        double value = input.features()[0];
        SeriesWindow window = windows.value();
        if (window == null) {
            window = SeriesWindow.empty(metadata.windowSize());
        }
        Integer previous = lastSlotOfKey.put(input.key(), slot);
        previousSlot[slot] = previous == null ? -1 : previous;
        if (!Double.isNaN(window.pendingForecast)) { // forecast from an earlier batch: check it now
            double error = window.pendingForecast - value;
            window.evaluated++;
            window.squaredErrorSum += error * error;
            window.pendingForecast = Double.NaN;
            metrics.forecastError(error);
        }
        window.add(value);
        window.copyTo(rows[slot]);
        fills[slot] = window.fill();
        windows.update(window);
    }

    private void flush() throws Exception {
        if (flushTimer != null) {
            flushTimer.cancel(false);
            flushTimer = null;
        }
        if (size == 0) {
            return;
        }
        long start = System.nanoTime();
        if (metadata.task() == Task.REGRESSION) {
            double[] forecasts = predictor.forecast(rows, size);
            metrics.inferred(System.nanoTime() - start, size);
            emitForecasts(forecasts);
        } else {
            double[][] probabilities = predictor.classify(rows, size);
            metrics.inferred(System.nanoTime() - start, size);
            emitClasses(probabilities);
        }
        Arrays.fill(inputs, 0, size, null);
        size = 0;
    }

    private void emitForecasts(double[] forecasts) throws Exception {
        long now = System.currentTimeMillis();
        Arrays.fill(batchSquaredError, 0, size, 0);
        Arrays.fill(batchEvaluated, 0, size, 0);
        for (int i = 0; i < size; i++) {
            ScoringInput input = inputs[i];
            if (previousSlot[i] >= 0) { // the key's previous forecast was made in this batch
                double error = forecasts[previousSlot[i]] - input.features()[0];
                int last = lastSlotOfKey.get(input.key());
                batchSquaredError[last] += error * error;
                batchEvaluated[last]++;
                metrics.forecastError(error);
            }
            Prediction prediction = Prediction.regression(input.id(), input.key(), input.json(), metadata.target(),
                    forecasts[i], metadata.modelVersion(), now, now - input.ingestTimestamp(), fills[i]);
            metrics.predicted(prediction.latencyMs());
            output.collect(new StreamRecord<>(prediction, timestamps[i]));
        }
        // each key's latest forecast waits in its state for the key's next value
        for (Map.Entry<String, Integer> entry : lastSlotOfKey.entrySet()) {
            int last = entry.getValue();
            setCurrentKey(entry.getKey());
            SeriesWindow window = windows.value();
            window.pendingForecast = forecasts[last];
            window.evaluated += batchEvaluated[last];
            window.squaredErrorSum += batchSquaredError[last];
            windows.update(window);
        }
        lastSlotOfKey.clear();
    }

    private void emitClasses(double[][] probabilities) {
        long now = System.currentTimeMillis();
        List<String> classes = metadata.classes();
        for (int i = 0; i < size; i++) {
            ScoringInput input = inputs[i];
            Map<String, Double> byClass = new LinkedHashMap<>();
            for (int c = 0; c < probabilities[i].length; c++) {
                byClass.put(classes.get(c), probabilities[i][c]);
            }
            String predicted = classes.get(Predictor.mostLikely(probabilities[i]));
            if (input.label() != null) {
                metrics.classified(predicted.equals(input.label()));
            }
            Prediction prediction = Prediction.classification(input.id(), input.key(), input.json(), predicted,
                    byClass, metadata.modelVersion(), now, now - input.ingestTimestamp());
            metrics.predicted(prediction.latencyMs());
            output.collect(new StreamRecord<>(prediction, timestamps[i]));
        }
    }

    @Override
    public void processWatermark(Watermark mark) throws Exception {
        flush(); // records in the batch are older than the watermark: they must not fall behind it
        super.processWatermark(mark);
    }

    @Override
    public void prepareSnapshotPreBarrier(long checkpointId) throws Exception {
        flush();
        super.prepareSnapshotPreBarrier(checkpointId);
    }

    @Override
    public void finish() throws Exception {
        flush();
        super.finish();
    }
}
