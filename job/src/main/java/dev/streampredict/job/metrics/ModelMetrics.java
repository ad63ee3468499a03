package dev.streampredict.job.metrics;

import dev.streampredict.common.message.RejectReason;
import dev.streampredict.model.RefusalReason;
import dev.streampredict.model.Task;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.MetricGroup;

import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Metrics of the scoring operator as a whole: inputs not scored (duplicates, model failures), registry records
 * refused (by reason, registered up front so that a dashboard shows 0 before the first), swaps of the serving
 * policy, and one {@link ScoringMetrics} per model version that has served or shadowed here.
 */
public final class ModelMetrics {

    public static final String MODEL_REJECTED = "model_rejected_total";
    public static final String MODEL_SWAPS = "model_swaps_total";

    private final MetricGroup group;
    /** Inputs the scorer did not score, by reason: repeated ids and the model's failures. */
    private final Map<RejectReason, Counter> notScored = new EnumMap<>(RejectReason.class);
    private final Counter swaps;
    private final Map<RefusalReason, Counter> rejected = new EnumMap<>(RefusalReason.class);
    private final Map<String, ScoringMetrics> versions = new HashMap<>();
    private final Task task;

    /** @param task what every version of this job does: its versions report that task's errors and baseline */
    public ModelMetrics(MetricGroup group, Task task) {
        this.group = group;
        this.task = task;
        for (RejectReason reason : List.of(RejectReason.DUPLICATE_ID, RejectReason.MODEL_ERROR,
                RejectReason.NON_FINITE_PREDICTION)) {
            notScored.put(reason, group.addGroup(InputMetrics.REASON, reason.label())
                    .counter(InputMetrics.INVALID_RECORDS));
        }
        swaps = group.counter(MODEL_SWAPS);
        for (RefusalReason reason : RefusalReason.values()) {
            rejected.put(reason, group.addGroup(InputMetrics.REASON, reason.label()).counter(MODEL_REJECTED));
        }
    }

    public void notScored(RejectReason reason) {
        notScored.get(reason).inc();
    }

    public void rejected(RefusalReason reason) {
        rejected.get(reason).inc();
    }

    /** A new serving policy took effect: each version's role gauge changes to {@code roles}, others retire. */
    public void swapped(Map<String, ScoringMetrics.Role> roles) {
        swaps.inc();
        versions.values().forEach(m -> m.role(ScoringMetrics.Role.RETIRED));
        roles.forEach((version, role) -> of(version).role(role));
    }

    /** The metrics of one version, registered when it first serves. */
    public ScoringMetrics of(String version) {
        return versions.computeIfAbsent(version, v -> new ScoringMetrics(group, v, task));
    }
}
