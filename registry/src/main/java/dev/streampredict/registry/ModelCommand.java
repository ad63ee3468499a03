package dev.streampredict.registry;

import dev.streampredict.model.Untrusted;

import java.util.Locale;

/**
 * A change of serving policy, as written to the registry topic after the artifacts it names.
 *
 * @param action   what to change
 * @param version  {@code STABLE}, {@code CANARY}, {@code SHADOW}: the version it names; otherwise {@code null}
 * @param percent  {@code CANARY}: the share of keys, 1-99, that the candidate serves; otherwise 0
 * @param reason   why, for the log: who asked, or the numbers behind an automatic decision
 * @param issuedAt epoch milliseconds
 */
public record ModelCommand(Action action, String version, int percent, String reason, long issuedAt) {

    public enum Action {
        /** Serve {@code version} to every key; a candidate of the same version is no longer a candidate. */
        STABLE,
        /** Serve {@code version} to {@code percent}% of keys, chosen by a stable hash of the key. */
        CANARY,
        /** Score every input with {@code version} too; its predictions go to the shadow topic only. */
        SHADOW,
        /** The candidate becomes the stable model. */
        PROMOTE,
        /** Drop the candidate; without one, go back to the previous stable model. */
        ROLLBACK;

        public String label() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    public ModelCommand {
        if (action == null) {
            throw new IllegalArgumentException("a model command needs an action: one of stable, canary, shadow, "
                    + "promote, rollback");
        }
        boolean namesVersion = action == Action.STABLE || action == Action.CANARY || action == Action.SHADOW;
        if (namesVersion && (version == null || version.isBlank())) {
            throw new IllegalArgumentException(action.label() + " needs the model version it applies to");
        }
        if (action == Action.CANARY && (percent < 1 || percent > 99)) {
            throw new IllegalArgumentException("canary needs a share of keys from 1 to 99 percent, got " + percent
                    + " (0 is a rollback, 100 a promotion)");
        }
    }

    public static ModelCommand of(Action action, String version, int percent, String reason) {
        return new ModelCommand(action, version, percent, reason, System.currentTimeMillis());
    }

    @Override
    public String toString() {
        return action.label() + (version != null ? " " + Untrusted.text(version) : "")
                + (percent > 0 ? " " + percent + "%" : "")
                + (reason != null ? " (" + Untrusted.text(reason) + ")" : "");
    }
}
