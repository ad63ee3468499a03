package dev.streampredict.job.inference;

import dev.streampredict.common.message.Prediction;
import dev.streampredict.job.pipeline.ScoringInput;
import dev.streampredict.model.Predictor;

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
    private final double[] standardised;

    Classifying(int features, Scored scored) {
        this.features = features;
        this.scored = scored;
        standardised = new double[features];
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
        double[][] served = new double[batch.size][];
        batch.forEachServingGroup(serving, (model, rows, count, slots) -> {
            double[][] probabilities = scored.call(model, rows, count, Predictor::classify);
            for (int j = 0; j < count; j++) {
                served[slots[j]] = probabilities[j];
            }
        });
        Predictor shadow = serving.shadow();
        double[][] shadowed = shadow == null ? null : scored.call(shadow, batch.rows, batch.size, Predictor::classify);
        long now = System.currentTimeMillis();
        for (int i = 0; i < batch.size; i++) {
            ScoringInput input = batch.inputs[i];
            scored.prediction(classified(input, batch.servedBy[i], served[i], now), batch.timestamps[i]);
            if (shadowed != null) {
                scored.shadowPrediction(classified(input, shadow, shadowed[i], now), batch.timestamps[i]);
            }
        }
    }

    private Prediction classified(ScoringInput input, Predictor model, double[] probabilities, long now) {
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
        return Prediction.classification(input.id(), input.key(), input.json(), predicted, byClass, version, now,
                now - input.ingestTimestamp());
    }

    @Override
    public void call(Predictor model, double[][] rows, int count) {
        model.classify(rows, count);
    }
}
