package dev.streampredict.job.inference;

import dev.streampredict.common.message.Prediction;
import dev.streampredict.common.message.RejectReason;
import dev.streampredict.job.records.InputEcho;
import dev.streampredict.job.records.ScoringInput;
import dev.streampredict.model.Predictor;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Classification: each input's feature vector is classified on its own; no per-key state. An input that carries its
 * true label counts towards the accuracy of each version that classified it.
 */
final class Classifying implements TaskScoring {

    private final int features;
    private final Scored scored;
    private final InputEcho echo;
    private final double[] standardised;
    private final Failures failures;
    /** A shadow's failures cost only its shadow predictions: they are not dead-lettered. */
    private final Failures shadowFailures;

    Classifying(int features, Scored scored, InputEcho echo, int capacity) {
        this.features = features;
        this.scored = scored;
        this.echo = echo;
        standardised = new double[features];
        failures = new Failures(capacity);
        shadowFailures = new Failures(capacity);
    }

    @Override
    public int width(Predictor model) {
        return features;
    }

    @Override
    public int width(ServingModels serving) {
        return features;
    }

    @Override
    public void add(ScoringInput input, int slot, Batch batch) {
        System.arraycopy(input.features(), 0, batch.rows[slot], 0, features);
    }

    @Override
    public void score(Batch batch, ServingModels serving) throws Exception {
        failures.clear();
        shadowFailures.clear();
        double[][] served = new double[batch.size][];
        batch.forEachServingGroup(serving, (model, rows, count, slots) -> {
            double[][] probabilities = failures.call(scored, model, rows, count, slots, Predictor::classify,
                    double[][]::new);
            for (int j = 0; j < count; j++) {
                served[slots[j]] = probabilities[j];
            }
        });
        Predictor shadow = serving.shadow();
        double[][] shadowed = shadow == null ? null : shadowFailures.call(scored, shadow, batch.rows, batch.size,
                batch.everySlot, Predictor::classify, double[][]::new);
        long now = System.currentTimeMillis();
        for (int i = 0; i < batch.size; i++) {
            ScoringInput input = batch.inputs[i];
            if (!failures.failed(i) && !Failures.finite(served[i])) {
                failures.fail(i, RejectReason.NON_FINITE_PREDICTION, "model "
                        + batch.servedBy[i].metadata().modelVersion() + " gave the class probabilities "
                        + Arrays.toString(served[i]) + " for the features " + Arrays.toString(input.features()));
            }
            String echoed = null; // once per input, for its prediction and its shadow's
            if (failures.failed(i)) {
                scored.failed(input, failures.reason(i), failures.detail(i), batch.timestamps[i]);
            } else {
                echoed = echo.of(input);
                scored.prediction(classified(input, echoed, batch.servedBy[i], served[i], now),
                        batch.timestamps[i]);
            }
            if (shadowed != null && Failures.finite(shadowed[i])) {
                scored.shadowPrediction(classified(input, echoed != null ? echoed : echo.of(input), shadow,
                        shadowed[i], now), batch.timestamps[i]);
            }
        }
    }

    private Prediction classified(ScoringInput input, String echoed, Predictor model, double[] probabilities,
                                  long now) {
        List<String> classes = model.metadata().classes();
        String version = model.metadata().modelVersion();
        model.standardise(input.features(), standardised);
        scored.input(version, standardised);
        Map<String, Double> byClass = new LinkedHashMap<>();
        for (int c = 0; c < probabilities.length; c++) {
            byClass.put(classes.get(c), probabilities[c]);
        }
        String predicted = classes.get(Predictor.mostLikely(probabilities));
        if (input.label() != null) {
            scored.classified(version, predicted.equals(input.label()), input.label());
        }
        return Prediction.classification(input.id(), input.key(), echoed, predicted, byClass, version, now,
                now - input.ingestTimestamp());
    }

    @Override
    public void call(Predictor model, double[][] rows, int count) {
        model.classify(rows, count);
    }
}
