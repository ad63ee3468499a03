package dev.streampredict.job.promotion;

/**
 * Counts, in one subtask, the outcomes of the stable model and of the candidate tried beside it, from the moment
 * their policy takes effect. Regression outcomes are squared errors; classification outcomes are 1 for a wrong
 * class, 0 for a right one.
 */
public final class Trial {

    private final long id;
    private final String stable;
    private final String candidate;
    private final boolean classification;
    private long stableOutcomes;
    private double stableError;
    private long candidateOutcomes;
    private double candidateError;

    public Trial(long id, String stable, String candidate, boolean classification) {
        this.id = id;
        this.stable = stable;
        this.candidate = candidate;
        this.classification = classification;
    }

    /** A prediction of {@code version} met its outcome; versions outside the trial are not counted. */
    public void outcome(String version, double error) {
        if (version.equals(stable)) {
            stableOutcomes++;
            stableError += error;
        } else if (version.equals(candidate)) {
            candidateOutcomes++;
            candidateError += error;
        }
    }

    public TrialReport report(int subtask) {
        return new TrialReport(id, subtask, stable, candidate, classification, stableOutcomes, stableError,
                candidateOutcomes, candidateError);
    }
}
