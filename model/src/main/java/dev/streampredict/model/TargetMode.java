package dev.streampredict.model;

/** What a regression network sees and predicts. */
public enum TargetMode {
    /** Standardised levels in, standardised next level out. */
    LEVEL,
    /** Standardised step-to-step differences in, next difference out; the forecast is last value + difference. */
    DIFFERENCE
}
