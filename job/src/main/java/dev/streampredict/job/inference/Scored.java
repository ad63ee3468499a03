package dev.streampredict.job.inference;

import dev.streampredict.common.message.Prediction;
import dev.streampredict.common.message.RejectReason;
import dev.streampredict.job.records.ScoringInput;
import dev.streampredict.model.Predictor;

/** Where a task's scoring reports: its predictions, and each version's outcomes, inference time and counts. */
interface Scored {

    /** A served prediction, with the input's timestamp. */
    void prediction(Prediction prediction, long timestamp);

    /** The served model failed on this input: it is dead-lettered with the reason, not predicted. */
    void failed(ScoringInput input, RejectReason reason, String detail, long timestamp);

    /** A shadow model's prediction. */
    void shadowPrediction(Prediction prediction, long timestamp);

    /**
     * A regression forecast of {@code version}, {@code step} values ahead, met the value it forecast.
     *
     * @param persistenceError what the key's latest value when the forecast was made, as a forecast, missed the same
     *                         value by
     */
    void forecastMet(String version, int step, double error, double persistenceError);

    /** A classification of {@code version} met its true label. */
    void classified(String version, boolean right, String label);

    /** An input {@code version} scored, standardised as its training data was (read at once, not kept). */
    void input(String version, double[] standardised);

    /** {@code count} rows scored by {@code version} in {@code nanos}. */
    void inferred(String version, long nanos, int count);

    /** Calls {@code model} on the first {@code count} rows and reports the time it took. */
    default <R> R call(Predictor model, double[][] rows, int count,
                       TriFunction<Predictor, double[][], Integer, R> call) {
        long start = System.nanoTime();
        R result = call.apply(model, rows, count);
        inferred(model.metadata().modelVersion(), System.nanoTime() - start, count);
        return result;
    }

    /** A model call, as {@code Predictor::forecast}. */
    @FunctionalInterface
    interface TriFunction<A, B, C, R> {
        R apply(A a, B b, C c);
    }
}
