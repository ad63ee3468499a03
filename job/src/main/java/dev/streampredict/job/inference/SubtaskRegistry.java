package dev.streampredict.job.inference;

import dev.streampredict.model.Predictor;
import dev.streampredict.registry.ModelCheck;
import dev.streampredict.registry.RegistryEntry;
import dev.streampredict.registry.RegistryState;
import dev.streampredict.registry.Rejection;
import dev.streampredict.registry.ServingPolicy;
import org.apache.flink.api.common.state.BroadcastState;

import java.util.HashMap;
import java.util.Map;

/**
 * The model registry as a scoring subtask holds it: the records applied so far, kept in broadcast state so that
 * every subtask, restart and savepoint restore sees the same models (nothing is re-read from a path); each artifact
 * checked as it arrives; and the loaded models its policy names.
 */
final class SubtaskRegistry {

    private final BroadcastState<String, byte[]> state;
    private final RegistryState registry;
    private final ModelCheck check;
    private final boolean fresh;
    private boolean policyChanged;

    /**
     * The registry in {@code state}, or, in a new job (or one restored from a savepoint taken before the registry),
     * {@code initial}, which is written to the state.
     */
    SubtaskRegistry(BroadcastState<String, byte[]> state, Map<String, byte[]> initial, ModelCheck check)
            throws Exception {
        this.state = state;
        this.check = check;
        Map<String, byte[]> restored = new HashMap<>();
        state.entries().forEach(e -> restored.put(e.getKey(), e.getValue()));
        fresh = restored.isEmpty();
        registry = RegistryState.fromEntries(fresh ? initial : restored);
        if (fresh) {
            save();
        }
    }

    /** A new job, not a restored one. */
    boolean fresh() {
        return fresh;
    }

    /**
     * Applies one record, after checking it: an artifact is loaded and probed.
     *
     * @return whether the serving policy changed
     * @throws Rejection with the reason, leaving the registry as it was
     */
    boolean apply(RegistryEntry entry) throws Exception {
        boolean changed = registry.apply(entry, check);
        save();
        policyChanged |= changed;
        return changed;
    }

    ServingPolicy policy() {
        return registry.policy();
    }

    long policySerial() {
        return registry.policySerial();
    }

    /** Whether the policy changed since {@link #serving()} was last asked. */
    boolean policyChanged() {
        return policyChanged;
    }

    /** The loaded models the policy names now. */
    ServingModels serving() {
        policyChanged = false;
        ServingPolicy policy = registry.policy();
        return new ServingModels(policy, loaded(policy.stable()),
                policy.candidate() != null ? loaded(policy.candidate()) : null);
    }

    /** The loaded model of a version the registry accepted. */
    Predictor loaded(String version) {
        return check.predictor(version, registry);
    }

    private void save() throws Exception {
        state.clear();
        state.putAll(registry.toEntries());
    }

    /** Closes the loaded models. */
    void close() {
        check.close();
    }
}
