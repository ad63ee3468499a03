package dev.streampredict.job.inference;

import dev.streampredict.job.metrics.ScoringMetrics;
import dev.streampredict.model.Predictor;
import dev.streampredict.registry.ServingPolicy;

import java.util.LinkedHashMap;
import java.util.Map;

/** The loaded models a serving policy names, as one subtask scores with them between two swaps. */
final class ServingModels {

    final ServingPolicy policy;
    final Predictor stable;
    /** The canary or shadow, or {@code null}. */
    final Predictor candidate;

    ServingModels(ServingPolicy policy, Predictor stable, Predictor candidate) {
        this.policy = policy;
        this.stable = stable;
        this.candidate = candidate;
    }

    /** The model that answers for {@code key}. */
    Predictor serving(String key) {
        return candidate != null && candidate.metadata().modelVersion().equals(policy.servingVersion(key))
                ? candidate : stable;
    }

    /** The model that scores every input beside the serving one, or {@code null}. */
    Predictor shadow() {
        return policy.shadowVersion() != null ? candidate : null;
    }

    boolean canary() {
        return policy.mode() == ServingPolicy.Mode.CANARY;
    }

    /** Regression: the most past values any of these models reads. */
    int widestWindow() {
        return Math.max(stable.metadata().windowSize(), candidate != null ? candidate.metadata().windowSize() : 0);
    }

    Map<String, ScoringMetrics.Role> roles() {
        Map<String, ScoringMetrics.Role> roles = new LinkedHashMap<>();
        roles.put(policy.stable(), ScoringMetrics.Role.STABLE);
        if (candidate != null) {
            roles.put(policy.candidate(), canary() ? ScoringMetrics.Role.CANARY : ScoringMetrics.Role.SHADOW);
        }
        return roles;
    }
}
