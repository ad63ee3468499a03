package dev.streampredict.job;

import dev.streampredict.common.SharedFiles;
import dev.streampredict.common.kafka.Topics;
import dev.streampredict.common.message.FeatureVector;
import dev.streampredict.common.message.InputRecord;
import dev.streampredict.common.message.JsonInputCodec;
import dev.streampredict.common.message.Prediction;
import dev.streampredict.model.ModelMetadata;
import dev.streampredict.model.ModelRuntime;
import dev.streampredict.model.OnnxModels;
import dev.streampredict.model.OutputKind;
import dev.streampredict.model.Predictor;
import dev.streampredict.model.Task;
import dev.streampredict.producer.InputProducer;
import dev.streampredict.testing.KafkaBrokerExtension;
import dev.streampredict.testing.MiniClusters;
import dev.streampredict.training.ImportSpec;
import dev.streampredict.training.KerasImport;
import dev.streampredict.training.ModelImport;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.runtime.testutils.InMemoryReporter;
import org.apache.flink.test.junit5.InjectMiniCluster;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.nd4j.linalg.factory.Nd4j;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;

import static dev.streampredict.job.PipelineTesting.readPredictions;
import static dev.streampredict.job.PipelineTesting.startJob;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * A published benchmark's models (Crayfish's FFNN, as ONNX and as Keras), imported as a user would and served by
 * the job on a real broker and MiniCluster: every prediction is the runtime's own answer for its input, computed
 * here without the job. The files are another project's, read from the shared folder beside the repository.
 */
class PeerModelsIT {

    private static final int IMAGES = 400;

    @RegisterExtension
    static final MiniClusterExtension FLINK = MiniClusters.reportingTo(InMemoryReporter.create(), 1, 2);

    @RegisterExtension
    static final KafkaBrokerExtension KAFKA = new KafkaBrokerExtension();

    @TempDir
    static Path dir;

    @AfterEach
    void cancelLeftoverJobs(@InjectMiniCluster MiniCluster cluster) throws Exception {
        MiniClusters.cancelRunningJobs(cluster);
    }

    @ParameterizedTest
    @ValueSource(strings = {SharedFiles.PEER_ONNX_MODEL, SharedFiles.PEER_KERAS_MODEL})
    void everyImageGetsTheRuntimesOwnAnswer(String peerFile) throws Exception {
        Path file = SharedFiles.forTests(peerFile);
        assumeTrue(file != null, SharedFiles.absent(peerFile));
        String name = file.getFileName().toString().replace('.', '-');
        ModelMetadata metadata = ModelImport.write(file, new ImportSpec(name, Task.CLASSIFICATION, List.of(), 0,
                List.of(), OutputKind.LOGITS, null, null), dir.resolve(name));
        String in = name + "-in";
        Topics.ensure(KAFKA.bootstrapServers(), Map.of(in, 2, name + "-out", 2, name + "-dlq", 1));
        List<InputRecord> images = images(metadata.features(), name);
        try (InputProducer producer = new InputProducer(KAFKA.bootstrapServers(), in)) {
            images.forEach(producer::send);
            producer.flush();
        }

        JobClient job = startJob(new Configuration(), "--bootstrap-servers", KAFKA.bootstrapServers(),
                "--input-topic", in, "--predictions-topic", name + "-out", "--dead-letter-topic", name + "-dlq",
                "--model", dir.resolve(name).toString(), "--bounded", "--starting-offsets", "earliest",
                "--parallelism", "2", "--checkpoint-interval", "0", "--job-name", name);
        job.getJobExecutionResult().get(5, TimeUnit.MINUTES);
        List<Prediction> predictions = readPredictions(KAFKA.bootstrapServers(), name + "-out", IMAGES,
                Duration.ofSeconds(60));

        assertThat(predictions).extracting(Prediction::id)
                .containsExactlyInAnyOrderElementsOf(images.stream().map(InputRecord::id).toList());
        JsonInputCodec codec = new JsonInputCodec();
        double[][] inputs = new double[predictions.size()][];
        for (int i = 0; i < inputs.length; i++) {
            InputRecord input = codec.parse(predictions.get(i).input().getBytes(StandardCharsets.UTF_8));
            inputs[i] = metadata.features().stream().mapToDouble(f -> input.features().get(f)).toArray();
        }
        double[][] logits = metadata.runtime() == ModelRuntime.ONNX
                ? OnnxModels.answer(file, metadata.onnx().input(), new long[]{1, 784}, inputs)
                : KerasImport.sequential(file)
                .output(Nd4j.create(inputs)).toDoubleMatrix();
        for (int i = 0; i < inputs.length; i++) {
            double[] expected = OnnxModels.softmax(logits[i]);
            Prediction p = predictions.get(i);
            assertThat(p.modelVersion()).isEqualTo(metadata.modelVersion());
            for (int c = 0; c < expected.length; c++) {
                assertThat(p.classProbabilities().get(Integer.toString(c))).as("%s class %d", p.id(), c)
                        .isCloseTo(expected[c], within(1e-5));
            }
            assertThat(p.predictedClass()).isEqualTo(Integer.toString(Predictor.mostLikely(expected)));
        }
    }

    /** Random 28x28 images in [0, 1), three decimals, over 8 keys. */
    private static List<InputRecord> images(List<String> features, String name) {
        Random random = new Random(name.hashCode());
        FeatureVector.Names names = FeatureVector.Names.of(features);
        List<InputRecord> images = new ArrayList<>();
        IntStream.range(0, IMAGES).forEach(i -> {
            double[] pixels = new double[features.size()];
            for (int p = 0; p < pixels.length; p++) {
                pixels[p] = random.nextInt(1000) / 1000.0;
            }
            images.add(new InputRecord(name + "-" + i, "img-" + i % 8, System.currentTimeMillis(),
                    new FeatureVector(names, pixels)));
        });
        return images;
    }
}
