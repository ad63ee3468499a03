package dev.streampredict.local;

import dev.streampredict.common.message.Prediction;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Iterator;
import java.util.List;
import java.util.function.Consumer;

/**
 * One key's forecasts, as a downstream reader sees them, until each of their steps has met the value it forecast:
 * the K-th value after a prediction's input meets its step K. At most one forecast per step ahead stays open, so a
 * key holds up to H x H forecasts of a model of H steps; a key kept for its next values only holds one.
 */
final class OpenForecasts {

    /**
     * One step of a forecast met by its value.
     *
     * @param persistence the value the forecast's input carried, which "the last value stays" forecasts
     * @param interval    the step's prediction interval, or {@code null}
     */
    record Met(String version, int step, double forecast, double actual, double persistence,
               Prediction.Interval interval) {
    }

    private static final class Open {
        final String version;
        final List<Prediction.Step> steps;
        final double persistence;
        int met;

        Open(Prediction p, double persistence, boolean everyStep) {
            this.version = p.modelVersion();
            this.steps = p.steps() != null && everyStep ? p.steps()
                    : List.of(new Prediction.Step(1, null, p.prediction(), p.interval()));
            this.persistence = persistence;
        }
    }

    private final Deque<Open> open = new ArrayDeque<>();
    private final boolean everyStep;

    /** @param everyStep whether every step of a forecast is met, or its next value only */
    OpenForecasts(boolean everyStep) {
        this.everyStep = everyStep;
    }

    /**
     * The key's next value, {@code actual}, arrived with prediction {@code p}: the next step of every open forecast
     * is met by it, then {@code p}'s forecast opens (a class, which forecasts no value, does not).
     */
    void arrived(double actual, Prediction p, Consumer<Met> onMet) {
        for (Iterator<Open> it = open.iterator(); it.hasNext(); ) {
            Open o = it.next();
            Prediction.Step step = o.steps.get(o.met++);
            onMet.accept(new Met(o.version, o.met, step.forecast(), actual, o.persistence, step.interval()));
            if (o.met == o.steps.size()) {
                it.remove();
            }
        }
        if (p.prediction() != null) {
            open.addLast(new Open(p, actual, everyStep));
        }
    }

    int size() {
        return open.size();
    }
}
