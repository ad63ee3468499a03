package dev.streampredict.model;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.Arrays;
import java.util.Map;
import java.util.Set;

/**
 * An ONNX model run by ONNX Runtime's Java API on the CPU: one session per subtask, fed a micro-batch per call
 * (or one row per call when the model was exported with a batch of 1). Before it may serve, the file must open and
 * its input and output must be what the metadata says: name, element type, and a shape whose rows are as wide as
 * the job's.
 */
final class OnnxRuntime implements InferenceRuntime {

    private static final Logger LOG = LoggerFactory.getLogger(OnnxRuntime.class);

    private final OrtEnvironment environment;
    private final OrtSession.SessionOptions options;
    private final OrtSession session;
    private final OnnxSignature signature;
    private final int inputWidth;
    private final int outputWidth;
    /** Rows as ONNX Runtime reads them without a copy: native order, off the heap; grown for larger batches. */
    private FloatBuffer direct = FloatBuffer.allocate(0);

    private OnnxRuntime(OrtEnvironment environment, OrtSession.SessionOptions options, OrtSession session,
                        OnnxSignature signature, int outputWidth) {
        this.environment = environment;
        this.options = options;
        this.session = session;
        this.signature = signature;
        this.inputWidth = signature.rowWidth();
        this.outputWidth = outputWidth;
    }

    /**
     * Opens an ONNX file and checks it against the metadata and the memory budget.
     *
     * @param where names the file in messages
     * @throws ModelArtifactException with the reason, if it may not or cannot serve
     */
    static OnnxRuntime read(byte[] file, ModelMetadata metadata, ModelLimits limits, String where) {
        OnnxSignature signature = metadata.onnx();
        // weights as stored, once more as the session's copy, and a batch's inputs and outputs as floats and doubles
        long needed = 2L * file.length
                + (long) limits.batchRows() * (metadata.networkInputs() + metadata.networkOutputs()) * 12;
        if (needed > limits.memoryBudget()) {
            throw new ModelArtifactException(RefusalReason.OVER_BUDGET, "ONNX model " + where + " would take about "
                    + ModelLimits.megabytes(needed) + " in a task, over the memory budget of a model, "
                    + ModelLimits.megabytes(limits.memoryBudget()) + "; " + ModelLimits.BUDGET_SETTING + " raises it");
        }
        OrtEnvironment environment = OrtEnvironment.getEnvironment();
        OrtSession.SessionOptions options = new OrtSession.SessionOptions();
        OrtSession session = null;
        try {
            options.setIntraOpNumThreads(limits.threads());
            options.setInterOpNumThreads(1);
            options.setExecutionMode(OrtSession.SessionOptions.ExecutionMode.SEQUENTIAL);
            // idle pool threads would spin on the task slot's cores, between batches too
            options.addConfigEntry("session.intra_op.allow_spinning", "0");
            session = environment.createSession(file, options);
            checkSignature(session, metadata, where);
            OnnxRuntime runtime = new OnnxRuntime(environment, options, session, signature,
                    metadata.networkOutputs());
            if (signature.oneRowPerCall()) {
                LOG.info("ONNX model {} takes a batch of exactly 1 ({}): it is scored one row per call, slower than "
                        + "a model exported with a dynamic batch dimension", metadata.modelVersion(),
                        signature.inputShape());
            }
            return runtime;
        } catch (ModelArtifactException e) {
            close(session, options);
            throw e;
        } catch (OrtException | RuntimeException e) {
            close(session, options);
            throw refusal(e, where);
        }
    }

    /** Refuses a model whose input or output is not what the metadata says. */
    private static void checkSignature(OrtSession session, ModelMetadata metadata, String where) throws OrtException {
        OnnxSignature signature = metadata.onnx();
        Map<String, NodeInfo> inputs = session.getInputInfo();
        if (inputs.size() != 1 || !inputs.containsKey(signature.input())) {
            throw mismatch(where, "has the inputs " + Untrusted.text(inputs.keySet().toString()) + "; its metadata "
                    + "names one, '" + signature.input() + "'. Import it again with the input's name");
        }
        TensorInfo input = tensor(inputs.get(signature.input()), "input", where);
        long[] shape = input.getShape();
        boolean fits = shape.length == signature.inputShape().size()
                && (shape[0] < 0 || (shape[0] == 1 && signature.oneRowPerCall()));
        for (int i = 1; fits && i < shape.length; i++) {
            // a named dimension (-1) takes the size the metadata fixes
            fits = shape[i] < 0 || shape[i] == signature.inputShape().get(i);
        }
        if (!fits) {
            throw mismatch(where, "takes input '" + signature.input() + "' of shape " + Arrays.toString(shape)
                    + " (-1: any size); the job gives " + signature.inputShape() + ", rows of "
                    + metadata.networkInputs() + " values. Import it again with the window or features it reads");
        }
        Map<String, NodeInfo> outputs = session.getOutputInfo();
        if (!outputs.containsKey(signature.output())) {
            throw mismatch(where, "has no output '" + signature.output() + "', only "
                    + Untrusted.text(outputs.keySet().toString()));
        }
        long[] outputShape = tensor(outputs.get(signature.output()), "output", where).getShape();
        if (outputShape.length == 0 || outputShape[0] > 1
                || OnnxSignature.widthAfterBatch(outputShape) != metadata.networkOutputs()) {
            throw mismatch(where, "gives output '" + signature.output() + "' of shape " + Arrays.toString(outputShape)
                    + "; a " + metadata.task() + " model of this metadata gives rows of " + metadata.networkOutputs()
                    + " values, the batch first");
        }
    }

    private static TensorInfo tensor(NodeInfo node, String what, String where) {
        if (!(node.getInfo() instanceof TensorInfo tensor)) {
            throw mismatch(where, "has " + what + " '" + node.getName() + "' that is not a tensor but "
                    + node.getInfo() + "; the job gives and reads tensors of float32");
        }
        if (tensor.type != OnnxJavaType.FLOAT) {
            throw mismatch(where, "has " + what + " '" + node.getName() + "' of element type " + tensor.type
                    + "; the job gives and reads float32. Export the model with float32 inputs and outputs");
        }
        return tensor;
    }

    /**
     * ONNX Runtime says why a file does not load in its message: an operator or opset it does not know is an
     * ORT_INVALID_GRAPH like a broken graph, so the message tells the two apart.
     */
    private static ModelArtifactException refusal(Exception e, String where) {
        String message = Untrusted.text(String.valueOf(e.getMessage()), 400);
        boolean unsupported = e instanceof OrtException ort
                && (ort.getCode() == OrtException.OrtErrorCode.ORT_NOT_IMPLEMENTED
                || message.contains("No Op registered") || message.contains("Unsupported model IR version")
                || message.contains("opset"));
        return unsupported
                ? new ModelArtifactException(RefusalReason.UNSUPPORTED, "ONNX model " + where + " uses what this "
                        + "ONNX Runtime cannot run (" + message + "). Export it with operators and an opset of "
                        + "ONNX Runtime " + OrtEnvironment.getEnvironment().getVersion() + ".", e)
                : new ModelArtifactException(RefusalReason.CORRUPT, "ONNX model " + where + " does not load ("
                        + message + "): the file is corrupt or not an ONNX model. Export it again.", e);
    }

    private static ModelArtifactException mismatch(String where, String problem) {
        return new ModelArtifactException(RefusalReason.MISMATCH, "ONNX model " + where + " " + problem + ".");
    }

    @Override
    public int inputWidth() {
        return inputWidth;
    }

    @Override
    public int outputWidth() {
        return outputWidth;
    }

    @Override
    public double[] run(float[] rows, int count) {
        double[] outputs = new double[count * outputWidth];
        int step = signature.oneRowPerCall() ? 1 : count;
        for (int first = 0; first < count; first += step) {
            runInto(rows, first, step, outputs);
        }
        if (signature.outputs() == OutputKind.LOGITS) {
            for (int i = 0; i < count; i++) {
                softmax(outputs, i * outputWidth, outputWidth);
            }
        }
        return outputs;
    }

    private void runInto(float[] rows, int first, int count, double[] outputs) {
        int length = count * inputWidth;
        if (direct.capacity() < length) {
            direct = ByteBuffer.allocateDirect(length * Float.BYTES).order(ByteOrder.nativeOrder()).asFloatBuffer();
        }
        direct.clear();
        direct.put(rows, first * inputWidth, length).flip();
        try (OnnxTensor input = OnnxTensor.createTensor(environment, direct, signature.shapeOf(count));
             OrtSession.Result result = session.run(Map.of(signature.input(), input), Set.of(signature.output()))) {
            FloatBuffer values = ((OnnxTensor) result.get(0)).getFloatBuffer();
            int offset = first * outputWidth;
            for (int i = 0; i < count * outputWidth; i++) {
                outputs[offset + i] = values.get(i);
            }
        } catch (OrtException e) {
            // the model passed its check on probe rows: a failure now is the runtime's, not the input's
            throw new IllegalStateException("ONNX Runtime failed to score " + count + " rows: " + e.getMessage(), e);
        }
    }

    /** Probabilities from raw scores, in place; shifted by the largest score so that no exponent overflows. */
    static void softmax(double[] values, int offset, int length) {
        double max = Double.NEGATIVE_INFINITY;
        for (int i = offset; i < offset + length; i++) {
            max = Math.max(max, values[i]);
        }
        double sum = 0;
        for (int i = offset; i < offset + length; i++) {
            values[i] = Math.exp(values[i] - max);
            sum += values[i];
        }
        for (int i = offset; i < offset + length; i++) {
            values[i] /= sum;
        }
    }

    @Override
    public void close() {
        close(session, options);
    }

    private static void close(OrtSession session, OrtSession.SessionOptions options) {
        try {
            if (session != null) {
                session.close();
            }
        } catch (OrtException e) {
            LOG.warn("closing an ONNX Runtime session failed: {}", e.getMessage());
        }
        options.close();
    }
}
