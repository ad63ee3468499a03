package dev.streampredict.model;

/** What a model does with an input. */
public enum Task {
    /** Forecast the next value of one series from a sliding window of its last values. */
    REGRESSION,
    /** Assign one feature vector to a class; no window. */
    CLASSIFICATION
}
