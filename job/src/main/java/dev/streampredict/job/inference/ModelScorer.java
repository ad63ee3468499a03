package dev.streampredict.job.inference;

import dev.streampredict.common.message.Prediction;
import dev.streampredict.common.message.RejectReason;
import dev.streampredict.job.metrics.ModelMetrics;
import dev.streampredict.job.records.DeadLetter;
import dev.streampredict.job.records.InputEcho;
import dev.streampredict.job.records.PipelineSettings;
import dev.streampredict.job.records.RegistryMessage;
import dev.streampredict.job.records.ScoringInput;
import dev.streampredict.job.promotion.Trial;
import dev.streampredict.job.promotion.TrialReport;
import dev.streampredict.model.ModelLimits;
import dev.streampredict.model.Predictor;
import dev.streampredict.model.Task;
import dev.streampredict.model.Untrusted;
import dev.streampredict.registry.InputSchema;
import dev.streampredict.registry.ModelCheck;
import dev.streampredict.registry.RecordSignature;
import dev.streampredict.registry.RegistryEntry;
import dev.streampredict.registry.RegistryState;
import dev.streampredict.registry.RegistryStatus;
import dev.streampredict.registry.Rejection;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.StateTtlConfig;
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

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
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
 * What a batch means for the model's task (a series window per key, or a feature vector) is a {@link TaskScoring}:
 * {@link SeriesForecasting} or {@link Classifying}. The registry as this subtask holds it is a
 * {@link SubtaskRegistry}; what the subtask emits and counts goes through its {@link ScoreReporter}; this class
 * batches inputs and decides when models change.
 * <p>
 * Every valid input gets exactly one prediction, from the model serving its key, and one on
 * {@link #SHADOW_PREDICTIONS} while a shadow runs; an input whose id the key has just scored, or that the model
 * fails on, goes to {@link #DEAD_LETTERS} instead, with its reason.
 */
public final class ModelScorer extends AbstractStreamOperator<Prediction>
        implements TwoInputStreamOperator<ScoringInput, RegistryMessage, Prediction> {

    /**
     * Inputs not scored: those whose id the key has just seen ({@code duplicate_id}), and those the model threw on
     * ({@code model_error}) or answered with NaN or infinity ({@code non_finite_prediction}).
     */
    public static final OutputTag<DeadLetter> DEAD_LETTERS = new OutputTag<>("scorer-dead-letters") {
    };
    /** The shadow model's predictions: the same inputs, never served. */
    public static final OutputTag<Prediction> SHADOW_PREDICTIONS = new OutputTag<>("shadow-predictions") {
    };
    /** While a candidate is tried and automatic promotion is on: each subtask's outcomes, at every checkpoint. */
    public static final OutputTag<TrialReport> TRIALS = new OutputTag<>("trials") {
    };
    /**
     * What the job did with each registry record, and each change of what serves: from the first subtask only, as
     * every subtask applies the same records to the same state.
     */
    public static final OutputTag<RegistryStatus> STATUS = new OutputTag<>("registry-status") {
    };
    static final MapStateDescriptor<String, byte[]> REGISTRY = new MapStateDescriptor<>("model-registry",
            BasicTypeInfo.STRING_TYPE_INFO, PrimitiveArrayTypeInfo.BYTE_PRIMITIVE_ARRAY_TYPE_INFO);

    private static final Logger LOG = LoggerFactory.getLogger(ModelScorer.class);
    /** At start: the JIT compiles the scoring path, and the model's native workspaces are allocated. */
    private static final int WARM_UP_CALLS = 500;
    /**
     * For a model that arrives while another serves: the scoring path is compiled already, only the new network's
     * workspaces are missing, and every call here delays the records waiting behind it (500 took 0.5-1 s).
     */
    private static final int ARRIVAL_WARM_UP_CALLS = 10;

    private final InputSchema schema;
    private final ModelLimits limits;
    private final RecordSignature.Verifier verifier;
    private final String jobName;
    /** Refusals of the registry replay at submission, reported once when a new job starts. */
    private final ArrayList<RegistryStatus> startRefused;
    private final InputEcho echo;
    /** The registry a new job starts with (from {@code --model}, or the registry topic read at submission). */
    private final HashMap<String, byte[]> initialRegistry;
    private final boolean swapAtCheckpoints;
    private final boolean reportTrials;
    private final int rememberedIdsPerKey;
    private final int maxBatch;
    private final long maxWaitMs;
    private final Duration stateTtl;
    /** {@code null}: a series is read in arrival order. */
    private final Duration allowedLateness;

    private transient SubtaskRegistry models;
    private transient ServingModels serving;
    private transient ValueState<RecentIds> recentIds;
    private transient ModelMetrics metrics;
    private transient ScoreReporter reporter;
    private transient TaskScoring task;
    private transient Batch batch;
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
        limits = settings.limits();
        verifier = settings.verifier();
        jobName = settings.jobName();
        startRefused = new ArrayList<>(settings.startRefused());
        echo = settings.echo();
        initialRegistry = new HashMap<>(settings.initialRegistry());
        swapAtCheckpoints = settings.swapAtCheckpoints();
        reportTrials = settings.promotion() != null;
        stateTtl = settings.stateTtl();
        allowedLateness = settings.allowedLateness();
        if (allowedLateness != null && allowedLateness.isNegative()) {
            throw new IllegalArgumentException("--allowed-lateness must not be negative, got " + allowedLateness);
        }
    }

    @Override
    public void initializeState(StateInitializationContext context) throws Exception {
        super.initializeState(context);
        models = new SubtaskRegistry(context.getOperatorStateStore().getBroadcastState(REGISTRY), initialRegistry,
                new ModelCheck(schema, limits));
    }

    @Override
    public void open() throws Exception {
        super.open();
        metrics = new ModelMetrics(getMetricGroup(), schema.task());
        recentIds = getRuntimeContext().getState(keyed("recent-ids", RecentIds.class));
        reporter = new ScoreReporter(output, metrics, getRuntimeContext().getTaskInfo().getIndexOfThisSubtask());
        task = schema.task() == Task.REGRESSION
                ? new SeriesForecasting(schema, getRuntimeContext().getState(keyed("series-window",
                        SeriesWindow.class)), this::setCurrentKey, reporter, echo, maxBatch, allowedLateness)
                : new Classifying(schema.features().size(), reporter, echo, maxBatch);
        batch = new Batch(maxBatch);
        if (models.fresh()) { // a new job reports the refusals of its start
            startRefused.forEach(reporter::status);
        }
        activate();
        warmUp(serving.stable, WARM_UP_CALLS);
        if (serving.candidate != null) {
            warmUp(serving.candidate, WARM_UP_CALLS);
        }
        LOG.info("subtask {} scores {} with {} in batches of up to {} within {} ms",
                getRuntimeContext().getTaskInfo().getIndexOfThisSubtask(), schema, serving.policy, maxBatch,
                maxWaitMs);
    }

    /**
     * A key's state, which expires {@code stateTtl} after the key's last input when a TTL is set: written on every
     * input, so an active key never expires; expired state is never read, and is dropped as the heap backend walks
     * its entries and from full snapshots.
     */
    private <T> ValueStateDescriptor<T> keyed(String name, Class<T> type) {
        ValueStateDescriptor<T> descriptor = new ValueStateDescriptor<>(name, type);
        if (!stateTtl.isZero()) {
            descriptor.enableTimeToLive(StateTtlConfig.newBuilder(stateTtl)
                    .setUpdateType(StateTtlConfig.UpdateType.OnCreateAndWrite)
                    .setStateVisibility(StateTtlConfig.StateVisibility.NeverReturnExpired)
                    .cleanupIncrementally(10, false)
                    .cleanupFullSnapshot()
                    .build());
        }
        return descriptor;
    }

    /**
     * The first calls into ND4J allocate native workspaces and run cold code; paying that when a model is loaded
     * keeps it out of the latency of the first records it scores. Both a single row and a full batch are warmed,
     * as both shapes occur.
     */
    private void warmUp(Predictor predictor, int calls) {
        long start = System.nanoTime();
        double[][] scratch = new double[maxBatch][task.width(predictor)];
        try {
            for (int i = 0; i < calls; i++) {
                task.call(predictor, scratch, i % 2 == 0 ? 1 : maxBatch);
            }
        } catch (RuntimeException e) { // it passed its probe: should a full batch fail, each input says so
            LOG.warn("model {} failed its warm-up on a batch of {} rows ({}); inputs it fails on are dead-lettered "
                    + "as model_error", predictor.metadata().modelVersion(), maxBatch, e.toString());
            return;
        }
        LOG.info("model {} warm-up: {} calls in {} ms", predictor.metadata().modelVersion(), calls,
                (System.nanoTime() - start) / 1_000_000);
    }

    // ---- the registry input

    /**
     * Applies one registry record. Total: whatever the record holds, it is applied or refused with a counted reason,
     * and the models in use serve on; nothing it holds is thrown past here to fail the task.
     */
    @Override
    public void processElement2(StreamRecord<RegistryMessage> record) throws Exception {
        RegistryEntry entry = record.getValue().entry(verifier);
        String what = describe(entry, record.getValue());
        try {
            boolean changed = models.apply(entry);
            if (entry instanceof RegistryEntry.Artifact artifact) {
                warmUp(models.loaded(artifact.version()), ARRIVAL_WARM_UP_CALLS);
            }
            reporter.status(RegistryStatus.accepted(jobName, record.getValue().offset(), entry, models.policy()));
            if (changed) {
                LOG.info("model registry: {} accepted; the policy becomes {} {}", what, models.policy(),
                        swapAtCheckpoints ? "at the next checkpoint" : "now");
                if (!swapAtCheckpoints) {
                    flush();
                    activate();
                }
            } else {
                LOG.info("model registry: {} accepted", what);
            }
        } catch (Rejection rejection) {
            reporter.rejected(rejection.reason());
            reporter.status(RegistryStatus.refused(jobName, record.getValue().offset(), entry, rejection));
            if (reporter.reportsForAll()) { // every subtask refuses it alike: one line in the log is enough
                LOG.warn("model registry: refused {} ({}): {} Still serving {}", what, rejection.reason().label(),
                        sentence(rejection.getMessage()), serving.policy);
            }
        }
    }

    /** A message as a sentence: ended by one full stop, whether it came with one or not. */
    private static String sentence(String message) {
        return message.endsWith(".") ? message : message + ".";
    }

    private static String describe(RegistryEntry entry, RegistryMessage message) {
        if (entry instanceof RegistryEntry.Artifact artifact) {
            return "artifact " + Untrusted.text(artifact.version()) + " (" + message.origin() + ")";
        }
        if (entry instanceof RegistryEntry.Command command) {
            return "command '" + command.command() + "' (" + message.origin() + ")";
        }
        return "record " + message.origin();
    }

    /** Scores with the registry's policy from now on. Only between batches. */
    private void activate() {
        ServingModels previous = serving;
        serving = models.serving();
        String candidate = serving.policy.candidate();
        batch.width(task.width(serving));
        metrics.swapped(serving.roles());
        reporter.trial(candidate == null ? null : new Trial(models.policySerial(), serving.policy.stable(),
                candidate, schema.task() == Task.CLASSIFICATION));
        reporter.status(RegistryStatus.serving(jobName, serving.policy));
        if (previous != null) {
            LOG.info("subtask {} now serves {} (was {})", getRuntimeContext().getTaskInfo().getIndexOfThisSubtask(),
                    serving.policy, previous.policy);
        }
    }

    @Override
    public void prepareSnapshotPreBarrier(long checkpointId) throws Exception {
        flush();
        if (reportTrials) {
            reporter.reportTrial();
        }
        if (models.policyChanged()) {
            activate();
        }
        super.prepareSnapshotPreBarrier(checkpointId);
    }

    // ---- the input records

    @Override
    public void processElement1(StreamRecord<ScoringInput> record) throws Exception {
        ScoringInput input = record.getValue();
        if (!firstTimeSeen(input.id())) {
            reporter.deadLetter(input, RejectReason.DUPLICATE_ID, "id '" + input.id() + "' was already scored among "
                    + "the last " + rememberedIdsPerKey + " records of key '" + input.key() + "'",
                    record.getTimestamp());
            return;
        }
        int slot = batch.add(input, record.hasTimestamp() ? record.getTimestamp() : input.eventTimestamp(),
                serving.serving(input.key()));
        task.add(input, slot, batch);
        if (batch.full() || maxWaitMs == 0) {
            flush();
        } else if (batch.size == 1) {
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

    private void flush() throws Exception {
        if (flushTimer != null) {
            flushTimer.cancel(false);
            flushTimer = null;
        }
        if (batch.size == 0) {
            return;
        }
        task.score(batch, serving);
        batch.clear();
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

    /** On every end, failure or cancel too: the loaded models' native memory is freed with the subtask. */
    @Override
    public void close() throws Exception {
        try {
            if (models != null) {
                models.close();
            }
        } finally {
            super.close();
        }
    }
}
