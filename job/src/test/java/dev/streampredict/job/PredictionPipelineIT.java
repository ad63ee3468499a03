package dev.streampredict.job;

import dev.streampredict.common.csv.CsvRecordReader;
import dev.streampredict.common.csv.CsvSpec;
import dev.streampredict.common.message.InputRecord;
import dev.streampredict.common.message.InputRecordCodec;
import dev.streampredict.common.message.Prediction;
import dev.streampredict.common.message.PredictionCodec;
import dev.streampredict.job.metrics.InputMetrics;
import dev.streampredict.job.metrics.ScoringMetrics;
import dev.streampredict.job.pipeline.KafkaIO;
import dev.streampredict.kafka.LocalKafkaBroker;
import dev.streampredict.kafka.Topics;
import dev.streampredict.model.ModelArtifact;
import dev.streampredict.model.Predictor;
import dev.streampredict.model.TargetMode;
import dev.streampredict.producer.InputProducer;
import dev.streampredict.producer.SyntheticSeries;
import dev.streampredict.training.ClassificationTraining;
import dev.streampredict.training.FitOptions;
import dev.streampredict.training.RegressionTraining;
import org.apache.flink.api.common.JobID;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Gauge;
import org.apache.flink.metrics.Metric;
import org.apache.flink.runtime.testutils.InMemoryReporter;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * The production topology end to end: records written by the producer's own code to a real Kafka broker, the
 * job on a Flink MiniCluster at parallelism 2, predictions and dead letters read back from Kafka.
 */
class PredictionPipelineIT {

    private static final int KEYS = 6;
    private static final int VALID = 1_200;
    private static final int WINDOW = 8;

    private static final InMemoryReporter REPORTER = InMemoryReporter.createWithRetainedMetrics();

    @RegisterExtension
    static final MiniClusterExtension FLINK = new MiniClusterExtension(new MiniClusterResourceConfiguration.Builder()
            .setNumberTaskManagers(1)
            .setNumberSlotsPerTaskManager(2)
            .setConfiguration(REPORTER.addToConfiguration(new Configuration()))
            .build());

    @TempDir
    static Path dir;
    private static LocalKafkaBroker kafka;

    @BeforeAll
    static void startKafka() throws Exception {
        kafka = LocalKafkaBroker.start(dir.resolve("kafka"));
        Topics.ensure(kafka.bootstrapServers(), Map.of("input-data", 2, "predictions", 2, "input-data-dlq", 1));
    }

    @AfterAll
    static void stopKafka() {
        kafka.close();
    }

    @Test
    void everyInputGetsExactlyOneCorrectPredictionAndBadInputIsDeadLettered() throws Exception {
        Path modelDir = trainModel();
        List<InputRecord> inputs = new ArrayList<>();
        SyntheticSeries series = new SyntheticSeries(KEYS, 25, 0.5, 99, System::currentTimeMillis);
        for (int i = 0; i < VALID; i++) {
            inputs.add(series.next());
        }
        try (InputProducer producer = new InputProducer(kafka.bootstrapServers(), "input-data")) {
            for (int i = 0; i < inputs.size(); i++) {
                producer.send(inputs.get(i));
                if (i == 100) {
                    producer.sendRaw("series-0", "{not json".getBytes(StandardCharsets.UTF_8));
                }
                if (i == 500) {
                    producer.sendRaw("series-1", ("{\"id\":\"bad-1\",\"key\":\"series-1\",\"timestamp\":1,"
                            + "\"features\":{\"temperature\":3.0}}").getBytes(StandardCharsets.UTF_8));
                }
                if (i == 900) {
                    producer.sendRaw("series-2", ("{\"id\":\"bad-2\",\"key\":\"series-2\",\"timestamp\":1,"
                            + "\"features\":{\"value\":NaN}}").getBytes(StandardCharsets.UTF_8));
                }
            }
            producer.flush();
        }

        JobOptions options = JobOptions.parse("--bootstrap-servers", kafka.bootstrapServers(),
                "--model", modelDir.toString(), "--bounded", "--starting-offsets", "earliest",
                "--parallelism", "2", "--checkpoint-interval", "0", "--job-name", "pipeline-it");
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        PredictionJob.configure(env, options);
        JobClient job = env.executeAsync(options.jobName());
        job.getJobExecutionResult().get(5, TimeUnit.MINUTES);

        List<Prediction> predictions = readPredictions();
        Predictor model = ModelArtifact.load(modelDir.toString());

        // exactly one prediction per input id, with every field
        Map<String, Long> perId = predictions.stream()
                .collect(Collectors.groupingBy(Prediction::id, Collectors.counting()));
        assertThat(perId.keySet()).containsExactlyInAnyOrderElementsOf(inputs.stream().map(InputRecord::id).toList());
        assertThat(perId.values()).allMatch(n -> n == 1);
        InputRecordCodec codec = new InputRecordCodec();
        for (Prediction p : predictions) {
            InputRecord input = codec.parse(p.input().getBytes(StandardCharsets.UTF_8));
            assertThat(input.id()).isEqualTo(p.id());
            assertThat(input.key()).isEqualTo(p.key());
            assertThat(p.prediction()).isFinite();
            assertThat(p.target()).isEqualTo(SyntheticSeries.FEATURE);
            assertThat(p.modelVersion()).isEqualTo(model.metadata().modelVersion());
            assertThat(p.predictionTimestamp()).isGreaterThanOrEqualTo(input.timestamp());
            assertThat(p.latencyMs()).isBetween(0L, p.predictionTimestamp() - input.timestamp() + 1_000);
        }

        // each forecast is the model's answer to that key's last WINDOW values, and the job's MSE is ours
        double squaredErrorSum = 0;
        long evaluated = 0;
        for (List<Prediction> ofKey : byKeyInOrder(predictions).values()) {
            List<Double> values = new ArrayList<>();
            for (int i = 0; i < ofKey.size(); i++) {
                Prediction p = ofKey.get(i);
                values.add(codec.parse(p.input().getBytes(StandardCharsets.UTF_8)).features().get("value"));
                double[] window = windowOf(values);
                assertThat(p.windowFill()).isEqualTo(Math.min(i + 1, WINDOW));
                assertThat(p.prediction()).isCloseTo(model.forecast(new double[][]{window}, 1)[0], within(1e-6));
                if (i > 0) {
                    double error = ofKey.get(i - 1).prediction() - values.get(i);
                    squaredErrorSum += error * error;
                    evaluated++;
                }
            }
        }
        JobID id = job.getJobID();
        assertThat(sum(id, ScoringMetrics.EVALUATED)).isEqualTo(evaluated).isEqualTo(VALID - KEYS);
        assertThat(sum(id, ScoringMetrics.SQUARED_ERROR_SUM)).isCloseTo(squaredErrorSum, within(1e-6 * squaredErrorSum));
        assertThat(sum(id, ScoringMetrics.PREDICTIONS)).isEqualTo(VALID);
        assertThat(sum(id, InputMetrics.INPUT_RECORDS)).isEqualTo(VALID + 3);

        // bad input: in the dead-letter topic with its reason and origin, and counted
        List<ConsumerRecord<byte[], byte[]>> dead = TopicReader.read(kafka.bootstrapServers(), "input-data-dlq", 3,
                Duration.ofSeconds(30));
        assertThat(dead).extracting(r -> header(r, KafkaIO.HEADER_REASON))
                .containsExactlyInAnyOrder("malformed_json", "unknown_feature", "non_finite");
        assertThat(dead).extracting(r -> new String(r.value(), StandardCharsets.UTF_8))
                .contains("{not json");
        assertThat(dead).allSatisfy(r -> {
            assertThat(header(r, KafkaIO.HEADER_TOPIC)).isEqualTo("input-data");
            assertThat(Long.parseLong(header(r, KafkaIO.HEADER_OFFSET))).isNotNegative();
            assertThat(header(r, KafkaIO.HEADER_DETAIL)).isNotBlank();
        });
        assertThat(sum(id, InputMetrics.INVALID_RECORDS)).isEqualTo(3);
    }

    @Test
    void classifierEmitsClassAndProbabilitiesAndTheJobsAccuracyIsOurs() throws Exception {
        List<InputRecord> iris = new ArrayList<>();
        try (CsvRecordReader reader = CsvRecordReader.open(
                new CsvSpec(Path.of("..", "data", "iris.csv"), null, "iris", null, List.of(), "species"),
                System::currentTimeMillis, r -> {
                    throw new AssertionError("iris has no bad rows: " + r);
                })) {
            reader.forEachRemaining(iris::add);
        }
        Path modelDir = dir.resolve("iris-model");
        ClassificationTraining.train(iris, new ClassificationTraining.Settings("iris-species", "iris.csv",
                        List.copyOf(iris.get(0).features().keySet()), 0.2, 0.2,
                        new FitOptions(List.of(16, 16), 300, 20, 16, 0.01, 42)),
                new PrintStream(OutputStream.nullOutputStream())).save(modelDir);
        Topics.ensure(kafka.bootstrapServers(), Map.of("iris-in", 2, "iris-predictions", 2, "iris-dlq", 1));
        try (InputProducer producer = new InputProducer(kafka.bootstrapServers(), "iris-in")) {
            iris.forEach(producer::send);
            producer.flush();
        }

        JobOptions options = JobOptions.parse("--bootstrap-servers", kafka.bootstrapServers(),
                "--input-topic", "iris-in", "--predictions-topic", "iris-predictions", "--dead-letter-topic", "iris-dlq",
                "--model", modelDir.toString(), "--bounded", "--starting-offsets", "earliest",
                "--parallelism", "2", "--checkpoint-interval", "0", "--job-name", "classification-it");
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        PredictionJob.configure(env, options);
        JobClient job = env.executeAsync(options.jobName());
        job.getJobExecutionResult().get(5, TimeUnit.MINUTES);

        PredictionCodec predictionCodec = new PredictionCodec();
        List<Prediction> predictions = TopicReader.read(kafka.bootstrapServers(), "iris-predictions", iris.size(),
                Duration.ofSeconds(60)).stream().map(r -> predictionCodec.parse(r.value())).toList();
        Predictor model = ModelArtifact.load(modelDir.toString());
        List<String> classes = model.metadata().classes();

        assertThat(predictions).extracting(Prediction::id)
                .containsExactlyInAnyOrderElementsOf(iris.stream().map(InputRecord::id).toList());
        InputRecordCodec codec = new InputRecordCodec();
        long right = 0;
        for (Prediction p : predictions) {
            InputRecord input = codec.parse(p.input().getBytes(StandardCharsets.UTF_8));
            double[] expected = model.classify(new double[][]{input.features().values().stream()
                    .mapToDouble(Double::doubleValue).toArray()}, 1)[0];
            assertThat(p.prediction()).isNull();
            assertThat(p.predictedClass()).isEqualTo(classes.get(Predictor.mostLikely(expected)));
            assertThat(p.classProbabilities()).containsOnlyKeys(classes);
            for (int c = 0; c < classes.size(); c++) {
                assertThat(p.classProbabilities().get(classes.get(c))).isCloseTo(expected[c], within(1e-6));
            }
            right += p.predictedClass().equals(input.label()) ? 1 : 0;
        }
        JobID id = job.getJobID();
        assertThat(sum(id, ScoringMetrics.EVALUATED)).isEqualTo(iris.size());
        assertThat(sum(id, ScoringMetrics.CORRECT)).isEqualTo(right);
        assertThat((double) right / iris.size()).as("accuracy over all of iris").isGreaterThan(0.9);
        assertThat(sum(id, InputMetrics.INVALID_RECORDS)).isZero();
    }

    private static Path trainModel() throws Exception {
        SyntheticSeries history = new SyntheticSeries(KEYS, 25, 0.5, 1, new java.util.concurrent.atomic.AtomicLong()::incrementAndGet);
        List<InputRecord> records = new ArrayList<>();
        for (int i = 0; i < 3_000; i++) {
            records.add(history.next());
        }
        Path modelDir = dir.resolve("model");
        RegressionTraining.train(records, new RegressionTraining.Settings("synthetic-value", "generated",
                        SyntheticSeries.FEATURE, WINDOW, TargetMode.DIFFERENCE, 0.15, 0.15,
                        new FitOptions(List.of(16, 16), 20, 5, 64, 0.003, 7)),
                new PrintStream(OutputStream.nullOutputStream())).save(modelDir);
        return modelDir;
    }

    private static List<Prediction> readPredictions() {
        PredictionCodec codec = new PredictionCodec();
        return TopicReader.read(kafka.bootstrapServers(), "predictions", VALID, Duration.ofSeconds(60)).stream()
                .map(r -> codec.parse(r.value()))
                .toList();
    }

    /** Predictions of one key are in one partition, in the order the job made them. */
    private static Map<String, List<Prediction>> byKeyInOrder(List<Prediction> predictions) {
        Map<String, List<Prediction>> byKey = new LinkedHashMap<>();
        for (Prediction p : predictions) {
            byKey.computeIfAbsent(p.key(), k -> new ArrayList<>()).add(p);
        }
        return byKey;
    }

    private static double[] windowOf(List<Double> values) {
        double[] window = new double[WINDOW];
        int fill = Math.min(values.size(), WINDOW);
        List<Double> last = values.subList(values.size() - fill, values.size());
        for (int i = 0; i < WINDOW; i++) {
            window[i] = last.get(Math.max(0, i - (WINDOW - fill)));
        }
        return window;
    }

    private static double sum(JobID job, String metric) {
        double total = 0;
        Map<String, Metric> metrics = new HashMap<>(REPORTER.getMetricsByIdentifiers(job));
        for (Map.Entry<String, Metric> e : metrics.entrySet()) {
            if (e.getKey().endsWith("." + metric)) {
                Metric m = e.getValue();
                total += m instanceof Counter c ? c.getCount() : ((Number) ((Gauge<?>) m).getValue()).doubleValue();
            }
        }
        return total;
    }

    private static String header(ConsumerRecord<byte[], byte[]> record, String name) {
        return new String(record.headers().lastHeader(name).value(), StandardCharsets.UTF_8);
    }
}
