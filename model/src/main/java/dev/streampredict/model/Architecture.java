package dev.streampredict.model;

/**
 * How a DL4J forecaster reads its window. A multilayer perceptron takes the window as one flat row; an LSTM and a
 * causal 1-D convolution take it as a sequence, one channel (the series) over the window's time steps.
 */
public enum Architecture {
    /** Dense layers over the window as a row: the default, and every artifact from before the choice. */
    MLP,
    /** An LSTM read at its last time step. */
    LSTM,
    /** Causal 1-D convolutions whose last time step sees the last 16 steps (the default window). */
    CNN;

    /** Whether the network takes its input as {@code [rows, channels, time steps]} rather than a row. */
    public boolean readsSequence() {
        return this != MLP;
    }
}
