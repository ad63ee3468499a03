package dev.streampredict.job.promotion;

import dev.streampredict.registry.ModelCommand;

import java.io.Serializable;
import java.util.Locale;
import java.util.Optional;

/**
 * When a candidate has earned promotion or rollback: once it and the stable model have each met at least
 * {@code minOutcomes} outcomes, a candidate whose mean error is below the stable one's by the promote margin is
 * promoted, and one above it by the rollback margin is rolled back; in between, the trial goes on.
 *
 * @param promoteMargin  e.g. 0.05: promote when the candidate's error is at most 95% of the stable one's
 * @param rollbackMargin e.g. 0.05: roll back when it is at least 105%
 */
public record PromotionRule(long minOutcomes, double promoteMargin, double rollbackMargin) implements Serializable {

    public PromotionRule {
        if (minOutcomes < 1 || promoteMargin < 0 || promoteMargin >= 1 || rollbackMargin < 0) {
            throw new IllegalArgumentException("automatic promotion needs at least 1 outcome, a promote margin in "
                    + "[0, 1) and a rollback margin >= 0; got " + minOutcomes + ", " + promoteMargin + ", "
                    + rollbackMargin);
        }
    }

    /** The command this trial has earned, with its numbers as the reason, or none yet. */
    public Optional<ModelCommand> decide(TrialReport totals) {
        if (Math.min(totals.stableOutcomes(), totals.candidateOutcomes()) < minOutcomes) {
            return Optional.empty();
        }
        double stable = totals.stableError() / totals.stableOutcomes();
        double candidate = totals.candidateError() / totals.candidateOutcomes();
        String numbers = String.format(Locale.ROOT, "%s %s %.4g over %d outcomes vs stable %s %.4g over %d",
                totals.candidate(), totals.classification() ? "error rate" : "MSE", candidate,
                totals.candidateOutcomes(), totals.stable(), stable, totals.stableOutcomes());
        if (candidate < stable && candidate <= (1 - promoteMargin) * stable) {
            return Optional.of(ModelCommand.of(ModelCommand.Action.PROMOTE, null, 0, String.format(Locale.ROOT,
                    "automatic: %s, better by more than %.0f%%", numbers, 100 * promoteMargin)));
        }
        if (candidate > stable && candidate >= (1 + rollbackMargin) * stable) {
            return Optional.of(ModelCommand.of(ModelCommand.Action.ROLLBACK, null, 0, String.format(Locale.ROOT,
                    "automatic: %s, worse by more than %.0f%%", numbers, 100 * rollbackMargin)));
        }
        return Optional.empty();
    }
}
