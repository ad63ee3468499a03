package dev.streampredict.model;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;

import java.io.ByteArrayOutputStream;
import java.nio.FloatBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Small ONNX models with known weights, written here: ONNX is a documented protobuf ({@code onnx/onnx.proto}), so a
 * test can check a runtime's answer against arithmetic without a Python exporter. And ONNX Runtime's own answer for
 * any file, to compare what the job served with.
 */
public final class OnnxModels {

    public static final int FLOAT = 1;
    public static final int INT64 = 7;
    public static final int DOUBLE = 11;
    /** Any batch size, as exporters mark the batch dimension. */
    public static final long BATCH = -1;

    private OnnxModels() {
    }

    /** {@code y = x · weights + bias}: a linear forecaster over a window of {@code weights.length} values. */
    public static byte[] linear(float[] weights, float bias) {
        return graph().input("x", FLOAT, BATCH, weights.length)
                .initializer("w", new long[]{weights.length, 1}, weights)
                .initializer("b", new long[]{1}, new float[]{bias})
                .node("MatMul", "x,w", "xw").node("Add", "xw,b", "y")
                .output("y", FLOAT, BATCH, 1).bytes();
    }

    /**
     * Two-class logistic regression as logits {@code [0, x · weights + bias]}: the softmax of them is
     * {@code [1 - p, p]} with {@code p = sigmoid(x · weights + bias)}.
     */
    public static byte[] logistic(float[] weights, float bias) {
        float[] columns = new float[weights.length * 2];
        for (int i = 0; i < weights.length; i++) {
            columns[i * 2 + 1] = weights[i];
        }
        return graph().input("x", FLOAT, BATCH, weights.length)
                .initializer("w", new long[]{weights.length, 2}, columns)
                .initializer("b", new long[]{2}, new float[]{0, bias})
                .node("MatMul", "x,w", "xw").node("Add", "xw,b", "logits")
                .output("logits", FLOAT, BATCH, 2).bytes();
    }

    /**
     * What ONNX Runtime itself answers for {@code rows}, from a session of the caller's own: the reference a served
     * prediction is compared with.
     *
     * @param rowShape the input's dimensions after the batch, e.g. {@code {1, 784}}
     */
    public static double[][] answer(Path file, String input, long[] rowShape, double[][] rows) throws OrtException {
        OrtEnvironment environment = OrtEnvironment.getEnvironment();
        int width = rows[0].length;
        float[] flat = new float[rows.length * width];
        for (int i = 0; i < rows.length; i++) {
            for (int j = 0; j < width; j++) {
                flat[i * width + j] = (float) rows[i][j];
            }
        }
        long[] shape = new long[rowShape.length + 1];
        shape[0] = rows.length;
        System.arraycopy(rowShape, 0, shape, 1, rowShape.length);
        try (OrtSession session = environment.createSession(file.toString());
             OnnxTensor tensor = OnnxTensor.createTensor(environment, FloatBuffer.wrap(flat), shape);
             OrtSession.Result result = session.run(Map.of(input, tensor))) {
            float[][] output = (float[][]) result.get(0).getValue();
            double[][] answers = new double[output.length][];
            for (int i = 0; i < output.length; i++) {
                answers[i] = new double[output[i].length];
                for (int j = 0; j < output[i].length; j++) {
                    answers[i][j] = output[i][j];
                }
            }
            return answers;
        }
    }

    /** Probabilities of raw class scores, as the job computes them for a model of logits. */
    public static double[] softmax(double[] scores) {
        double[] probabilities = scores.clone();
        OnnxRuntime.softmax(probabilities, 0, probabilities.length);
        return probabilities;
    }

    public static Graph graph() {
        return new Graph();
    }

    /** A graph of nodes in order, with one input and one output; opset 13, IR version 8. */
    public static final class Graph {
        private final List<byte[]> nodes = new ArrayList<>();
        private final List<byte[]> initializers = new ArrayList<>();
        private final List<byte[]> inputs = new ArrayList<>();
        private final List<byte[]> outputs = new ArrayList<>();

        public Graph input(String name, int type, long... shape) {
            inputs.add(valueInfo(name, type, shape));
            return this;
        }

        public Graph output(String name, int type, long... shape) {
            outputs.add(valueInfo(name, type, shape));
            return this;
        }

        public Graph initializer(String name, long[] dims, float[] values) {
            Proto packed = new Proto();
            for (float value : values) {
                packed.fixed32(Float.floatToIntBits(value));
            }
            return initializer(name, dims, FLOAT, 4, packed);
        }

        public Graph initializer(String name, long[] dims, long[] values) {
            Proto packed = new Proto();
            for (long value : values) {
                packed.raw(value);
            }
            return initializer(name, dims, INT64, 7, packed);
        }

        /** A TensorProto: its values packed in the field of their type (float_data 4, int64_data 7). */
        private Graph initializer(String name, long[] dims, int type, int field, Proto packed) {
            Proto tensor = new Proto();
            for (long dim : dims) {
                tensor.varint(1, dim);
            }
            tensor.varint(2, type).bytes(field, packed.toBytes()).string(8, name);
            initializers.add(tensor.toBytes());
            return this;
        }

        /** @param inputs and outputs: comma-separated names */
        public Graph node(String opType, String inputs, String outputs) {
            Proto node = new Proto();
            for (String input : inputs.split(",")) {
                node.string(1, input);
            }
            for (String output : outputs.split(",")) {
                node.string(2, output);
            }
            node.string(3, opType + nodes.size()).string(4, opType);
            nodes.add(node.toBytes());
            return this;
        }

        public byte[] bytes() {
            Proto graph = new Proto();
            nodes.forEach(n -> graph.bytes(1, n));
            graph.string(2, "test-graph");
            initializers.forEach(i -> graph.bytes(5, i));
            inputs.forEach(i -> graph.bytes(11, i));
            outputs.forEach(o -> graph.bytes(12, o));
            return new Proto().varint(1, 8).string(2, "stream-predict-tests")
                    .bytes(7, graph.toBytes())
                    .bytes(8, new Proto().string(1, "").varint(2, 13).toBytes())
                    .toBytes();
        }

        private static byte[] valueInfo(String name, int type, long... shape) {
            Proto dims = new Proto();
            for (long dim : shape) {
                Proto dimension = dim < 0 ? new Proto().string(2, "batch") : new Proto().varint(1, dim);
                dims.bytes(1, dimension.toBytes());
            }
            Proto tensorType = new Proto().varint(1, type).bytes(2, dims.toBytes());
            return new Proto().string(1, name).bytes(2, new Proto().bytes(1, tensorType.toBytes()).toBytes())
                    .toBytes();
        }
    }

    /** Protobuf's wire format: varints (type 0), length-delimited fields (type 2), little-endian 32 bits. */
    private static final class Proto {
        private final ByteArrayOutputStream out = new ByteArrayOutputStream();

        Proto varint(int field, long value) {
            raw((long) field << 3);
            raw(value);
            return this;
        }

        Proto bytes(int field, byte[] value) {
            raw((long) field << 3 | 2);
            raw(value.length);
            out.writeBytes(value);
            return this;
        }

        Proto string(int field, String value) {
            return bytes(field, value.getBytes(StandardCharsets.UTF_8));
        }

        void fixed32(int bits) {
            for (int i = 0; i < 4; i++) {
                out.write(bits >>> (8 * i) & 0xff);
            }
        }

        void raw(long value) {
            while ((value & ~0x7fL) != 0) {
                out.write((int) (value & 0x7f) | 0x80);
                value >>>= 7;
            }
            out.write((int) value);
        }

        byte[] toBytes() {
            return out.toByteArray();
        }
    }
}
