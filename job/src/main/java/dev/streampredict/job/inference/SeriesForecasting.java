package dev.streampredict.job.inference;

import dev.streampredict.common.message.Prediction;
import dev.streampredict.common.message.RejectReason;
import dev.streampredict.job.records.InputEcho;
import dev.streampredict.job.records.ScoringInput;
import dev.streampredict.model.CalendarFeature;
import dev.streampredict.model.PredictionIntervals;
import dev.streampredict.model.Predictor;
import dev.streampredict.registry.InputSchema;
import org.apache.flink.api.common.state.ValueState;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Regression of a series: the key's last values of each series the models read (the target, and any others beside
 * it) live in keyed state ({@link SeriesWindow}), with the forecasts still waiting for actual values. A forecast
 * covers the model's horizon: one step, or several, each scored when its actual value arrives and counted for the
 * version that made it (the serving one's, and the shadow's). The slots of a batch are scored in arrival order after
 * the batch's model calls, so a forecast made earlier in the same batch meets its actual value as one from an earlier
 * batch does.
 * <p>
 * Time: a key's values are read in the order they arrive. With an allowed lateness, a value whose event time is
 * further than that before the key's latest is dead-lettered as {@code late_value} and leaves the key's state as it
 * was. A value that comes more than one and a half of the key's spacings after the one before is read as it is, and
 * its prediction says how many values are missing before it.
 */
final class SeriesForecasting implements TaskScoring {

    private final String target;
    /**
     * The series every model of the job reads: its input schema's features, then two for each of its calendar
     * cycles, computed from each value's event time; and where the target is among them.
     */
    private final int series;
    private final int targetIndex;
    private final List<CalendarFeature> calendar;
    /** One input's values of every series, before they join the key's window. */
    private final double[] latest;
    private final ValueState<SeriesWindow> windows;
    /** Sets the key of the keyed state, to write each key's window back after the batch is scored. */
    private final Consumer<String> currentKey;
    private final Scored scored;
    private final InputEcho echo;
    /** Each slot's key window (shared by the slots of one key), and the key's value count and window fill then. */
    private final SeriesWindow[] slotWindows;
    private final long[] counts;
    private final int[] fills;
    private final long[] spacings;
    /** Why each slot's value is too late to read, or {@code null}; and the values missing before it. */
    private final String[] late;
    private final int[] missingSteps;
    /** How far before its key's latest a value may be, in ms; -1: any. */
    private final long allowedLatenessMs;
    /** Each key of the batch with its window, written back to state once the batch is scored. */
    private final Map<String, SeriesWindow> batchWindows = new HashMap<>();
    private final double[] standardised = new double[1];
    private final Failures failures;
    /** A shadow's failures cost only its shadow predictions: they are not dead-lettered. */
    private final Failures shadowFailures;

    SeriesForecasting(InputSchema schema, ValueState<SeriesWindow> windows, Consumer<String> currentKey,
                      Scored scored, InputEcho echo, int capacity) {
        this(schema, windows, currentKey, scored, echo, capacity, null);
    }

    /** As above; values further than {@code allowedLateness} before their key's latest are dead-lettered. */
    SeriesForecasting(InputSchema schema, ValueState<SeriesWindow> windows, Consumer<String> currentKey,
                      Scored scored, InputEcho echo, int capacity, Duration allowedLateness) {
        this.target = schema.target();
        this.calendar = schema.calendar();
        this.series = CalendarFeature.seriesCount(schema.features().size(), calendar);
        this.targetIndex = schema.features().indexOf(target);
        this.latest = new double[series];
        this.windows = windows;
        this.currentKey = currentKey;
        this.scored = scored;
        this.echo = echo;
        slotWindows = new SeriesWindow[capacity];
        counts = new long[capacity];
        fills = new int[capacity];
        spacings = new long[capacity];
        late = new String[capacity];
        missingSteps = new int[capacity];
        allowedLatenessMs = allowedLateness == null ? -1 : allowedLateness.toMillis();
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
        double[] row = batch.rows[slot];
        SeriesWindow window = batchWindows.get(input.key());
        if (window == null) {
            window = windows.value();
            if (window == null || window.series() != series) { // new, or restored from a job of other inputs
                window = SeriesWindow.empty(series, row.length / series);
            }
            window.upgrade(targetIndex);
            batchWindows.put(input.key(), window);
        }
        window.growTo(row.length / series);
        long time = input.eventTimestamp();
        late[slot] = allowedLatenessMs >= 0 && window.count > 0 && time < window.lastTimestamp - allowedLatenessMs
                ? "event time " + Instant.ofEpochMilli(time) + " is " + Duration.ofMillis(window.lastTimestamp - time)
                + " before the key's latest, " + Instant.ofEpochMilli(window.lastTimestamp)
                + ", more than --allowed-lateness " + Duration.ofMillis(allowedLatenessMs) : null;
        long spacing = window.spacing;
        missingSteps[slot] = spacing > 0 && 2 * (time - window.lastTimestamp) > 3 * spacing
                ? (int) Math.min(Integer.MAX_VALUE, Math.round((double) (time - window.lastTimestamp) / spacing) - 1)
                : 0;
        if (late[slot] == null) {
            double[] features = input.features();
            System.arraycopy(features, 0, latest, 0, features.length);
            CalendarFeature.writeAll(calendar, time, latest, features.length);
            window.add(latest, time);
        }
        window.copyTo(row); // a late value's row is scored with the rest; its answer is not used
        slotWindows[slot] = window;
        counts[slot] = window.count;
        fills[slot] = window.fill();
        spacings[slot] = window.spacing;
    }

    @Override
    public void score(Batch batch, ServingModels serving) throws Exception {
        failures.clear();
        shadowFailures.clear();
        double[][] served = new double[batch.size][];
        batch.forEachServingGroup(serving, (model, rows, count, slots) -> {
            double[][] forecasts = failures.call(scored, model, rows, count, slots, Predictor::forecastSteps,
                    double[][]::new);
            for (int j = 0; j < count; j++) {
                served[slots[j]] = forecasts[j];
            }
        });
        for (int i = 0; i < batch.size; i++) {
            if (!failures.failed(i) && !Failures.finite(served[i])) {
                failures.fail(i, RejectReason.NON_FINITE_PREDICTION, "model "
                        + batch.servedBy[i].metadata().modelVersion() + " forecast " + Arrays.toString(served[i])
                        + " from the window " + Arrays.toString(batch.rows[i]));
            }
        }
        Predictor shadow = serving.shadow();
        double[][] shadowed = shadow == null ? null : shadowFailures.call(scored, shadow, batch.rows, batch.size,
                batch.everySlot, Predictor::forecastSteps, double[][]::new);
        emit(batch, served, shadow, shadowed);
    }

    private void emit(Batch batch, double[][] served, Predictor shadow, double[][] shadowed) throws Exception {
        long now = System.currentTimeMillis();
        String shadowVersion = shadow == null ? null : shadow.metadata().modelVersion();
        for (int i = 0; i < batch.size; i++) {
            ScoringInput input = batch.inputs[i];
            SeriesWindow window = slotWindows[i];
            if (late[i] != null) {
                scored.failed(input, RejectReason.LATE_VALUE, late[i], batch.timestamps[i]);
                continue;
            }
            double value = input.features()[targetIndex];
            // first the forecasts this value is a step of, then the forecasts made from the window it ends
            if (window.served != null) {
                window.served.meet(counts[i], (version, step, forecast, last) -> {
                    scored.forecastMet(version, step, forecast - value, last - value);
                    if (step == 1) {
                        window.evaluated++;
                        window.squaredErrorSum += (forecast - value) * (forecast - value);
                    }
                });
            }
            if (window.shadow != null) {
                window.shadow.meet(counts[i], (version, step, forecast, last) ->
                        scored.forecastMet(version, step, forecast - value, last - value));
            }
            Predictor model = batch.servedBy[i];
            String echoed = null;
            if (failures.failed(i)) {
                scored.failed(input, failures.reason(i), failures.detail(i), batch.timestamps[i]);
            } else {
                observeInput(model, batch.rows[i], fills[i]);
                echoed = echo.of(input);
                scored.prediction(prediction(input, echoed, model, served[i], i, now), batch.timestamps[i]);
                window.served = pending(window.served, model).keep(counts[i], value, served[i],
                        model.metadata().modelVersion());
            }
            if (shadowed != null && Failures.finite(shadowed[i])) {
                observeInput(shadow, batch.rows[i], fills[i]);
                scored.shadowPrediction(prediction(input, echoed != null ? echoed : echo.of(input), shadow,
                        shadowed[i], i, now), batch.timestamps[i]);
                window.shadow = pending(window.shadow, shadow).keep(counts[i], value, shadowed[i], shadowVersion);
            }
        }
        for (Map.Entry<String, SeriesWindow> entry : batchWindows.entrySet()) {
            currentKey.accept(entry.getKey());
            windows.update(entry.getValue());
        }
        batchWindows.clear();
        Arrays.fill(slotWindows, 0, batch.size, null);
    }

    /**
     * Where {@code model}'s forecasts wait: {@code pending}, or a new ring when the key had none or one of another
     * horizon (a version of another horizon took over the key: the old one's steps still pending are dropped).
     */
    private static PendingForecasts pending(PendingForecasts pending, Predictor model) {
        int horizon = model.metadata().horizon();
        return pending != null && pending.horizon == horizon ? pending : PendingForecasts.of(horizon);
    }

    private Prediction prediction(ScoringInput input, String echoed, Predictor model, double[] forecast, int slot,
                                  long now) {
        int fill = Math.min(fills[slot], model.metadata().windowSize());
        PredictionIntervals intervals = model.metadata().intervals();
        List<Prediction.Step> steps = null;
        if (forecast.length > 1) {
            steps = new ArrayList<>(forecast.length);
            for (int step = 1; step <= forecast.length; step++) {
                Long time = spacings[slot] > 0 ? input.eventTimestamp() + step * spacings[slot] : null;
                steps.add(new Prediction.Step(step, time, forecast[step - 1],
                        interval(intervals, step, forecast[step - 1])));
            }
        }
        return Prediction.regression(input.id(), input.key(), echoed, target, forecast[0],
                model.metadata().modelVersion(), now, now - input.ingestTimestamp(), fill,
                interval(intervals, 1, forecast[0]), steps, missingSteps[slot]);
    }

    /** The interval around {@code forecast} at {@code step}, or {@code null} for a model without intervals. */
    private static Prediction.Interval interval(PredictionIntervals intervals, int step, double forecast) {
        if (intervals == null) {
            return null;
        }
        double halfWidth = intervals.halfWidth(step);
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
        model.forecastSteps(rows, count);
    }
}
