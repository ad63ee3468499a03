package dev.streampredict.model;

/**
 * What runs a model's network: a batch of rows in, a batch of outputs out. Everything that scores goes through
 * this, so another embedded runtime is one implementation (and its tests) beside {@link Dl4jRuntime}.
 *
 * <p>Not thread-safe: each Flink subtask holds its own.
 */
public interface InferenceRuntime extends AutoCloseable {

    /** Values in one input row. */
    int inputWidth();

    /** Values in one output row. */
    int outputWidth();

    /**
     * The outputs of the first {@code count} rows, row after row ({@code count * outputWidth()} values).
     *
     * @param rows row after row, {@link #inputWidth()} values each; may be longer than {@code count} rows
     */
    double[] run(float[] rows, int count);

    /** Releases native memory the runtime holds; the runtime is not used after. */
    @Override
    void close();
}
