package dev.streampredict.job.inference;

import dev.streampredict.common.message.FeatureVector;
import dev.streampredict.model.ModelMetadata;
import dev.streampredict.model.Task;
import dev.streampredict.model.registry.Rejection;

import java.io.Serializable;
import java.util.List;

/**
 * What the job's inputs look like, fixed when the job is submitted from the model it starts with: every later
 * model must read the same features for the same task, while its window, layers and training may differ.
 *
 * @param features the features each input carries, in the order scoring sees them
 * @param target   regression: the feature whose next value is forecast; classification: {@code null}
 */
public record InputSchema(Task task, List<String> features, String target) implements Serializable {

    public InputSchema {
        features = List.copyOf(features);
    }

    public static InputSchema of(ModelMetadata metadata) {
        return new InputSchema(metadata.task(), metadata.features(), metadata.target());
    }

    /** Throws {@code mismatch} unless a model with this metadata can score this job's inputs. */
    public void check(ModelMetadata metadata) throws Rejection {
        if (metadata.task() != task || !metadata.features().equals(features)
                || (task == Task.REGRESSION && !metadata.target().equals(target))) {
            throw new Rejection("mismatch", "model " + metadata.modelVersion() + " is a " + metadata.task()
                    + " model of features " + metadata.features()
                    + (metadata.target() != null ? " forecasting " + metadata.target() : "") + "; this job scores "
                    + task + " inputs of features " + features + (target != null ? " forecasting " + target : "")
                    + ". Publish it to a job with those inputs, or train it on this job's features.");
        }
    }

    @Override
    public String toString() {
        String count = features.size() > 8 ? features.size() + " features " : "";
        return task + " of " + count + FeatureVector.Names.abbreviate(features)
                + (target != null ? " -> next " + target : "");
    }
}
