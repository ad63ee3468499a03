package dev.streampredict.registry;

import dev.streampredict.common.message.FeatureVector;
import dev.streampredict.model.CalendarFeature;
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
 * @param calendar regression: the cycles of each value's event time read beside the features (the job computes them,
 *                 and keeps their windows in state like the features'); empty without
 */
public record InputSchema(Task task, List<String> features, String target, List<CalendarFeature> calendar)
        implements Serializable {

    public InputSchema {
        features = List.copyOf(features);
        calendar = calendar == null ? List.of() : List.copyOf(calendar);
    }

    /** A schema without calendar cycles. */
    public InputSchema(Task task, List<String> features, String target) {
        this(task, features, target, null);
    }

    public static InputSchema of(ModelMetadata metadata) {
        return new InputSchema(metadata.task(), metadata.features(), metadata.target(), metadata.calendar());
    }

    /** Throws {@code mismatch} unless a model with this metadata can score this job's inputs. */
    public void check(ModelMetadata metadata) throws Rejection {
        if (!accepts(metadata)) {
            throw new Rejection(RefusalReason.MISMATCH, "model " + metadata.modelVersion() + " is a "
                    + describe(metadata.task(), metadata.features(), metadata.target(), metadata.calendar())
                    + "; this job scores " + describe(task, features, target, calendar) + ". Publish it to a job "
                    + "with those inputs (another registry topic), or train it on this job's features.");
        }
    }

    public boolean accepts(ModelMetadata metadata) {
        return metadata.task() == task && metadata.features().equals(features)
                && Objects.equals(metadata.target(), target) && metadata.calendar().equals(calendar);
    }

    private static String describe(Task task, List<String> features, String target, List<CalendarFeature> calendar) {
        return task + " model of features " + FeatureVector.Names.abbreviate(features)
                + (calendar.isEmpty() ? "" : " and calendar " + calendar)
                + (target != null ? " forecasting " + target : "");
    }

    @Override
    public String toString() {
        String count = features.size() > 8 ? features.size() + " features " : "";
        return task + " of " + count + FeatureVector.Names.abbreviate(features)
                + (target != null ? " -> next " + target : "");
    }
}
