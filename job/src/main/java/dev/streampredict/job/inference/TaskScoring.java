package dev.streampredict.job.inference;

import dev.streampredict.job.records.ScoringInput;
import dev.streampredict.model.Predictor;

/**
 * What one kind of model does with the inputs of a batch: the only place that knows a regression from a
 * classification. A new kind of model is a new implementation; the scorer around it batches, swaps models and
 * reports.
 */
sealed interface TaskScoring permits SeriesForecasting, Classifying {

    /** Values in each input row for {@code model}. */
    int width(Predictor model);

    /** Values in each input row for all of {@code serving}. */
    int width(ServingModels serving);

    /** Writes the input's row into slot {@code slot} of the batch, keeping whatever per-key state the task needs. */
    void add(ScoringInput input, int slot, Batch batch) throws Exception;

    /** Scores the batch with the models serving each slot (and the shadow) and reports every prediction. */
    void score(Batch batch, ServingModels serving) throws Exception;

    /** One model call, for the warm-up: its result is not used. */
    void call(Predictor model, double[][] rows, int count);
}
