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
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Scores each input of a key with the embedded model, loaded once per parallel instance.
 * <ul>
 * <li>Regression: the key's last {@code windowSize} values live in Flink keyed state; each new value is first
 * compared with the forecast made from the previous window (running MSE), then joins the window, and the model
 * forecasts the next value.</li>
 * <li>Classification: the feature vector is classified directly; if the input carries its true label, it counts
 * towards the running accuracy.</li>
 * </ul>
 * Every valid input gets exactly one prediction; an input whose id the key has just scored goes to
 * {@link #DUPLICATES} instead.
 */
public final class ModelScorer extends KeyedProcessFunction<String, ScoringInput, Prediction> {

    private static final Logger LOG = LoggerFactory.getLogger(ModelScorer.class);
    private static final int WARM_UP_CALLS = 500;

    /** Inputs whose id the key has just seen: not scored again, but dead-lettered as {@code duplicate_id}. */
    public static final OutputTag<DeadLetter> DUPLICATES = new OutputTag<>("duplicates") {
    };

    private final String modelLocation;
    private final int rememberedIdsPerKey;
    private transient Predictor predictor;
    private transient ModelMetadata metadata;
    private transient ValueState<SeriesWindow> windows;
    private transient ValueState<RecentIds> recentIds;
    private transient ScoringMetrics metrics;
    private transient double[][] batch;

    public ModelScorer(String modelLocation, int rememberedIdsPerKey) {
        if (rememberedIdsPerKey < 1) {
            throw new IllegalArgumentException("remembered ids per key must be at least 1, got " + rememberedIdsPerKey);
        }
        this.modelLocation = modelLocation;
        this.rememberedIdsPerKey = rememberedIdsPerKey;
    }

    @Override
    public void open(OpenContext context) {
        predictor = ModelArtifact.load(modelLocation);
        metadata = predictor.metadata();
        windows = getRuntimeContext().getState(new ValueStateDescriptor<>("series-window", SeriesWindow.class));
        recentIds = getRuntimeContext().getState(new ValueStateDescriptor<>("recent-ids", RecentIds.class));
        metrics = new ScoringMetrics(getRuntimeContext().getMetricGroup(), metadata.modelVersion());
        batch = new double[1][metadata.task() == Task.REGRESSION ? metadata.windowSize() : metadata.features().size()];
        warmUp();
        LOG.info("subtask {} scores with model {} ({}, features {})",
                getRuntimeContext().getTaskInfo().getIndexOfThisSubtask(), metadata.modelVersion(), metadata.task(),
                metadata.features());
    }

    /**
     * The first calls into ND4J allocate native workspaces and run cold code; paying that here keeps it out of the
     * latency of the first real records.
     */
    private void warmUp() {
        long start = System.nanoTime();
        for (int i = 0; i < WARM_UP_CALLS; i++) {
            if (metadata.task() == Task.REGRESSION) {
                predictor.forecast(batch, 1);
            } else {
                predictor.classify(batch, 1);
            }
        }
        LOG.info("model warm-up: {} calls in {} ms", WARM_UP_CALLS, (System.nanoTime() - start) / 1_000_000);
    }

    @Override
    public void processElement(ScoringInput input, Context ctx, Collector<Prediction> out) throws Exception {
        if (!firstTimeSeen(input.id())) {
            metrics.duplicate();
            ctx.output(DUPLICATES, new DeadLetter(input.source(), RejectReason.DUPLICATE_ID, "id '" + input.id()
                    + "' was already scored among the last " + rememberedIdsPerKey + " records of key '"
                    + input.key() + "'", System.currentTimeMillis()));
            return;
        }
        Prediction prediction = metadata.task() == Task.REGRESSION ? forecast(input) : classify(input);
        metrics.predicted(prediction.latencyMs());
        out.collect(prediction);
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

    private Prediction forecast(ScoringInput input) throws Exception {
        double value = input.features()[0];
        SeriesWindow window = windows.value();
        if (window == null) {
            window = SeriesWindow.empty(metadata.windowSize());
        }
        if (!Double.isNaN(window.pendingForecast)) {
            double error = window.pendingForecast - value;
            window.evaluated++;
            window.squaredErrorSum += error * error;
            metrics.forecastError(error);
        }
        window.add(value);
        window.copyTo(batch[0]);
        long start = System.nanoTime();
        double forecast = predictor.forecast(batch, 1)[0];
        metrics.inferred(System.nanoTime() - start, 1);
        window.pendingForecast = forecast;
        windows.update(window);
        long now = System.currentTimeMillis();
        return Prediction.regression(input.id(), input.key(), input.json(), metadata.target(), forecast,
                metadata.modelVersion(), now, now - input.ingestTimestamp(), window.fill());
    }

    private Prediction classify(ScoringInput input) {
        System.arraycopy(input.features(), 0, batch[0], 0, batch[0].length);
        long start = System.nanoTime();
        double[] probabilities = predictor.classify(batch, 1)[0];
        metrics.inferred(System.nanoTime() - start, 1);
        List<String> classes = metadata.classes();
        Map<String, Double> byClass = new LinkedHashMap<>();
        for (int i = 0; i < probabilities.length; i++) {
            byClass.put(classes.get(i), probabilities[i]);
        }
        String predicted = classes.get(Predictor.mostLikely(probabilities));
        if (input.label() != null) {
            metrics.classified(predicted.equals(input.label()));
        }
        long now = System.currentTimeMillis();
        return Prediction.classification(input.id(), input.key(), input.json(), predicted, byClass,
                metadata.modelVersion(), now, now - input.ingestTimestamp());
    }
}
