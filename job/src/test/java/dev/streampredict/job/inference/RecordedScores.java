package dev.streampredict.job.inference;

import dev.streampredict.common.message.Prediction;
import dev.streampredict.common.message.RejectReason;
import dev.streampredict.job.records.ScoringInput;
import dev.streampredict.model.Predictor;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** What a task reports, kept for a test of the task without Flink; a model call throws on a row holding failOn. */
final class RecordedScores implements Scored {

    /** A classification that met its input's true label. */
    record Classified(String version, boolean right, String label) {
    }

    final List<Prediction> served = new ArrayList<>();
    final List<Prediction> shadowed = new ArrayList<>();
    final Map<String, String> failed = new HashMap<>();
    /** The errors of forecasts of the next value, in the order they met it. */
    final List<Double> metErrors = new ArrayList<>();
    /** Every step's errors, each forecast's steps in the order they met their values. */
    final Map<Integer, List<Double>> stepErrors = new HashMap<>();
    final List<Classified> classified = new ArrayList<>();
    private final double failOn;

    RecordedScores(double failOn) {
        this.failOn = failOn;
    }

    @Override
    public <R> R call(Predictor m, double[][] rows, int count, TriFunction<Predictor, double[][], Integer, R> call) {
        for (int i = 0; i < count; i++) {
            if (Arrays.stream(rows[i]).anyMatch(v -> v == failOn)) {
                throw new IllegalStateException("boom");
            }
        }
        return call.apply(m, rows, count);
    }

    @Override
    public void prediction(Prediction prediction, long timestamp) {
        served.add(prediction);
    }

    @Override
    public void failed(ScoringInput input, RejectReason reason, String detail, long timestamp) {
        failed.put(input.id(), reason.label() + ": " + detail);
    }

    @Override
    public void shadowPrediction(Prediction prediction, long timestamp) {
        shadowed.add(prediction);
    }

    @Override
    public void forecastMet(String version, int step, double error, double persistenceError) {
        if (step == 1) {
            metErrors.add(error);
        }
        stepErrors.computeIfAbsent(step, s -> new ArrayList<>()).add(error);
    }

    @Override
    public void classified(String version, boolean right, String label) {
        classified.add(new Classified(version, right, label));
    }

    @Override
    public void input(String version, double[] standardised) {
    }

    @Override
    public void inferred(String version, long nanos, int count) {
    }
}
