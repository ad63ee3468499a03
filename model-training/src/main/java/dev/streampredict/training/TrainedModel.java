package dev.streampredict.training;

import dev.streampredict.model.ModelArtifact;
import dev.streampredict.model.ModelMetadata;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;

import java.io.IOException;
import java.nio.file.Path;

/**
 * A trained network with its metadata (including held-out metrics), ready to be saved as an artifact, and what its
 * training measured ({@code null} for an imported model).
 */
public record TrainedModel(ModelMetadata metadata, MultiLayerNetwork network, ModelEvaluation evaluation) {

    /** Writes the artifact, and {@value ModelEvaluation#FILE} beside it. */
    public void save(Path directory) throws IOException {
        ModelArtifact.save(directory, metadata, network);
        if (evaluation != null) {
            evaluation.write(directory.resolve(ModelEvaluation.FILE));
        }
    }

    public TrainedModel withCrossValidation(ModelEvaluation.CrossValidation cv) {
        return new TrainedModel(metadata, network, evaluation.withCrossValidation(cv));
    }
}
