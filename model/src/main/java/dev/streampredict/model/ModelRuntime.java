package dev.streampredict.model;

import java.util.Locale;

/**
 * Which embedded runtime scores a model version, and the file of the artifact it reads: chosen per version by its
 * {@code model.json}, so that versions of both kinds can serve side by side (canary, shadow) in one job.
 */
public enum ModelRuntime {

    /** A DL4J {@code MultiLayerNetwork} as {@code ModelSerializer} writes it: what training and Keras import make. */
    DL4J("network.zip"),
    /** An ONNX model, run by ONNX Runtime's Java API: what PyTorch, TensorFlow and scikit-learn export. */
    ONNX("model.onnx");

    private final String fileName;

    ModelRuntime(String fileName) {
        this.fileName = fileName;
    }

    /** The artifact's file that holds the network. */
    public String fileName() {
        return fileName;
    }

    /** Loads a network file of this runtime, checked against the metadata and the limits before it may serve. */
    InferenceRuntime load(byte[] file, ModelMetadata metadata, ModelLimits limits, String where) {
        return switch (this) {
            case DL4J -> Dl4jRuntime.read(file, metadata, limits, where);
            case ONNX -> OnnxRuntime.read(file, metadata, limits, where);
        };
    }

    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
