package dev.streampredict.benchmark;

import dev.streampredict.common.SharedFiles;
import dev.streampredict.common.message.FeatureVector;
import dev.streampredict.common.message.InputRecord;
import dev.streampredict.model.ModelArtifact;
import dev.streampredict.model.OutputKind;
import dev.streampredict.model.Predictor;
import dev.streampredict.model.Task;
import dev.streampredict.training.ImportSpec;
import dev.streampredict.training.ModelImport;

import java.nio.file.Path;
import java.util.Iterator;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import java.util.stream.IntStream;

/**
 * The peer benchmark's FFNNs (784 inputs, 10 classes), as Keras and as ONNX, read from the workspace's shared folder
 * ({@link SharedFiles}): another project's files, not shipped here (docs/peer-model.md).
 */
final class PeerModel {

    /** Flink + DL4J on this model, best of scoring parallelism 2..32, from the peer's notebook (docs/peer-model.md). */
    static final double PUBLISHED_BEST_PER_SECOND = 2_225;
    /** Flink + embedded ONNX Runtime on the peer's ONNX FFNN, its best (docs/peer-model.md). */
    static final double PUBLISHED_ONNX_BEST_PER_SECOND = 13_100;

    private PeerModel() {
    }

    /**
     * Imports the peer's Keras file (DL4J) or its ONNX file (ONNX Runtime) into an artifact in {@code dir}; returns
     * the artifact's location.
     */
    static String importTo(Path dir, boolean onnx) throws Exception {
        // both give raw class scores; classes 0..9 as the spec names them by default
        ModelImport.write(SharedFiles.require(onnx ? SharedFiles.PEER_ONNX_MODEL : SharedFiles.PEER_KERAS_MODEL),
                new ImportSpec("crayfish-ffnn-" + (onnx ? "onnx" : "dl4j"), Task.CLASSIFICATION, List.of(), 0,
                        List.of(), OutputKind.LOGITS, null, null), dir);
        return dir.toString();
    }

    static Predictor load(Path dir, boolean onnx) throws Exception {
        return ModelArtifact.load(importTo(dir, onnx));
    }

    /**
     * Endless random images: 784 values in [0, 1) with 3 decimals, keyed over {@code keys} keys, each with its own
     * id and time. The values come from a pool of 256 images made up front, so that what the producer is timed on
     * is writing records, not drawing 784 random numbers for each.
     */
    static Iterator<InputRecord> randomImages(int keys, long seed) {
        Random random = new Random(seed);
        FeatureVector.Names names = FeatureVector.Names.of(IntStream.range(0, 784).mapToObj(i -> "f" + i).toList());
        List<FeatureVector> pool = IntStream.range(0, 256).mapToObj(i -> {
            double[] values = new double[784];
            for (int f = 0; f < values.length; f++) {
                values[f] = random.nextInt(1000) / 1000.0;
            }
            return new FeatureVector(names, values);
        }).toList();
        return new Iterator<>() {
            private long n;

            @Override
            public boolean hasNext() {
                return true;
            }

            @Override
            public InputRecord next() {
                n++;
                return new InputRecord(new UUID(random.nextLong(), random.nextLong()).toString(), "img-" + (n % keys),
                        System.currentTimeMillis(), pool.get(random.nextInt(pool.size())));
            }
        };
    }
}
