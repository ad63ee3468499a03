package dev.streampredict.registry;

import dev.streampredict.model.RefusalReason;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Predicate;
import java.util.zip.CRC32C;

/**
 * Which model version serves which key: a stable version, and at most one candidate beside it, either as a canary
 * (serving a fixed share of keys) or as a shadow (scoring every input without serving). Immutable; every command
 * gives a new policy or is refused with the reason.
 *
 * @param stable          serves every key the candidate does not; {@code null} only before the first model
 * @param candidate       the version tried beside the stable one, or {@code null}
 * @param mode            how the candidate is tried; {@link Mode#NONE} without one
 * @param canaryPercent   {@link Mode#CANARY}: share of keys the candidate serves
 * @param previousStables earlier stable versions, latest first, for rollback (at most {@value #HISTORY})
 */
public record ServingPolicy(String stable, String candidate, Mode mode, int canaryPercent,
                            List<String> previousStables) {

    public enum Mode { NONE, CANARY, SHADOW }

    static final int HISTORY = 3;

    public ServingPolicy {
        previousStables = List.copyOf(previousStables);
    }

    public static ServingPolicy empty() {
        return new ServingPolicy(null, null, Mode.NONE, 0, List.of());
    }

    /**
     * The policy after {@code command}.
     *
     * @param available whether the registry holds a valid artifact of a version
     * @throws Rejection saying why the command cannot apply; the policy is then unchanged
     */
    public ServingPolicy apply(ModelCommand command, Predicate<String> available) throws Rejection {
        String version = command.version();
        if (version != null && !available.test(version)) {
            throw new Rejection(RefusalReason.UNKNOWN_VERSION, command.action().label() + " names version " + version
                    + ", which has not been published or was rejected");
        }
        return switch (command.action()) {
            case STABLE -> version.equals(stable) ? withoutCandidate(version) : withStable(version);
            case CANARY, SHADOW -> {
                if (version.equals(stable)) {
                    throw new Rejection(RefusalReason.INVALID_COMMAND, version + " is already the stable version");
                }
                Mode tried = command.action() == ModelCommand.Action.CANARY ? Mode.CANARY : Mode.SHADOW;
                yield new ServingPolicy(stable, version, tried, command.percent(), previousStables);
            }
            case PROMOTE -> {
                if (candidate == null) {
                    throw new Rejection(RefusalReason.INVALID_COMMAND, "there is no canary or shadow to promote");
                }
                yield withStable(candidate);
            }
            case ROLLBACK -> {
                if (candidate != null) {
                    yield withoutCandidate(stable);
                }
                if (previousStables.isEmpty()) {
                    throw new Rejection(RefusalReason.INVALID_COMMAND, "there is no candidate and no earlier stable "
                            + "version to roll back to");
                }
                yield new ServingPolicy(previousStables.get(0), null, Mode.NONE, 0,
                        previousStables.subList(1, previousStables.size()));
            }
        };
    }

    private ServingPolicy withStable(String version) {
        List<String> history = new ArrayList<>();
        if (stable != null) {
            history.add(stable);
        }
        for (String earlier : previousStables) {
            if (history.size() < HISTORY && !earlier.equals(version) && !history.contains(earlier)) {
                history.add(earlier);
            }
        }
        return new ServingPolicy(version, null, Mode.NONE, 0, history);
    }

    private ServingPolicy withoutCandidate(String version) {
        return new ServingPolicy(version, null, Mode.NONE, 0, previousStables);
    }

    /** The version that serves {@code key}: the canary for its share of keys, otherwise the stable version. */
    public String servingVersion(String key) {
        return mode == Mode.CANARY && canaryBucket(key) < canaryPercent ? candidate : stable;
    }

    /** The version that scores every input without serving, or {@code null}. */
    public String shadowVersion() {
        return mode == Mode.SHADOW ? candidate : null;
    }

    /** Every version this policy may need: serving, shadow and rollback targets. */
    public Set<String> versions() {
        Set<String> versions = new LinkedHashSet<>();
        if (stable != null) {
            versions.add(stable);
        }
        if (candidate != null) {
            versions.add(candidate);
        }
        versions.addAll(previousStables);
        return versions;
    }

    /**
     * A key's bucket from 0 to 99, the same in every run and every JVM. CRC32C, not {@code hashCode}: Flink assigns
     * keys to subtasks by a hash of {@code hashCode}, and a canary share must not line up with subtasks.
     */
    public static int canaryBucket(String key) {
        CRC32C crc = new CRC32C();
        crc.update(key.getBytes(StandardCharsets.UTF_8));
        return (int) (crc.getValue() % 100);
    }

    @Override
    public String toString() {
        String tried = switch (mode) {
            case NONE -> "";
            case CANARY -> ", canary " + candidate + " on " + canaryPercent + "% of keys";
            case SHADOW -> ", shadow " + candidate;
        };
        return "stable " + stable + tried;
    }
}
