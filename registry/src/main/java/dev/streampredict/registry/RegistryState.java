package dev.streampredict.registry;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.streampredict.model.ModelArchive;
import dev.streampredict.model.RefusalReason;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What a reader of the registry topic knows after applying its records in order: the serving policy, and the
 * archives of the versions it may need. Archives the policy does not name are kept only for the
 * {@value #UNREFERENCED_KEPT} latest versions, so that a command may follow its artifact, while state stays bounded.
 * The job keeps this in broadcast state; the {@code model} CLI rebuilds it to show what serves.
 */
public final class RegistryState {

    static final int UNREFERENCED_KEPT = 3;
    private static final String POLICY_KEY = "policy";
    private static final String ARTIFACT_PREFIX = "artifact:";
    private static final ObjectMapper JSON = JsonMapper.builder().build();

    /** Decides whether an archive may serve: {@link ModelCheck} opens, loads and probes it, as a job does. */
    @FunctionalInterface
    public interface ArtifactCheck {
        void check(String version, byte[] archive) throws Rejection;

        /** The registry now holds only these versions: a check that keeps what it loaded may drop the rest. */
        default void retainOnly(Set<String> versions) {
        }
    }

    private ServingPolicy policy = ServingPolicy.empty();
    /** How many times the policy changed: names a policy, the same in every reader of the same records. */
    private long policySerial;
    /** Publication order: the oldest unreferenced archives go first. */
    private final Map<String, byte[]> archives = new LinkedHashMap<>();

    /** A registry holding one archive, as the stable version; the archive must already have passed its check. */
    public static RegistryState withStable(ModelArchive archive) {
        RegistryState state = new RegistryState();
        state.archives.put(archive.version(), archive.bytes());
        state.policy = new ServingPolicy(archive.version(), null, ServingPolicy.Mode.NONE, 0, List.of());
        state.policySerial = 1;
        return state;
    }

    public ServingPolicy policy() {
        return policy;
    }

    public long policySerial() {
        return policySerial;
    }

    public byte[] archive(String version) {
        return archives.get(version);
    }

    public Set<String> versions() {
        return Collections.unmodifiableSet(archives.keySet());
    }

    /**
     * Applies one record. An artifact is checked first; a command must name versions held here. Total: whatever
     * the record holds, this either applies it or throws the {@link Rejection} that says why not.
     *
     * @return whether the serving policy changed
     * @throws Rejection why the record was not applied; this state is then unchanged
     */
    public boolean apply(RegistryEntry entry, ArtifactCheck check) throws Rejection {
        try {
            boolean changed = applyChecked(entry, check);
            check.retainOnly(versions());
            return changed;
        } catch (RuntimeException e) { // a check or command that failed in a way no reason foresaw
            throw new Rejection(RefusalReason.UNREADABLE, "applying " + describe(entry) + " failed ("
                    + e.getClass().getSimpleName() + ": " + e.getMessage() + ")", e);
        }
    }

    private static String describe(RegistryEntry entry) {
        if (entry instanceof RegistryEntry.Artifact artifact) {
            return "artifact " + artifact.version();
        }
        return entry instanceof RegistryEntry.Command command ? "command '" + command.command() + "'" : "a record";
    }

    private boolean applyChecked(RegistryEntry entry, ArtifactCheck check) throws Rejection {
        if (entry instanceof RegistryEntry.Artifact artifact) {
            check.check(artifact.version(), artifact.archive());
            archives.remove(artifact.version()); // a re-publication counts as the latest
            archives.put(artifact.version(), artifact.archive());
            prune();
            return false;
        }
        if (entry instanceof RegistryEntry.Command command) {
            ServingPolicy next = policy.apply(command.command(), archives::containsKey);
            boolean changed = !next.equals(policy);
            policy = next;
            if (changed) {
                policySerial++;
            }
            prune();
            return changed;
        }
        RegistryEntry.Invalid invalid = (RegistryEntry.Invalid) entry;
        throw new Rejection(invalid.reason(), invalid.detail());
    }

    private void prune() {
        Set<String> needed = policy.versions();
        List<String> unreferenced = new ArrayList<>();
        for (String version : archives.keySet()) {
            if (!needed.contains(version)) {
                unreferenced.add(version);
            }
        }
        for (int i = 0; i < unreferenced.size() - UNREFERENCED_KEPT; i++) {
            archives.remove(unreferenced.get(i));
        }
    }

    /** This state as named byte arrays, for Flink's broadcast state (a {@code MapState<String, byte[]>}). */
    public Map<String, byte[]> toEntries() {
        Map<String, byte[]> entries = new LinkedHashMap<>();
        try {
            entries.put(POLICY_KEY, JSON.writeValueAsBytes(new Stored(policy, policySerial,
                    List.copyOf(archives.keySet()))));
        } catch (IOException e) {
            throw new IllegalStateException("a policy is always serialisable", e);
        }
        archives.forEach((version, archive) -> entries.put(ARTIFACT_PREFIX + version, archive));
        return entries;
    }

    /** The inverse of {@link #toEntries()}; an empty map gives an empty state. */
    public static RegistryState fromEntries(Map<String, byte[]> entries) {
        RegistryState state = new RegistryState();
        byte[] stored = entries.get(POLICY_KEY);
        if (stored == null) {
            return state;
        }
        try {
            Stored read = JSON.readValue(stored, Stored.class);
            state.policy = read.policy();
            state.policySerial = read.policySerial();
            for (String version : read.order()) {
                state.archives.put(version, entries.get(ARTIFACT_PREFIX + version));
            }
        } catch (IOException e) {
            throw new IllegalStateException("the registry state in this checkpoint is unreadable", e);
        }
        return state;
    }

    private record Stored(ServingPolicy policy, long policySerial, List<String> order) {
    }
}
