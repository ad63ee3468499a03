package dev.streampredict.registry;

import dev.streampredict.common.message.FeatureVector;
import dev.streampredict.model.ModelMetadata;
import dev.streampredict.model.RefusalReason;
import dev.streampredict.model.Task;

import java.io.Serializable;
import java.util.List;
import java.util.Objects;

/**
 * What a job's inputs look like, fixed when the job is submitted from the model it starts with: every later model
 * must read the same features for the same task, while its window, layers and training may differ. The one rule of
 * which models may serve beside which: the job, {@code model.sh publish} and the local stack all ask it here.
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
        if (!accepts(metadata)) {
            throw new Rejection(RefusalReason.MISMATCH, "model " + metadata.modelVersion() + " is a "
                    + describe(metadata.task(), metadata.features(), metadata.target()) + "; this job scores "
                    + describe(task, features, target) + ". Publish it to a job with those inputs (another "
                    + "registry topic), or train it on this job's features.");
        }
    }

    public boolean accepts(ModelMetadata metadata) {
        return metadata.task() == task && metadata.features().equals(features)
                && Objects.equals(metadata.target(), target);
    }

    private static String describe(Task task, List<String> features, String target) {
        return task + " model of features " + FeatureVector.Names.abbreviate(features)
                + (target != null ? " forecasting " + target : "");
    }

    @Override
    public String toString() {
        String count = features.size() > 8 ? features.size() + " features " : "";
        return task + " of " + count + FeatureVector.Names.abbreviate(features)
                + (target != null ? " -> next " + target : "");
    }
}
