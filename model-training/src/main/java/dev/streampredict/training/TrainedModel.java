package dev.streampredict.training;

import dev.streampredict.model.ModelArtifact;
import dev.streampredict.model.ModelMetadata;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;

import java.io.IOException;
import java.nio.file.Path;

/** A trained network with its metadata (including held-out metrics), ready to be saved as an artifact. */
public record TrainedModel(ModelMetadata metadata, MultiLayerNetwork network) {

    public void save(Path directory) throws IOException {
        ModelArtifact.save(directory, metadata, network);
    }
}
