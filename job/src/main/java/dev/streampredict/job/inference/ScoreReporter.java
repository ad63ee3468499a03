package dev.streampredict.job.inference;

import dev.streampredict.common.message.Prediction;
import dev.streampredict.common.message.RejectReason;
import dev.streampredict.job.metrics.ModelMetrics;
import dev.streampredict.job.metrics.ScoringMetrics;
import dev.streampredict.job.promotion.Trial;
import dev.streampredict.job.records.DeadLetter;
import dev.streampredict.job.records.ScoringInput;
import dev.streampredict.model.RefusalReason;
import dev.streampredict.registry.RegistryStatus;
import org.apache.flink.streaming.api.operators.Output;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.EnumMap;
import java.util.Map;

/**
 * Everything a scoring subtask emits and counts: predictions, shadow predictions and dead letters on their
 * outputs, each version's metrics, the outcomes of the trial under way, and the registry reports (from the first
 * subtask only, as every subtask applies the same records to the same state).
 */
final class ScoreReporter implements Scored {

    // the scorer's own name in the log, where operators look for what it did
    private static final Logger LOG = LoggerFactory.getLogger(ModelScorer.class);

    private final Output<StreamRecord<Prediction>> output;
    private final ModelMetrics metrics;
    private final int subtask;
    /** Failures so far on this subtask, by reason: the log shows the 1st, 10th, 100th, ..., not every one. */
    private final Map<RejectReason, Long> failures = new EnumMap<>(RejectReason.class);
    /** The outcomes of the stable model and the candidate beside it, or null without a candidate. */
    private Trial trial;

    ScoreReporter(Output<StreamRecord<Prediction>> output, ModelMetrics metrics, int subtask) {
        this.output = output;
        this.metrics = metrics;
        this.subtask = subtask;
    }

    /** Outcomes count for {@code trial} from now on; {@code null} ends a trial. */
    void trial(Trial trial) {
        this.trial = trial;
    }

    /** The trial's outcomes on this subtask so far, on the trials output, while a trial runs. */
    void reportTrial() {
        if (trial != null) {
            output.collect(ModelScorer.TRIALS, new StreamRecord<>(trial.report(subtask)));
        }
    }

    /** Whether this subtask reports for all: only one does, as each applies the same records alike. */
    boolean reportsForAll() {
        return subtask == 0;
    }

    void status(RegistryStatus status) {
        if (reportsForAll()) {
            output.collect(ModelScorer.STATUS, new StreamRecord<>(status));
        }
    }

    void rejected(RefusalReason reason) {
        metrics.rejected(reason);
    }

    /** Dead-letters an input that was not scored, and counts it; not logged, as a duplicate is not a fault. */
    void deadLetter(ScoringInput input, RejectReason reason, String detail, long timestamp) {
        metrics.notScored(reason);
        output.collect(ModelScorer.DEAD_LETTERS, new StreamRecord<>(new DeadLetter(input.source(), reason, detail,
                System.currentTimeMillis()), timestamp));
    }

    @Override
    public void prediction(Prediction prediction, long timestamp) {
        predicted(prediction);
        output.collect(new StreamRecord<>(prediction, timestamp));
    }

    private void predicted(Prediction prediction) {
        ScoringMetrics version = metrics.of(prediction.modelVersion());
        version.predicted(prediction.latencyMs());
        Prediction.Interval interval = prediction.interval();
        if (interval != null) {
            version.intervals(interval.level(), (interval.upper() - interval.lower()) / 2);
        }
        if (interval != null && prediction.steps() != null) {
            for (Prediction.Step step : prediction.steps()) {
                version.stepInterval(step.step(), (step.interval().upper() - step.interval().lower()) / 2);
            }
        }
    }

    @Override
    public void failed(ScoringInput input, RejectReason reason, String detail, long timestamp) {
        long count = failures.merge(reason, 1L, Long::sum);
        if (Long.toString(count).matches("10*")) {
            LOG.warn("input {} of key '{}' dead-lettered as {} (the {}. on this subtask): {}", input.id(),
                    input.key(), reason.label(), count, detail);
        }
        deadLetter(input, reason, detail, timestamp);
    }

    @Override
    public void shadowPrediction(Prediction prediction, long timestamp) {
        predicted(prediction);
        output.collect(ModelScorer.SHADOW_PREDICTIONS, new StreamRecord<>(prediction, timestamp));
    }

    @Override
    public void forecastMet(String version, int step, double error, double persistenceError) {
        if (step > 1) { // the next value's forecasts are the version's own metrics and decide its trial
            metrics.of(version).stepError(step, error, persistenceError);
            return;
        }
        metrics.of(version).forecastError(error, persistenceError);
        if (trial != null) {
            trial.outcome(version, error * error);
        }
    }

    @Override
    public void classified(String version, boolean right, String label) {
        metrics.of(version).classified(right, label);
        if (trial != null) {
            trial.outcome(version, right ? 0 : 1);
        }
    }

    @Override
    public void input(String version, double[] standardised) {
        metrics.of(version).input(standardised);
    }

    @Override
    public void inferred(String version, long nanos, int count) {
        metrics.of(version).inferred(nanos, count);
    }
}
