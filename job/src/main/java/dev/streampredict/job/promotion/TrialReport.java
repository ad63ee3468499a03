package dev.streampredict.job.promotion;

/**
 * One subtask's outcomes of a trial so far: the stable model and a candidate (canary or shadow) met by the values
 * or labels that followed their predictions, since the policy that started the trial took effect there.
 *
 * @param trial        the serial number of that policy in the registry, the same in every subtask
 * @param error        squared errors (regression) or wrong classes (classification), summed
 */
public record TrialReport(long trial, int subtask, String stable, String candidate, boolean classification,
                          long stableOutcomes, double stableError, long candidateOutcomes, double candidateError) {

    /** The sum of this report and another subtask's of the same trial. */
    TrialReport plus(TrialReport other) {
        return new TrialReport(trial, -1, stable, candidate, classification, stableOutcomes + other.stableOutcomes,
                stableError + other.stableError, candidateOutcomes + other.candidateOutcomes,
                candidateError + other.candidateError);
    }
}
