package dev.streampredict.job.inference;

import dev.streampredict.common.message.Prediction;
import dev.streampredict.common.message.RejectReason;
import dev.streampredict.job.records.InputEcho;
import dev.streampredict.job.records.ScoringInput;
import dev.streampredict.model.PredictionIntervals;
import dev.streampredict.model.Predictor;
import org.apache.flink.api.common.state.ValueState;

import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Regression of a series: the key's last values of each series the models read (the target, and any others beside
 * it) live in keyed state ({@link SeriesWindow}); each new value of the target is first compared with the forecasts
 * made from the previous window (the serving one and the shadow's, each counted for the
 * version that made it), then joins the window, and the models forecast the next value. When the previous forecast
 * of the key is in the same batch, the comparison happens once the batch is scored.
 */
final class SeriesForecasting implements TaskScoring {

    private final String target;
    /** The series every model of the job reads (its input schema's features), and where the target is among them. */
    private final int series;
    private final int targetIndex;
    private final ValueState<SeriesWindow> windows;
    /** Sets the key of the keyed state, to update each key's window after the batch is scored. */
    private final Consumer<String> currentKey;
    private final Scored scored;
    private final InputEcho echo;
    private final int[] fills;
    /** Slot of the same key's previous input in this batch, whose forecast this input's value checks. */
    private final int[] previousSlot;
    private final double[] batchSquaredError;
    private final int[] batchEvaluated;
    /** Each key in the batch, with the slot of its latest input. */
    private final Map<String, Integer> lastSlotOfKey = new HashMap<>();
    private final double[] standardised = new double[1];
    private final Failures failures;
    /** A shadow's failures cost only its shadow predictions: they are not dead-lettered. */
    private final Failures shadowFailures;

    SeriesForecasting(List<String> features, String target, ValueState<SeriesWindow> windows,
                      Consumer<String> currentKey, Scored scored, InputEcho echo, int capacity) {
        this.target = target;
        this.series = features.size();
        this.targetIndex = features.indexOf(target);
        this.windows = windows;
        this.currentKey = currentKey;
        this.scored = scored;
        this.echo = echo;
        fills = new int[capacity];
        previousSlot = new int[capacity];
        batchSquaredError = new double[capacity];
        batchEvaluated = new int[capacity];
        failures = new Failures(capacity);
        shadowFailures = new Failures(capacity);
    }

    @Override
    public int width(Predictor model) {
        return series * model.metadata().windowSize();
    }

    @Override
    public int width(ServingModels serving) {
        return series * serving.widestWindow();
    }

    @Override
    public void add(ScoringInput input, int slot, Batch batch) throws Exception {
        double value = input.features()[targetIndex];
        double[] row = batch.rows[slot];
        SeriesWindow window = windows.value();
        if (window == null || window.series() != series) { // new, or restored from a job of other inputs
            window = SeriesWindow.empty(series, row.length / series);
        }
        window.growTo(row.length / series);
        Integer previous = lastSlotOfKey.put(input.key(), slot);
        previousSlot[slot] = previous == null ? -1 : previous;
        // a pending forecast means the key had a value before: the naive forecast of this one
        double persistenceError = window.fill() > 0 ? window.last(targetIndex) - value : Double.NaN;
        if (!Double.isNaN(window.pendingForecast)) { // forecast from an earlier batch: check it now
            double error = window.pendingForecast - value;
            window.evaluated++;
            window.squaredErrorSum += error * error;
            // state from before versions were recorded: the stable model made it
            scored.forecastMet(window.pendingVersion != null ? window.pendingVersion
                    : batch.servedBy[slot].metadata().modelVersion(), error, persistenceError);
            window.pendingForecast = Double.NaN;
        }
        if (!Double.isNaN(window.shadowForecast)) {
            scored.forecastMet(window.shadowVersion, window.shadowForecast - value, persistenceError);
            window.shadowForecast = Double.NaN;
        }
        window.add(input.features());
        window.copyTo(row);
        fills[slot] = window.fill();
        windows.update(window);
    }

    @Override
    public void score(Batch batch, ServingModels serving) throws Exception {
        failures.clear();
        shadowFailures.clear();
        double[] served = new double[batch.size];
        batch.forEachServingGroup(serving, (model, rows, count, slots) -> {
            double[] forecasts = failures.call(scored, model, rows, count, slots, Predictor::forecast,
                    SeriesForecasting::notForecast);
            for (int j = 0; j < count; j++) {
                served[slots[j]] = forecasts[j];
            }
        });
        for (int i = 0; i < batch.size; i++) {
            if (!failures.failed(i) && !Double.isFinite(served[i])) {
                failures.fail(i, RejectReason.NON_FINITE_PREDICTION, "model "
                        + batch.servedBy[i].metadata().modelVersion() + " forecast " + served[i]
                        + " from the window " + Arrays.toString(batch.rows[i]));
            }
        }
        Predictor shadow = serving.shadow();
        double[] shadowed = shadow == null ? null : shadowFailures.call(scored, shadow, batch.rows, batch.size,
                batch.everySlot, Predictor::forecast, SeriesForecasting::notForecast);
        emit(batch, served, shadow, shadowed);
    }

    /** Room for {@code count} forecasts, each NaN until made. */
    private static double[] notForecast(int count) {
        double[] forecasts = new double[count];
        Arrays.fill(forecasts, Double.NaN);
        return forecasts;
    }

    private void emit(Batch batch, double[] served, Predictor shadow, double[] shadowed) throws Exception {
        long now = System.currentTimeMillis();
        int size = batch.size;
        Arrays.fill(batchSquaredError, 0, size, 0);
        Arrays.fill(batchEvaluated, 0, size, 0);
        String shadowVersion = shadow == null ? null : shadow.metadata().modelVersion();
        for (int i = 0; i < size; i++) {
            ScoringInput input = batch.inputs[i];
            Predictor model = batch.servedBy[i];
            String version = model.metadata().modelVersion();
            double value = input.features()[targetIndex];
            int previous = previousSlot[i];
            if (previous >= 0) { // the key's previous forecasts were made in this batch, by the same models
                double persistenceError = batch.inputs[previous].features()[targetIndex] - value;
                if (!failures.failed(previous)) {
                    double error = served[previous] - value;
                    int last = lastSlotOfKey.get(input.key());
                    batchSquaredError[last] += error * error;
                    batchEvaluated[last]++;
                    scored.forecastMet(version, error, persistenceError);
                }
                if (shadowed != null && Double.isFinite(shadowed[previous])) {
                    scored.forecastMet(shadowVersion, shadowed[previous] - value, persistenceError);
                }
            }
            String echoed = null;
            if (failures.failed(i)) {
                scored.failed(input, failures.reason(i), failures.detail(i), batch.timestamps[i]);
            } else {
                observeInput(model, batch.rows[i], fills[i]);
                echoed = echo.of(input);
                scored.prediction(Prediction.regression(input.id(), input.key(), echoed, target, served[i],
                        version, now, now - input.ingestTimestamp(), Math.min(fills[i], model.metadata().windowSize()),
                        interval(model, served[i])), batch.timestamps[i]);
            }
            if (shadowed != null && Double.isFinite(shadowed[i])) {
                observeInput(shadow, batch.rows[i], fills[i]);
                scored.shadowPrediction(Prediction.regression(input.id(), input.key(),
                        echoed != null ? echoed : echo.of(input), target,
                        shadowed[i], shadowVersion, now, now - input.ingestTimestamp(),
                        Math.min(fills[i], shadow.metadata().windowSize()), interval(shadow, shadowed[i])),
                        batch.timestamps[i]);
            }
        }
        // each key's latest forecasts wait in its state for the key's next value; one the model failed on does not
        for (Map.Entry<String, Integer> entry : lastSlotOfKey.entrySet()) {
            int last = entry.getValue();
            currentKey.accept(entry.getKey());
            SeriesWindow window = windows.value();
            window.pendingForecast = failures.failed(last) ? Double.NaN : served[last];
            window.pendingVersion = batch.servedBy[last].metadata().modelVersion();
            window.shadowForecast = shadowed != null && Double.isFinite(shadowed[last]) ? shadowed[last] : Double.NaN;
            window.shadowVersion = shadowVersion;
            window.evaluated += batchEvaluated[last];
            window.squaredErrorSum += batchSquaredError[last];
            windows.update(window);
        }
        lastSlotOfKey.clear();
    }

    /** The model's interval around {@code forecast}, or {@code null} for a model without intervals. */
    private static Prediction.Interval interval(Predictor model, double forecast) {
        PredictionIntervals intervals = model.metadata().intervals();
        if (intervals == null) {
            return null;
        }
        double halfWidth = intervals.nextHalfWidth();
        return new Prediction.Interval(intervals.level(), forecast - halfWidth, forecast + halfWidth);
    }

    /** The key's latest step (or value), once the window holds two real values: padding is not an input. */
    private void observeInput(Predictor model, double[] row, int fill) {
        if (fill >= 2) {
            standardised[0] = model.standardisedLatest(row);
            scored.input(model.metadata().modelVersion(), standardised);
        }
    }

    @Override
    public void call(Predictor model, double[][] rows, int count) {
        model.forecast(rows, count);
    }
}
