package dev.streampredict.job.inference;

import dev.streampredict.common.message.Prediction;
import dev.streampredict.common.message.RejectReason;
import dev.streampredict.job.metrics.ModelMetrics;
import dev.streampredict.job.metrics.ScoringMetrics;
import dev.streampredict.job.promotion.Trial;
import dev.streampredict.job.promotion.TrialReport;
import dev.streampredict.job.pipeline.DeadLetter;
import dev.streampredict.job.pipeline.PipelineSettings;
import dev.streampredict.job.pipeline.RegistryMessage;
import dev.streampredict.job.pipeline.ScoringInput;
import dev.streampredict.model.Predictor;
import dev.streampredict.model.Task;
import dev.streampredict.model.registry.RegistryEntry;
import dev.streampredict.model.registry.RegistryState;
import dev.streampredict.model.registry.Rejection;
import org.apache.flink.api.common.state.BroadcastState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.BasicTypeInfo;
import org.apache.flink.api.common.typeinfo.PrimitiveArrayTypeInfo;
import org.apache.flink.runtime.state.StateInitializationContext;
import org.apache.flink.streaming.api.operators.AbstractStreamOperator;
import org.apache.flink.streaming.api.operators.TwoInputStreamOperator;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.runtime.watermarkstatus.WatermarkStatus;
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
 * Scores each input of a key with the models the serving policy names, in micro-batches: one DL4J call has a large
 * fixed cost (hundreds of microseconds) and a small cost per row, so inputs are collected, across keys, until
 * {@code maxBatch} are ready or the oldest has waited {@code maxWaitMs}, and then scored and emitted in arrival
 * order. A batch is always scored before a watermark, a checkpoint barrier or the end of input passes, so
 * checkpoints never hold half-scored inputs.
 * <p>
 * <b>Models.</b> The second input is the model registry (artifacts and policy commands), broadcast to every
 * subtask. Its records are applied to the registry state (broadcast state, so every subtask, restart and savepoint
 * restore sees the same models; nothing is re-read from a path) as they arrive: an artifact is checked by loading
 * and probing it, a bad one is refused, counted and logged, and the models in use keep serving. A changed policy
 * takes effect at the next checkpoint barrier, after the batch before it is scored: every checkpoint interval, and
 * so every exactly-once transaction, is scored by one policy, and a replay after a failure scores its inputs with
 * the policy they had. Without checkpoints, a change takes effect at once.
 * <p>
 * <b>Tasks.</b> Regression: the key's last values live in keyed state; each new value is first compared with the
 * forecasts made from the previous window (the serving one and the shadow's, each counted for its version), then
 * joins the window, and the models forecast the next value. When the previous forecast of the key is in the same
 * batch, the comparison happens once the batch is scored. Classification: the feature vector is classified; if the
 * input carries its true label, it counts towards the accuracy of each version that classified it.
 * <p>
 * Every valid input gets exactly one prediction, from the model serving its key, and one on
 * {@link #SHADOW_PREDICTIONS} while a shadow runs; an input whose id the key has just scored goes to
 * {@link #DUPLICATES} instead.
 */
public final class ModelScorer extends AbstractStreamOperator<Prediction>
        implements TwoInputStreamOperator<ScoringInput, RegistryMessage, Prediction> {

    /** Inputs whose id the key has just seen: not scored again, but dead-lettered as {@code duplicate_id}. */
    public static final OutputTag<DeadLetter> DUPLICATES = new OutputTag<>("duplicates") {
    };
    /** The shadow model's predictions: the same inputs, never served. */
    public static final OutputTag<Prediction> SHADOW_PREDICTIONS = new OutputTag<>("shadow-predictions") {
    };
    /** While a candidate is tried and automatic promotion is on: each subtask's outcomes, at every checkpoint. */
    public static final OutputTag<TrialReport> TRIALS = new OutputTag<>("trials") {
    };
    static final MapStateDescriptor<String, byte[]> REGISTRY = new MapStateDescriptor<>("model-registry",
            BasicTypeInfo.STRING_TYPE_INFO, PrimitiveArrayTypeInfo.BYTE_PRIMITIVE_ARRAY_TYPE_INFO);

    private static final Logger LOG = LoggerFactory.getLogger(ModelScorer.class);
    private static final int WARM_UP_CALLS = 500;

    private final InputSchema schema;
    /** The registry a new job starts with (from {@code --model}, or the registry topic read at submission). */
    private final HashMap<String, byte[]> initialRegistry;
    private final boolean swapAtCheckpoints;
    private final boolean reportTrials;
    private final int rememberedIdsPerKey;
    private final int maxBatch;
    private final long maxWaitMs;

    private transient BroadcastState<String, byte[]> registryState;
    private transient RegistryState registry;
    private transient ModelCheck check;
    private transient ServingModels serving;
    private transient boolean policyChanged;
    /** The outcomes of the stable model and the candidate beside it, or null without a candidate. */
    private transient Trial trial;
    private transient ValueState<SeriesWindow> windows;
    private transient ValueState<RecentIds> recentIds;
    private transient ModelMetrics metrics;

    // the batch being collected; slot i holds the i-th input since the last flush
    private transient double[][] rows;
    private transient ScoringInput[] inputs;
    private transient long[] timestamps;
    private transient int[] fills;
    private transient Predictor[] servedBy;
    /** Regression: slot of the same key's previous input in this batch, whose forecast this input's value checks. */
    private transient int[] previousSlot;
    private transient double[] batchSquaredError;
    private transient int[] batchEvaluated;
    /** Regression: each key in the batch, with the slot of its latest input. */
    private transient Map<String, Integer> lastSlotOfKey;
    private transient double[][] groupRows;
    private transient int[] groupSlots;
    private transient int size;
    private transient ScheduledFuture<?> flushTimer;

    /** Takes the schema, the initial registry, and the batching, id and swap settings from {@code settings}. */
    public ModelScorer(PipelineSettings settings) {
        rememberedIdsPerKey = settings.rememberedIdsPerKey();
        maxBatch = settings.batchSize();
        maxWaitMs = settings.batchTimeout().toMillis();
        if (rememberedIdsPerKey < 1 || maxBatch < 1 || maxWaitMs < 0) {
            throw new IllegalArgumentException("need remembered ids per key >= 1, batch size >= 1 and batch "
                    + "timeout >= 0, got " + rememberedIdsPerKey + ", " + maxBatch + ", " + maxWaitMs);
        }
        if (RegistryState.fromEntries(settings.initialRegistry()).policy().stable() == null) {
            throw new IllegalArgumentException("the initial registry names no stable model");
        }
        schema = settings.schema();
        initialRegistry = new HashMap<>(settings.initialRegistry());
        swapAtCheckpoints = settings.swapAtCheckpoints();
        reportTrials = settings.promotion() != null;
    }

    @Override
    public void initializeState(StateInitializationContext context) throws Exception {
        super.initializeState(context);
        registryState = context.getOperatorStateStore().getBroadcastState(REGISTRY);
        Map<String, byte[]> restored = new HashMap<>();
        registryState.entries().forEach(e -> restored.put(e.getKey(), e.getValue()));
        if (restored.isEmpty()) { // a new job, or a savepoint from before the registry
            registry = RegistryState.fromEntries(initialRegistry);
            saveRegistry();
        } else {
            registry = RegistryState.fromEntries(restored);
        }
    }

    @Override
    public void open() throws Exception {
        super.open();
        check = new ModelCheck(schema);
        metrics = new ModelMetrics(getMetricGroup());
        windows = getRuntimeContext().getState(new ValueStateDescriptor<>("series-window", SeriesWindow.class));
        recentIds = getRuntimeContext().getState(new ValueStateDescriptor<>("recent-ids", RecentIds.class));
        inputs = new ScoringInput[maxBatch];
        timestamps = new long[maxBatch];
        fills = new int[maxBatch];
        servedBy = new Predictor[maxBatch];
        previousSlot = new int[maxBatch];
        batchSquaredError = new double[maxBatch];
        batchEvaluated = new int[maxBatch];
        groupRows = new double[maxBatch][];
        groupSlots = new int[maxBatch];
        lastSlotOfKey = new HashMap<>();
        activate();
        warmUp(serving.stable);
        if (serving.candidate != null) {
            warmUp(serving.candidate);
        }
        LOG.info("subtask {} scores {} with {} in batches of up to {} within {} ms",
                getRuntimeContext().getTaskInfo().getIndexOfThisSubtask(), schema, serving.policy, maxBatch,
                maxWaitMs);
    }

    /**
     * The first calls into ND4J allocate native workspaces and run cold code; paying that when a model is loaded
     * keeps it out of the latency of the first records it scores. Both a single row and a full batch are warmed,
     * as both shapes occur.
     */
    private void warmUp(Predictor predictor) {
        long start = System.nanoTime();
        int width = schema.task() == Task.REGRESSION ? predictor.metadata().windowSize() : schema.features().size();
        double[][] scratch = new double[maxBatch][width];
        for (int i = 0; i < WARM_UP_CALLS; i++) {
            int count = i % 2 == 0 ? 1 : maxBatch;
            if (schema.task() == Task.REGRESSION) {
                predictor.forecast(scratch, count);
            } else {
                predictor.classify(scratch, count);
            }
        }
        LOG.info("model {} warm-up: {} calls in {} ms", predictor.metadata().modelVersion(), WARM_UP_CALLS,
                (System.nanoTime() - start) / 1_000_000);
    }

    // ---- the registry input

    @Override
    public void processElement2(StreamRecord<RegistryMessage> record) throws Exception {
        RegistryEntry entry = record.getValue().entry();
        String what = describe(entry, record.getValue());
        try {
            boolean changed = registry.apply(entry, check);
            saveRegistry();
            check.retainOnly(registry.versions());
            if (entry instanceof RegistryEntry.Artifact artifact) {
                warmUp(check.predictor(artifact.version(), registry));
            }
            if (changed) {
                policyChanged = true;
                LOG.info("model registry: {} accepted; the policy becomes {} {}", what, registry.policy(),
                        swapAtCheckpoints ? "at the next checkpoint" : "now");
                if (!swapAtCheckpoints) {
                    flush();
                    activate();
                }
            } else {
                LOG.info("model registry: {} accepted", what);
            }
        } catch (Rejection rejection) {
            metrics.rejected(rejection.reason());
            LOG.warn("model registry: refused {} ({}): {}. Still serving {}", what, rejection.reason(),
                    rejection.getMessage(), serving.policy);
        }
    }

    private static String describe(RegistryEntry entry, RegistryMessage message) {
        if (entry instanceof RegistryEntry.Artifact artifact) {
            return "artifact " + artifact.version() + " (" + message.origin() + ")";
        }
        if (entry instanceof RegistryEntry.Command command) {
            return "command '" + command.command() + "' (" + message.origin() + ")";
        }
        return "record " + message.origin();
    }

    private void saveRegistry() throws Exception {
        registryState.clear();
        registryState.putAll(registry.toEntries());
    }

    /** Scores with the registry's policy from now on. Only between batches. */
    private void activate() {
        ServingModels previous = serving;
        String candidate = registry.policy().candidate();
        serving = new ServingModels(registry.policy(), check.predictor(registry.policy().stable(), registry),
                candidate != null ? check.predictor(candidate, registry) : null);
        int width = schema.task() == Task.REGRESSION ? serving.widestWindow() : schema.features().size();
        if (rows == null || rows[0].length != width) {
            rows = new double[maxBatch][width];
        }
        metrics.swapped(serving.roles());
        trial = candidate == null ? null : new Trial(registry.policySerial(), registry.policy().stable(), candidate,
                schema.task() == Task.CLASSIFICATION);
        policyChanged = false;
        if (previous != null) {
            LOG.info("subtask {} now serves {} (was {})", getRuntimeContext().getTaskInfo().getIndexOfThisSubtask(),
                    serving.policy, previous.policy);
        }
    }

    @Override
    public void prepareSnapshotPreBarrier(long checkpointId) throws Exception {
        flush();
        if (reportTrials && trial != null) {
            output.collect(TRIALS, new StreamRecord<>(trial.report(
                    getRuntimeContext().getTaskInfo().getIndexOfThisSubtask())));
        }
        if (policyChanged) {
            activate();
        }
        super.prepareSnapshotPreBarrier(checkpointId);
    }

    // ---- the input records

    @Override
    public void processElement1(StreamRecord<ScoringInput> record) throws Exception {
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
        servedBy[slot] = serving.serving(input.key());
        if (schema.task() == Task.REGRESSION) {
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
            window = SeriesWindow.empty(rows[slot].length);
        }
        window.growTo(rows[slot].length);
        Integer previous = lastSlotOfKey.put(input.key(), slot);
        previousSlot[slot] = previous == null ? -1 : previous;
        if (!Double.isNaN(window.pendingForecast)) { // forecast from an earlier batch: check it now
            double error = window.pendingForecast - value;
            window.evaluated++;
            window.squaredErrorSum += error * error;
            // state from before versions were recorded: the stable model made it
            forecastMet(window.pendingVersion != null ? window.pendingVersion : serving.policy.stable(), error);
            window.pendingForecast = Double.NaN;
        }
        if (!Double.isNaN(window.shadowForecast)) {
            forecastMet(window.shadowVersion, window.shadowForecast - value);
            window.shadowForecast = Double.NaN;
        }
        window.add(value);
        window.copyTo(rows[slot]);
        fills[slot] = window.fill();
        windows.update(window);
    }

    /** A forecast of {@code version} met the value it forecast. */
    private void forecastMet(String version, double error) {
        metrics.of(version).forecastError(error);
        if (trial != null) {
            trial.outcome(version, error * error);
        }
    }

    private void flush() throws Exception {
        if (flushTimer != null) {
            flushTimer.cancel(false);
            flushTimer = null;
        }
        if (size == 0) {
            return;
        }
        Predictor shadow = serving.shadow();
        if (schema.task() == Task.REGRESSION) {
            double[] served = new double[size];
            forEachServingGroup((model, batch, count, slots) -> {
                double[] forecasts = score(model, batch, count, Predictor::forecast);
                for (int j = 0; j < count; j++) {
                    served[slots[j]] = forecasts[j];
                }
            });
            emitForecasts(served, shadow == null ? null : score(shadow, rows, size, Predictor::forecast), shadow);
        } else {
            double[][] served = new double[size][];
            forEachServingGroup((model, batch, count, slots) -> {
                double[][] probabilities = score(model, batch, count, Predictor::classify);
                for (int j = 0; j < count; j++) {
                    served[slots[j]] = probabilities[j];
                }
            });
            emitClasses(served, shadow == null ? null : score(shadow, rows, size, Predictor::classify), shadow);
        }
        Arrays.fill(inputs, 0, size, null);
        size = 0;
    }

    /** One model call: forecasts (a {@code double[]}) or class probabilities (a {@code double[][]}). */
    @FunctionalInterface
    private interface Scoring<R> {
        R score(Predictor model, double[][] rows, int count);
    }

    /** The rows of a batch that one model serves; row {@code j} is slot {@code slots[j]} of the batch. */
    @FunctionalInterface
    private interface ServingGroup {
        void score(Predictor model, double[][] rows, int count, int[] slots);
    }

    private <R> R score(Predictor model, double[][] batch, int count, Scoring<R> scoring) {
        long start = System.nanoTime();
        R result = scoring.score(model, batch, count);
        metrics.of(model.metadata().modelVersion()).inferred(System.nanoTime() - start, count);
        return result;
    }

    /** The batch in one group, or under a canary one group per model, so that each model is called once. */
    private void forEachServingGroup(ServingGroup group) {
        if (!serving.canary()) {
            for (int i = 0; i < size; i++) {
                groupSlots[i] = i;
            }
            group.score(serving.stable, rows, size, groupSlots);
            return;
        }
        for (Predictor model : List.of(serving.stable, serving.candidate)) {
            int count = 0;
            for (int i = 0; i < size; i++) {
                if (servedBy[i] == model) {
                    groupRows[count] = rows[i];
                    groupSlots[count++] = i;
                }
            }
            if (count > 0) {
                group.score(model, groupRows, count, groupSlots);
            }
        }
        Arrays.fill(groupRows, null);
    }

    private void emitForecasts(double[] served, double[] shadowed, Predictor shadow) throws Exception {
        long now = System.currentTimeMillis();
        Arrays.fill(batchSquaredError, 0, size, 0);
        Arrays.fill(batchEvaluated, 0, size, 0);
        String shadowVersion = shadow == null ? null : shadow.metadata().modelVersion();
        for (int i = 0; i < size; i++) {
            ScoringInput input = inputs[i];
            String version = servedBy[i].metadata().modelVersion();
            double value = input.features()[0];
            int previous = previousSlot[i];
            if (previous >= 0) { // the key's previous forecasts were made in this batch, by the same models
                double error = served[previous] - value;
                int last = lastSlotOfKey.get(input.key());
                batchSquaredError[last] += error * error;
                batchEvaluated[last]++;
                forecastMet(version, error);
                if (shadowed != null) {
                    forecastMet(shadowVersion, shadowed[previous] - value);
                }
            }
            Prediction prediction = Prediction.regression(input.id(), input.key(), input.json(), schema.target(),
                    served[i], version, now, now - input.ingestTimestamp(),
                    Math.min(fills[i], servedBy[i].metadata().windowSize()));
            metrics.of(version).predicted(prediction.latencyMs());
            output.collect(new StreamRecord<>(prediction, timestamps[i]));
            if (shadowed != null) {
                Prediction shadowPrediction = Prediction.regression(input.id(), input.key(), input.json(),
                        schema.target(), shadowed[i], shadowVersion, now, now - input.ingestTimestamp(),
                        Math.min(fills[i], shadow.metadata().windowSize()));
                metrics.of(shadowVersion).predicted(shadowPrediction.latencyMs());
                output.collect(SHADOW_PREDICTIONS, new StreamRecord<>(shadowPrediction, timestamps[i]));
            }
        }
        // each key's latest forecasts wait in its state for the key's next value
        for (Map.Entry<String, Integer> entry : lastSlotOfKey.entrySet()) {
            int last = entry.getValue();
            setCurrentKey(entry.getKey());
            SeriesWindow window = windows.value();
            window.pendingForecast = served[last];
            window.pendingVersion = servedBy[last].metadata().modelVersion();
            window.shadowForecast = shadowed != null ? shadowed[last] : Double.NaN;
            window.shadowVersion = shadowVersion;
            window.evaluated += batchEvaluated[last];
            window.squaredErrorSum += batchSquaredError[last];
            windows.update(window);
        }
        lastSlotOfKey.clear();
    }

    private void emitClasses(double[][] served, double[][] shadowed, Predictor shadow) {
        long now = System.currentTimeMillis();
        for (int i = 0; i < size; i++) {
            ScoringInput input = inputs[i];
            output.collect(new StreamRecord<>(classified(input, servedBy[i], served[i], now), timestamps[i]));
            if (shadowed != null) {
                output.collect(SHADOW_PREDICTIONS, new StreamRecord<>(classified(input, shadow, shadowed[i], now),
                        timestamps[i]));
            }
        }
    }

    private Prediction classified(ScoringInput input, Predictor model, double[] probabilities, long now) {
        List<String> classes = model.metadata().classes();
        String version = model.metadata().modelVersion();
        Map<String, Double> byClass = new LinkedHashMap<>();
        for (int c = 0; c < probabilities.length; c++) {
            byClass.put(classes.get(c), probabilities[c]);
        }
        String predicted = classes.get(Predictor.mostLikely(probabilities));
        ScoringMetrics versionMetrics = metrics.of(version);
        if (input.label() != null) {
            boolean right = predicted.equals(input.label());
            versionMetrics.classified(right);
            if (trial != null) {
                trial.outcome(version, right ? 0 : 1);
            }
        }
        Prediction prediction = Prediction.classification(input.id(), input.key(), input.json(), predicted,
                byClass, version, now, now - input.ingestTimestamp());
        versionMetrics.predicted(prediction.latencyMs());
        return prediction;
    }

    // ---- time and the end of input

    @Override
    public void processWatermark1(Watermark mark) throws Exception {
        flush(); // records in the batch are older than the watermark: they must not fall behind it
        super.processWatermark(mark);
    }

    /** The registry has no event time: only the inputs' watermarks count. */
    @Override
    public void processWatermark2(Watermark mark) {
    }

    @Override
    protected void processWatermarkStatus(WatermarkStatus status, int index) throws Exception {
        if (index == 0) {
            super.processWatermarkStatus(status);
        }
    }

    @Override
    public void finish() throws Exception {
        flush();
        super.finish();
    }
}
