package dev.streampredict.job.metrics;

import dev.streampredict.model.Task;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Gauge;
import org.apache.flink.metrics.Histogram;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.metrics.SimpleCounter;
import org.apache.flink.runtime.metrics.DescriptiveStatisticsHistogram;

import java.util.HashMap;
import java.util.Map;

/**
 * Metrics of one model version in the scoring operator, per parallel instance, under the label
 * {@value #MODEL_VERSION}: stable, canary and shadow are reported side by side on the same traffic. Errors are
 * summed from the start of the instance; a dashboard sums {@code squared_error_sum} and
 * {@code evaluated_predictions_total} over instances for the pipeline's MSE, or divides their rates for a recent
 * one; the {@code recent_*} gauges average the instance's last {@value #RECENT} evaluated predictions.
 */
public final class ScoringMetrics {

    public static final String PREDICTIONS = "predictions_total";
    public static final String EVALUATED = "evaluated_predictions_total";
    public static final String SQUARED_ERROR_SUM = "squared_error_sum";
    public static final String ABSOLUTE_ERROR_SUM = "absolute_error_sum";
    public static final String MSE = "mse";
    public static final String MAE = "mae";
    public static final String CORRECT = "correct_predictions_total";
    public static final String ACCURACY = "accuracy";
    public static final String LATENCY_MS = "latency_ms";
    public static final String INFERENCE_US = "inference_us";
    public static final String RECENT_MSE = "recent_mse";
    public static final String RECENT_MAE = "recent_mae";
    public static final String RECENT_ACCURACY = "recent_accuracy";
    /** Regression: MSE of the naive forecast "the next value equals the last one" on the same recent outcomes. */
    public static final String RECENT_PERSISTENCE_MSE = "recent_persistence_mse";
    /** Regression: recent MSE over recent persistence MSE; below 1 the model beats the naive forecast. */
    public static final String SKILL_RATIO = "skill_ratio";
    /** Regression with prediction intervals: the share of the recent actual values inside their intervals. */
    public static final String INTERVAL_COVERAGE = "interval_coverage";
    /** Regression with prediction intervals: the share they were made to hold, the coverage to compare with. */
    public static final String INTERVAL_LEVEL = "interval_level";
    /**
     * The recent inputs' distance from the version's training data: the largest root mean square of a standardised
     * feature; about 1 on inputs like the training data.
     */
    public static final String INPUT_DRIFT = "input_drift";
    /** Classification: the accuracy of always answering the most frequent recent label. */
    public static final String RECENT_MAJORITY_ACCURACY = "recent_majority_accuracy";
    /** How many of the latest evaluated predictions the {@code recent_*} gauges average. */
    public static final int RECENT = 1_000;
    public static final String MODEL_INFO = "model_info";
    public static final String MODEL_VERSION = "model_version";
    /** What the version does now: see {@link Role}. */
    public static final String MODEL_ROLE = "model_role";

    /**
     * Regression several steps ahead: the group, under the version's, of one step's {@code recent_mse},
     * {@code recent_persistence_mse}, {@code skill_ratio} and {@code interval_coverage} (step 1's are the version's
     * own).
     */
    public static final String FORECAST_STEP = "forecast_step";

    /** Values of the {@value #MODEL_ROLE} gauge. */
    public enum Role { RETIRED, STABLE, CANARY, SHADOW }

    private static final int HISTOGRAM_WINDOW = 10_000;

    private final Counter predictions;
    private final Counter evaluated;
    private final Counter correct;
    private volatile Role role = Role.RETIRED;
    private final Histogram latency;
    private final Histogram inference;
    private final SlidingMean recentSquaredError = new SlidingMean(RECENT);
    private final SlidingMean recentAbsoluteError = new SlidingMean(RECENT);
    private final SlidingMean recentCorrect = new SlidingMean(RECENT);
    private final SlidingMean recentPersistenceSquaredError = new SlidingMean(RECENT);
    private final SlidingMean recentCovered = new SlidingMean(RECENT);
    /** The version's interval half-width and level, once one of its predictions told them; NaN before or without. */
    private volatile double intervalHalfWidth = Double.NaN;
    private volatile double intervalLevel = Double.NaN;
    private final RecentMajority recentMajority = new RecentMajority(RECENT);
    private InputDrift inputDrift;
    private volatile double squaredErrorSum;
    private volatile double absoluteErrorSum;
    private final MetricGroup group;
    /** Each step after the first that met a value, registered when it first does. */
    private final Map<Integer, StepMetrics> steps = new HashMap<>();

    /** Registers what every version reports, and the errors and baseline of its {@code task} only. */
    ScoringMetrics(MetricGroup operator, String modelVersion, Task task) {
        group = operator.addGroup(MODEL_VERSION, modelVersion);
        predictions = group.counter(PREDICTIONS);
        evaluated = group.counter(EVALUATED);
        // each task's outcomes arrive only in a job of that task; the other task's counter is never registered
        correct = task == Task.CLASSIFICATION ? group.counter(CORRECT) : new SimpleCounter();
        if (task == Task.REGRESSION) {
            group.gauge(SQUARED_ERROR_SUM, (Gauge<Double>) () -> squaredErrorSum);
            group.gauge(ABSOLUTE_ERROR_SUM, (Gauge<Double>) () -> absoluteErrorSum);
            group.gauge(MSE, (Gauge<Double>) () -> ratio(squaredErrorSum));
            group.gauge(MAE, (Gauge<Double>) () -> ratio(absoluteErrorSum));
            group.gauge(RECENT_MSE, (Gauge<Double>) recentSquaredError::mean);
            group.gauge(RECENT_MAE, (Gauge<Double>) recentAbsoluteError::mean);
            group.gauge(RECENT_PERSISTENCE_MSE, (Gauge<Double>) recentPersistenceSquaredError::mean);
            group.gauge(SKILL_RATIO, (Gauge<Double>) () -> recentSquaredError.mean()
                    / recentPersistenceSquaredError.mean());
            group.gauge(INTERVAL_COVERAGE, (Gauge<Double>) recentCovered::mean);
            group.gauge(INTERVAL_LEVEL, (Gauge<Double>) () -> intervalLevel);
        } else {
            group.gauge(ACCURACY, (Gauge<Double>) () -> ratio(correct.getCount()));
            group.gauge(RECENT_ACCURACY, (Gauge<Double>) recentCorrect::mean);
            group.gauge(RECENT_MAJORITY_ACCURACY, (Gauge<Double>) recentMajority::accuracy);
        }
        group.gauge(INPUT_DRIFT, (Gauge<Double>) () -> inputDrift == null ? Double.NaN : inputDrift.drift());
        latency = group.histogram(LATENCY_MS, new DescriptiveStatisticsHistogram(HISTOGRAM_WINDOW));
        inference = group.histogram(INFERENCE_US, new DescriptiveStatisticsHistogram(HISTOGRAM_WINDOW));
        group.gauge(MODEL_INFO, (Gauge<Integer>) () -> 1);
        group.gauge(MODEL_ROLE, (Gauge<Integer>) () -> role.ordinal());
    }

    public void predicted(long latencyMs) {
        predictions.inc();
        latency.update(latencyMs);
    }

    /** This version's forecasts come with intervals of this half-width, made to hold a {@code level} share. */
    public void intervals(double level, double halfWidth) {
        intervalLevel = level;
        intervalHalfWidth = halfWidth;
    }

    void role(Role role) {
        this.role = role;
    }

    /** An input this version scored, standardised as its training data was. */
    public void input(double[] standardised) {
        if (inputDrift == null) {
            inputDrift = new InputDrift(standardised.length);
        }
        inputDrift.observe(standardised);
    }

    public void inferred(long nanos, int batch) {
        inference.update(nanos / 1_000 / Math.max(1, batch));
    }

    /**
     * A regression forecast met the value it forecast.
     *
     * @param persistenceError what the naive forecast (the key's previous value) missed the same value by
     */
    public void forecastError(double error, double persistenceError) {
        recentPersistenceSquaredError.add(persistenceError * persistenceError);
        squaredErrorSum += error * error;
        absoluteErrorSum += Math.abs(error);
        recentSquaredError.add(error * error);
        recentAbsoluteError.add(Math.abs(error));
        if (!Double.isNaN(intervalHalfWidth)) {
            recentCovered.add(Math.abs(error) <= intervalHalfWidth ? 1 : 0);
        }
        evaluated.inc();
    }

    /** A forecast {@code step} values ahead (after the first) met the value it forecast. */
    public void stepError(int step, double error, double persistenceError) {
        step(step).add(error, persistenceError);
    }

    /** This version's forecasts {@code step} values ahead come with intervals of this half-width. */
    public void stepInterval(int step, double halfWidth) {
        if (step > 1) {
            step(step).halfWidth = halfWidth;
        }
    }

    private StepMetrics step(int step) {
        return steps.computeIfAbsent(step, s -> new StepMetrics(group.addGroup(FORECAST_STEP, Integer.toString(s))));
    }

    /** One step's recent errors, beside persistence's at the same step, and its interval's recent coverage. */
    private static final class StepMetrics {
        private final SlidingMean squaredError = new SlidingMean(RECENT);
        private final SlidingMean persistenceSquaredError = new SlidingMean(RECENT);
        private final SlidingMean covered = new SlidingMean(RECENT);
        private double halfWidth = Double.NaN;

        StepMetrics(MetricGroup group) {
            group.gauge(RECENT_MSE, (Gauge<Double>) squaredError::mean);
            group.gauge(RECENT_PERSISTENCE_MSE, (Gauge<Double>) persistenceSquaredError::mean);
            group.gauge(SKILL_RATIO, (Gauge<Double>) () -> squaredError.mean() / persistenceSquaredError.mean());
            group.gauge(INTERVAL_COVERAGE, (Gauge<Double>) covered::mean);
        }

        void add(double error, double persistenceError) {
            squaredError.add(error * error);
            persistenceSquaredError.add(persistenceError * persistenceError);
            if (!Double.isNaN(halfWidth)) {
                covered.add(Math.abs(error) <= halfWidth ? 1 : 0);
            }
        }
    }

    /** A classification met its true label. */
    public void classified(boolean right, String label) {
        recentMajority.add(label);
        evaluated.inc();
        recentCorrect.add(right ? 1 : 0);
        if (right) {
            correct.inc();
        }
    }

    private double ratio(double sum) {
        long n = evaluated.getCount();
        return n == 0 ? Double.NaN : sum / n;
    }
}
