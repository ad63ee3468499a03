package dev.streampredict.job;

import com.fasterxml.jackson.databind.JsonNode;
import dev.streampredict.common.csv.CsvRecordReader;
import dev.streampredict.common.csv.CsvSpec;
import dev.streampredict.common.kafka.Topics;
import dev.streampredict.common.message.AvroInputCodec;
import dev.streampredict.common.message.InputRecord;
import dev.streampredict.common.message.InvalidRecordException;
import dev.streampredict.common.message.Json;
import dev.streampredict.common.message.JsonInputCodec;
import dev.streampredict.common.message.Prediction;
import dev.streampredict.job.PipelineTesting.ForecastErrors;
import dev.streampredict.job.metrics.InputMetrics;
import dev.streampredict.job.metrics.ScoringMetrics;
import dev.streampredict.job.pipeline.KafkaIO;
import dev.streampredict.model.Architecture;
import dev.streampredict.model.CalendarFeature;
import dev.streampredict.model.ModelArchive;
import dev.streampredict.model.ModelArtifact;
import dev.streampredict.model.Predictor;
import dev.streampredict.producer.InputProducer;
import dev.streampredict.producer.ProducerCli;
import dev.streampredict.producer.SyntheticSeries;
import dev.streampredict.registry.ModelCommand;
import dev.streampredict.registry.ModelRegistry;
import dev.streampredict.testing.KafkaBrokerExtension;
import dev.streampredict.testing.MiniClusters;
import dev.streampredict.testing.ReportedMetrics;
import dev.streampredict.testing.TopicReader;
import dev.streampredict.training.ClassificationTraining;
import dev.streampredict.training.FitOptions;
import org.apache.flink.api.common.JobID;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.runtime.testutils.InMemoryReporter;
import org.apache.flink.test.junit5.InjectMiniCluster;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import static dev.streampredict.job.PipelineTesting.assertForecastsUseEachKeysWholeHistory;
import static dev.streampredict.job.PipelineTesting.header;
import static dev.streampredict.job.PipelineTesting.readPredictions;
import static dev.streampredict.job.PipelineTesting.startJob;
import static dev.streampredict.job.PipelineTesting.syntheticRecords;
import static dev.streampredict.job.PipelineTesting.trainSyntheticModel;
import static dev.streampredict.testing.ReportedMetrics.sum;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * The production topology end to end: records written by the producer's own code to a real Kafka broker, the
 * job on a Flink MiniCluster at parallelism 2, predictions and dead letters read back from Kafka.
 */
class PredictionPipelineIT {

    private static final int KEYS = 6;
    private static final int VALID = 1_200;

    private static final InMemoryReporter REPORTER = InMemoryReporter.createWithRetainedMetrics();

    @RegisterExtension
    static final MiniClusterExtension FLINK = MiniClusters.reportingTo(REPORTER, 1, 2);

    @RegisterExtension
    static final KafkaBrokerExtension KAFKA = new KafkaBrokerExtension(Map.of("input-data", 2, "predictions", 2,
            "input-data-dlq", 1, "sequence-in", 2, "sequence-out", 2, "sequence-shadow", 2, "sequence-dlq", 1));

    @TempDir
    static Path dir;

    @AfterEach
    void cancelLeftoverJobs(@InjectMiniCluster MiniCluster cluster) throws Exception {
        MiniClusters.cancelRunningJobs(cluster);
    }

    @Test
    void everyInputGetsExactlyOneCorrectPredictionAndBadInputIsDeadLettered() throws Exception {
        Path modelDir = trainSyntheticModel(dir, KEYS);
        List<InputRecord> inputs = syntheticRecords(KEYS, VALID, 99);
        try (InputProducer producer = new InputProducer(KAFKA.bootstrapServers(), "input-data")) {
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

        JobClient job = startJob(new Configuration(), "--bootstrap-servers", KAFKA.bootstrapServers(),
                "--model", modelDir.toString(), "--bounded", "--starting-offsets", "earliest",
                "--parallelism", "2", "--checkpoint-interval", "0", "--job-name", "pipeline-it");
        job.getJobExecutionResult().get(5, TimeUnit.MINUTES);

        List<Prediction> predictions = readPredictions(KAFKA.bootstrapServers(), "predictions", VALID,
                Duration.ofSeconds(60));
        Predictor model = ModelArtifact.load(modelDir.toString());

        // exactly one prediction per input id, with every field
        Map<String, Long> perId = predictions.stream()
                .collect(Collectors.groupingBy(Prediction::id, Collectors.counting()));
        assertThat(perId.keySet()).containsExactlyInAnyOrderElementsOf(inputs.stream().map(InputRecord::id).toList());
        assertThat(perId.values()).allMatch(n -> n == 1);
        JsonInputCodec codec = new JsonInputCodec();
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
        ForecastErrors errors = assertForecastsUseEachKeysWholeHistory(predictions, model);
        JobID id = job.getJobID();
        assertThat(sum(REPORTER, id, ScoringMetrics.EVALUATED)).isEqualTo(errors.evaluated()).isEqualTo(VALID - KEYS);
        assertThat(sum(REPORTER, id, ScoringMetrics.SQUARED_ERROR_SUM))
                .isCloseTo(errors.squaredErrorSum(), within(1e-6 * errors.squaredErrorSum()));
        assertThat(sum(REPORTER, id, ScoringMetrics.PREDICTIONS)).isEqualTo(VALID);
        // the intervals' coverage, reported by each subtask over its recent outcomes, is near the whole run's
        double covered = (double) errors.covered() / errors.evaluated();
        assertThat(covered).as("the 0.9 intervals' coverage of the run").isBetween(0.75, 1.0);
        List<Double> coverage = ReportedMetrics.values(REPORTER, id, "", ScoringMetrics.INTERVAL_COVERAGE);
        assertThat(coverage).hasSize(2).allSatisfy(c -> assertThat(c).isCloseTo(covered, within(0.1)));
        assertThat(ReportedMetrics.values(REPORTER, id, "", ScoringMetrics.INTERVAL_LEVEL)).containsOnly(0.9);
        assertThat(sum(REPORTER, id, InputMetrics.INPUT_RECORDS)).isEqualTo(VALID + 3);

        // bad input: in the dead-letter topic with its reason and origin, and counted
        List<ConsumerRecord<byte[], byte[]>> dead = TopicReader.awaitRecords(KAFKA.bootstrapServers(),
                "input-data-dlq", 3, Duration.ofSeconds(30));
        assertThat(dead).extracting(r -> header(r, KafkaIO.HEADER_REASON))
                .containsExactlyInAnyOrder("malformed_json", "unknown_feature", "non_finite");
        assertThat(dead).extracting(r -> new String(r.value(), StandardCharsets.UTF_8))
                .contains("{not json");
        assertThat(dead).allSatisfy(r -> {
            assertThat(header(r, KafkaIO.HEADER_TOPIC)).isEqualTo("input-data");
            assertThat(Long.parseLong(header(r, KafkaIO.HEADER_OFFSET))).isNotNegative();
            assertThat(header(r, KafkaIO.HEADER_DETAIL)).isNotBlank();
        });
        assertThat(sum(REPORTER, id, InputMetrics.INVALID_RECORDS)).isEqualTo(3);
    }

    /**
     * An LSTM and a CNN forecaster served side by side, one stable and one shadow, on the same records: each
     * forecast is its network's answer to the key's window, as trained, with its interval.
     */
    /**
     * Both read two series and the hour of day of each value's event time: each key's state keeps a window of each
     * (the job computes the hour's), and each network reads them as channels. The CNN forecasts three steps at once,
     * each with its interval and time.
     */
    @Test
    void anLstmAndACnnOfTwoSeriesServeBesideEachOtherEachAsTrained() throws Exception {
        FitOptions fit = new FitOptions(List.of(8), 5, 2, 32, 0.01, 1);
        List<CalendarFeature> hour = List.of(CalendarFeature.HOUR_OF_DAY);
        Path cnn = TinyModels.trainOnTwoSeries(dir, "tiny-cnn", KEYS, PipelineTesting.WINDOW, fit, Architecture.CNN,
                3, hour);
        Path lstm = TinyModels.trainOnTwoSeries(dir, "tiny-lstm", KEYS, PipelineTesting.WINDOW, fit,
                Architecture.LSTM, 1, hour);
        ModelRegistry registry = new ModelRegistry(KAFKA.bootstrapServers(), "sequence-models");
        registry.ensureTopic();
        ModelArchive stable = ModelArchive.of(cnn.toString());
        ModelArchive shadow = ModelArchive.of(lstm.toString());
        registry.publish(stable, List.of(ModelCommand.of(ModelCommand.Action.STABLE, stable.version(), 0, "it")));
        registry.publish(shadow, List.of(ModelCommand.of(ModelCommand.Action.SHADOW, shadow.version(), 0, "it")));
        int count = 300;
        try (InputProducer producer = new InputProducer(KAFKA.bootstrapServers(), "sequence-in")) {
            Random random = new Random(5);
            syntheticRecords(KEYS, count, 5).forEach(r -> producer.send(TinyModels.withTwin(r, random)));
            producer.flush();
        }

        JobClient job = startJob(new Configuration(), "--bootstrap-servers", KAFKA.bootstrapServers(),
                "--model-registry", "sequence-models", "--input-topic", "sequence-in", "--predictions-topic",
                "sequence-out", "--shadow-topic", "sequence-shadow", "--dead-letter-topic", "sequence-dlq",
                "--starting-offsets", "earliest", "--parallelism", "2", "--job-name", "sequence-it");
        List<Prediction> served = readPredictions(KAFKA.bootstrapServers(), "sequence-out", count,
                Duration.ofMinutes(2));
        List<Prediction> shadowed = readPredictions(KAFKA.bootstrapServers(), "sequence-shadow", count,
                Duration.ofMinutes(1));
        job.cancel().get(1, TimeUnit.MINUTES);

        assertThat(served).extracting(Prediction::modelVersion).containsOnly(stable.version());
        assertThat(shadowed).extracting(Prediction::modelVersion).containsOnly(shadow.version());
        assertForecastsUseEachKeysWholeHistory(served, stable.load());
        assertForecastsUseEachKeysWholeHistory(shadowed, shadow.load());
    }

    /**
     * Avro in, as the producer CLI writes it; predictions that carry only where their input is; Avro's own mistakes
     * dead-lettered with their reasons.
     */
    @Test
    void avroInputsFromTheProducerCliArePredictedAndReferenced() throws Exception {
        Path modelDir = trainSyntheticModel(dir, KEYS);
        Topics.ensure(KAFKA.bootstrapServers(), Map.of("avro-in", 2, "avro-predictions", 2, "avro-dlq", 1));
        int sent = new CommandLine(new ProducerCli()).execute("--bootstrap-servers", KAFKA.bootstrapServers(),
                "--input-topic", "avro-in", "--format", "AVRO", "--keys", Integer.toString(KEYS), "--rate", "0",
                "--count", "600");
        assertThat(sent).isZero();
        try (InputProducer producer = new InputProducer(KAFKA.bootstrapServers(), "avro-in")) {
            producer.sendRaw("series-0", JsonInputCodec.toJson(syntheticRecords(1, 1, 5).get(0)));
            byte[] avro = AvroInputCodec.encode(syntheticRecords(1, 1, 6).get(0));
            producer.sendRaw("series-1", Arrays.copyOf(avro, avro.length - 3));
            producer.flush();
        }

        JobClient job = startJob(new Configuration(), "--bootstrap-servers", KAFKA.bootstrapServers(),
                "--input-topic", "avro-in", "--predictions-topic", "avro-predictions", "--dead-letter-topic",
                "avro-dlq", "--input-format", "avro", "--prediction-input", "reference", "--model",
                modelDir.toString(), "--bounded", "--starting-offsets", "earliest", "--parallelism", "2",
                "--checkpoint-interval", "0", "--job-name", "avro-it");
        job.getJobExecutionResult().get(5, TimeUnit.MINUTES);

        AvroInputCodec avro = new AvroInputCodec(List.of(SyntheticSeries.FEATURE), 4096);
        Map<String, InputRecord> inputAt = new HashMap<>();
        for (ConsumerRecord<byte[], byte[]> r : TopicReader.readToEnd(KAFKA.bootstrapServers(), "avro-in")) {
            try {
                inputAt.put(r.partition() + "@" + r.offset(), avro.parse(r.value()));
            } catch (InvalidRecordException e) {
                // the two bad ones
            }
        }
        assertThat(inputAt).hasSize(600);
        List<Prediction> predictions = readPredictions(KAFKA.bootstrapServers(), "avro-predictions", 600,
                Duration.ofSeconds(60));
        List<Prediction> withInputs = new ArrayList<>();
        for (Prediction p : predictions) {
            JsonNode reference = Json.MAPPER.readTree(p.input());
            assertThat(reference.get("topic").asText()).isEqualTo("avro-in");
            InputRecord input = inputAt.get(reference.get("partition").asInt() + "@" + reference.get("offset")
                    .asLong());
            assertThat(input.id()).isEqualTo(p.id()).isEqualTo(reference.get("id").asText());
            withInputs.add(new Prediction(p.id(), p.key(), new String(JsonInputCodec.toJson(input),
                    StandardCharsets.UTF_8), p.target(), p.prediction(), null, null, p.modelVersion(),
                    p.predictionTimestamp(), p.latencyMs(), p.windowFill(), p.interval()));
        }
        assertThat(withInputs).extracting(Prediction::id).doesNotHaveDuplicates().hasSize(600);
        assertForecastsUseEachKeysWholeHistory(withInputs, ModelArtifact.load(modelDir.toString()));

        assertThat(TopicReader.awaitRecords(KAFKA.bootstrapServers(), "avro-dlq", 2, Duration.ofSeconds(30)))
                .extracting(r -> header(r, KafkaIO.HEADER_REASON))
                .containsExactlyInAnyOrder("unknown_schema", "malformed_avro");
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
        Topics.ensure(KAFKA.bootstrapServers(), Map.of("iris-in", 2, "iris-predictions", 2, "iris-dlq", 1));
        try (InputProducer producer = new InputProducer(KAFKA.bootstrapServers(), "iris-in")) {
            iris.forEach(producer::send);
            producer.flush();
        }

        JobClient job = startJob(new Configuration(), "--bootstrap-servers", KAFKA.bootstrapServers(),
                "--input-topic", "iris-in", "--predictions-topic", "iris-predictions",
                "--dead-letter-topic", "iris-dlq",
                "--model", modelDir.toString(), "--bounded", "--starting-offsets", "earliest",
                "--parallelism", "2", "--checkpoint-interval", "0", "--job-name", "classification-it");
        job.getJobExecutionResult().get(5, TimeUnit.MINUTES);

        List<Prediction> predictions = readPredictions(KAFKA.bootstrapServers(), "iris-predictions", iris.size(),
                Duration.ofSeconds(60));
        Predictor model = ModelArtifact.load(modelDir.toString());
        List<String> classes = model.metadata().classes();

        assertThat(predictions).extracting(Prediction::id)
                .containsExactlyInAnyOrderElementsOf(iris.stream().map(InputRecord::id).toList());
        JsonInputCodec codec = new JsonInputCodec();
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
        assertThat(sum(REPORTER, id, ScoringMetrics.EVALUATED)).isEqualTo(iris.size());
        assertThat(sum(REPORTER, id, ScoringMetrics.CORRECT)).isEqualTo(right);
        assertThat((double) right / iris.size()).as("accuracy over all of iris").isGreaterThan(0.9);
        assertThat(sum(REPORTER, id, InputMetrics.INVALID_RECORDS)).isZero();
    }
}
