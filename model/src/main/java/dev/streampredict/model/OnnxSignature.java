package dev.streampredict.model;

import java.util.List;
import java.util.Objects;

/**
 * What the job needs to know about an ONNX model that its metadata's task does not say: the names of the input it
 * feeds and the output it reads, the input's shape, and what the outputs are. Checked against the file before the
 * model serves.
 *
 * @param input      name of the model's (only) input
 * @param inputShape its dimensions, the batch first: -1 for any batch size, 1 for a model that takes one row per
 *                   call; the others fixed, their product the width of one row (784 for {@code [-1, 1, 784]})
 * @param output     name of the output that holds the predictions
 * @param outputs    probabilities, logits or values
 */
public record OnnxSignature(String input, List<Long> inputShape, String output, OutputKind outputs) {

    private static final int MAX_RANK = 8;
    /** A row is a window or a feature vector: no wider than either may be. */
    private static final long MAX_ROW_WIDTH = Math.max(ModelLimits.MAX_WINDOW, ModelLimits.MAX_FEATURES);

    public OnnxSignature {
        ModelMetadata.require(Untrusted.isPlain(input, ModelLimits.MAX_NAME_LENGTH) && !input.isBlank(),
                "onnx.input", "needs the name of the model's input, got " + Untrusted.text(input));
        ModelMetadata.require(Untrusted.isPlain(output, ModelLimits.MAX_NAME_LENGTH) && !output.isBlank(),
                "onnx.output", "needs the name of the model's output, got " + Untrusted.text(output));
        ModelMetadata.require(outputs != null, "onnx.outputs", "is missing: PROBABILITIES, LOGITS or VALUES");
        ModelMetadata.require(inputShape != null && inputShape.size() >= 2 && inputShape.size() <= MAX_RANK
                        && inputShape.stream().allMatch(Objects::nonNull), "onnx.inputShape",
                "needs 2 to " + MAX_RANK + " dimensions, the batch first, got " + inputShape);
        inputShape = List.copyOf(inputShape);
        long batch = inputShape.get(0);
        ModelMetadata.require(batch == -1 || batch == 1, "onnx.inputShape", "starts with the batch: -1 (any size) "
                + "or 1 (one row per call), got " + batch);
        long width = 1;
        for (long dimension : inputShape.subList(1, inputShape.size())) {
            ModelMetadata.require(dimension >= 1, "onnx.inputShape", "needs every dimension after the batch fixed "
                    + "and positive, got " + inputShape);
            width *= Math.min(dimension, MAX_ROW_WIDTH + 1);
            ModelMetadata.require(width <= MAX_ROW_WIDTH, "onnx.inputShape", "describes rows of more than "
                    + MAX_ROW_WIDTH + " values, more than the format allows: " + inputShape);
        }
    }

    /** Values in one row: the product of the dimensions after the batch. */
    public int rowWidth() {
        long width = 1;
        for (long dimension : inputShape.subList(1, inputShape.size())) {
            width *= dimension;
        }
        return Math.toIntExact(width);
    }

    /**
     * The values in one row of a tensor of {@code shape}, the batch first: the product of the other dimensions, or
     * -1 when one of them is named (dynamic) and so not fixed by the file.
     */
    public static long widthAfterBatch(long[] shape) {
        long width = 1;
        for (int i = 1; i < shape.length; i++) {
            if (shape[i] < 0) {
                return -1;
            }
            width *= shape[i];
        }
        return width;
    }

    /** A model exported with a batch of exactly 1 is scored one row per call. */
    public boolean oneRowPerCall() {
        return inputShape.get(0) == 1;
    }

    /** The shape of a call with {@code rows} rows. */
    long[] shapeOf(int rows) {
        long[] shape = inputShape.stream().mapToLong(Long::longValue).toArray();
        shape[0] = rows;
        return shape;
    }
}
