package dev.streampredict.sql;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.streampredict.common.kafka.Topics;
import dev.streampredict.common.message.InputRecord;
import dev.streampredict.common.message.JsonInputCodec;
import dev.streampredict.common.message.Prediction;
import dev.streampredict.common.message.PredictionCodec;
import dev.streampredict.job.JobOptions;
import dev.streampredict.job.PredictionJob;
import dev.streampredict.model.Architecture;
import dev.streampredict.model.CalendarFeature;
import dev.streampredict.model.ModelArchive;
import dev.streampredict.model.ModelMetadata;
import dev.streampredict.model.ModelRuntime;
import dev.streampredict.model.PredictionIntervals;
import dev.streampredict.model.Predictor;
import dev.streampredict.model.Standardizer;
import dev.streampredict.model.TargetMode;
import dev.streampredict.model.Task;
import dev.streampredict.model.TestArtifacts;
import dev.streampredict.registry.ModelCommand;
import dev.streampredict.registry.ModelRegistry;
import dev.streampredict.testing.Await;
import dev.streampredict.testing.KafkaBrokerExtension;
import dev.streampredict.testing.MiniClusters;
import dev.streampredict.testing.ReportedMetrics;
import dev.streampredict.testing.TopicReader;
import dev.streampredict.testing.TopicWriter;
import org.apache.flink.api.common.JobID;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.runtime.testutils.InMemoryReporter;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.table.api.TableResult;
import org.apache.flink.table.api.bridge.java.StreamTableEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.flink.types.Row;
import org.apache.flink.util.CloseableIterator;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

/**
 * Flink SQL's ML_PREDICT with a model from the registry on a real broker, planned and run on a MiniCluster: every
 * row gets the model's answer, and a model whose declared columns or version do not fit is refused at planning.
 */
class MlPredictIT {

    private static final List<String> FEATURES = List.of("sepal_length", "sepal_width", "petal_length",
            "petal_width");
    private static final float[] WEIGHTS = {0.5f, -1f, 2f, -0.25f};
    private static final String TOPIC = "sql-models";
    private static final String FORECASTERS = "sql-forecasters";
    private static final String TWO_SERIES = "sql-two-series";
    private static final String CALENDAR = "sql-calendar";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final InMemoryReporter REPORTER = InMemoryReporter.createWithRetainedMetrics();

    @RegisterExtension
    static final MiniClusterExtension FLINK = MiniClusters.reportingTo(REPORTER, 1, 2);

    @RegisterExtension
    static final KafkaBrokerExtension KAFKA = new KafkaBrokerExtension();

    @TempDir
    static Path dir;
    private static ModelArchive onnx;
    private static ModelArchive dl4j;
    private static ModelArchive forecaster;
    private static ModelArchive withoutIntervals;
    private static ModelArchive ofTwoSeries;
    private static ModelArchive threeSteps;
    private static ModelArchive hourly;

    @BeforeAll
    static void publish() throws Exception {
        onnx = TestArtifacts.onnxClassifier("iris-logistic", FEATURES, List.of("no", "yes"), WEIGHTS, -1f, dir);
        dl4j = TestArtifacts.classifier("iris-dl4j", FEATURES, List.of("no", "yes"), 3, dir);
        ModelRegistry registry = new ModelRegistry(KAFKA.bootstrapServers(), TOPIC);
        registry.ensureTopic();
        registry.publish(onnx, List.of(ModelCommand.of(ModelCommand.Action.STABLE, onnx.version(), 0, "test")));
        registry.publish(dl4j, List.of());

        forecaster = TestArtifacts.saved(dir.resolve("close-forecaster"), TestArtifacts.regression(
                "close-forecaster", 4, TargetMode.LEVEL).withIntervals(new PredictionIntervals(0.9, List.of(0.5))),
                TestArtifacts.networkFile(TestArtifacts.network(4, 1)));
        withoutIntervals = TestArtifacts.archive("close-plain", dir);
        ModelRegistry forecasters = new ModelRegistry(KAFKA.bootstrapServers(), FORECASTERS);
        forecasters.ensureTopic();
        forecasters.publish(forecaster, List.of(ModelCommand.of(ModelCommand.Action.STABLE, forecaster.version(),
                0, "test")));
        forecasters.publish(withoutIntervals, List.of());
        threeSteps = TestArtifacts.saved(dir.resolve("close-3-steps"), TestArtifacts.regression("close-3-steps", 4,
                TargetMode.LEVEL).withHorizon(3), TestArtifacts.networkFile(TestArtifacts.network(4, 3)));
        forecasters.publish(threeSteps, List.of());
        hourly = TestArtifacts.saved(dir.resolve("close-hourly"), new ModelMetadata(ModelMetadata.CURRENT_FORMAT,
                "close-hourly", Task.REGRESSION, 4, List.of("close"), "close", TargetMode.LEVEL, new Standardizer(
                new double[3], new double[]{1, 1, 1}), List.of(), "2026-01-01T00:00:00Z", "test", Map.of(),
                ModelRuntime.DL4J, null, null, Architecture.MLP, 1, List.of(CalendarFeature.HOUR_OF_DAY)),
                TestArtifacts.networkFile(TestArtifacts.network(12, 1)));
        ModelRegistry calendar = new ModelRegistry(KAFKA.bootstrapServers(), CALENDAR);
        calendar.ensureTopic();
        calendar.publish(hourly, List.of(ModelCommand.of(ModelCommand.Action.STABLE, hourly.version(), 0, "test")));
        // reads close and volume, forecasts close: 2 series of 4 values
        ofTwoSeries = TestArtifacts.saved(dir.resolve("close-volume"), new ModelMetadata(ModelMetadata.CURRENT_FORMAT,
                "close-volume", Task.REGRESSION, 4, List.of("close", "volume"), "close", TargetMode.LEVEL,
                new Standardizer(new double[]{5, 100}, new double[]{2, 30}), List.of(), "2026-01-01T00:00:00Z", "test",
                Map.of()), TestArtifacts.networkFile(TestArtifacts.network(8, 1)));
        // a registry serves models of one set of inputs: these read two series
        ModelRegistry twoSeries = new ModelRegistry(KAFKA.bootstrapServers(), TWO_SERIES);
        twoSeries.ensureTopic();
        twoSeries.publish(ofTwoSeries, List.of(ModelCommand.of(ModelCommand.Action.STABLE, ofTwoSeries.version(), 0,
                "test")));
    }

    @ParameterizedTest(name = "async {0}")
    @ValueSource(strings = {"true", "false"})
    void everyRowGetsTheStableModelsAnswerBesideItsColumns(String async) throws Exception {
        StreamTableEnvironment sql = StreamTableEnvironment.create(
                StreamExecutionEnvironment.getExecutionEnvironment());
        StringBuilder values = new StringBuilder();
        Random random = new Random(5);
        int count = 1_000;
        for (int i = 0; i < count; i++) {
            values.append(i == 0 ? "" : ", ").append(String.format(Locale.ROOT, "(%d, %.2f, %.2f, %.2f, %.2f)",
                    i, random.nextDouble() * 8, random.nextDouble() * 5, random.nextDouble() * 7,
                    random.nextDouble() * 3));
        }
        sql.executeSql("CREATE TEMPORARY VIEW flowers AS SELECT n, CAST(a AS DOUBLE) AS sepal_length, "
                + "CAST(b AS DOUBLE) AS sepal_width, CAST(c AS DOUBLE) AS petal_length, CAST(d AS DOUBLE) AS "
                + "petal_width FROM (VALUES " + values + ") AS t(n, a, b, c, d)");
        createModel(sql, "iris_species", "species STRING, probability DOUBLE, model_version STRING", "stable");

        TableResult result = sql.executeSql("SELECT * FROM ML_PREDICT(TABLE flowers, MODEL iris_species, "
                + "DESCRIPTOR(sepal_length, sepal_width, petal_length, petal_width), MAP['async', '" + async + "', "
                + "'max-concurrent-operations', '128'])");
        List<Row> rows = collect(result);
        JobID job = result.getJobClient().orElseThrow().getJobID();

        double calls = ReportedMetrics.sum(REPORTER, job, RowScorer.MODEL_CALLS);
        assertThat(ReportedMetrics.sum(REPORTER, job, RowScorer.ROWS_SCORED)).isEqualTo(count);
        if (async.equals("true")) {
            // more than Flink's default of 10 rows in flight: batches as large as the operator lets them be
            assertThat(calls).as("rows scored in micro-batches").isLessThan(count / 10.0);
        } else {
            assertThat(calls).as("one row per call").isEqualTo(count);
        }
        assertThat(rows).extracting(r -> r.getField("n")).doesNotHaveDuplicates().hasSize(count);
        for (Row row : rows) {
            double z = -1;
            for (int i = 0; i < FEATURES.size(); i++) {
                z += WEIGHTS[i] * ((Number) row.getField(FEATURES.get(i))).doubleValue();
            }
            double p = 1 / (1 + Math.exp(-z));
            assertThat(row.getField("species")).as("%s", row).isEqualTo(p > 0.5 ? "yes" : "no");
            assertThat((Double) row.getField("probability")).isCloseTo(Math.max(p, 1 - p), within(1e-5));
            assertThat(row.getField("model_version")).isEqualTo(onnx.version());
        }
    }

    @Test
    void aPinnedVersionServesThatVersionEvenWhenAnotherIsStable() throws Exception {
        StreamTableEnvironment sql = measurements();
        createModel(sql, "iris_pinned", "species STRING, model_version STRING", dl4j.version());

        List<Row> rows = collect(sql, "SELECT species, model_version FROM ML_PREDICT(TABLE measurements, "
                + "MODEL iris_pinned, DESCRIPTOR(sepal_length, sepal_width, petal_length, petal_width))");

        double[][] flowers = {{5.1, 3.5, 1.4, 0.2}, {6.4, 3.2, 4.5, 1.5}, {1.0, 9.0, 0.5, 2.0}, {7.7, 2.6, 6.9, 2.3}};
        double[][] probabilities = dl4j.load().classify(flowers, flowers.length);
        List<String> expected = new ArrayList<>();
        for (double[] p : probabilities) {
            expected.add(p[1] > p[0] ? "yes" : "no");
        }
        assertThat(rows).extracting(r -> r.getField("species")).containsExactlyInAnyOrderElementsOf(expected);
        assertThat(rows).extracting(r -> r.getField("model_version")).containsOnly(dl4j.version());
    }

    @Test
    void kafkaTablesOnBothSidesWithAMalformedRecordSkippedAsTheJsonFormatIsTold() throws Exception {
        Topics.ensure(KAFKA.bootstrapServers(), Map.of("flowers-in", 2, "flowers-out", 2));
        List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>();
        Random random = new Random(11);
        for (int i = 0; i < 200; i++) {
            records.add(json("flowers-in", String.format(Locale.ROOT, "{\"id\": \"f%d\", \"sepal_length\": %.2f, "
                    + "\"sepal_width\": %.2f, \"petal_length\": %.2f, \"petal_width\": %.2f}", i,
                    random.nextDouble() * 8, random.nextDouble() * 5, random.nextDouble() * 7,
                    random.nextDouble() * 3)));
        }
        records.add(json("flowers-in", "{\"id\": \"broken\", \"sepal_length\": "));
        TopicWriter.write(KAFKA.bootstrapServers(), records.toArray(ProducerRecord[]::new));
        StreamTableEnvironment sql = StreamTableEnvironment.create(
                StreamExecutionEnvironment.getExecutionEnvironment());
        sql.executeSql("CREATE TABLE measurements (id STRING, sepal_length DOUBLE, sepal_width DOUBLE, "
                + "petal_length DOUBLE, petal_width DOUBLE) WITH ('connector' = 'kafka', 'topic' = 'flowers-in', "
                + "'properties.bootstrap.servers' = '" + KAFKA.bootstrapServers() + "', "
                + "'scan.startup.mode' = 'earliest-offset', 'scan.bounded.mode' = 'latest-offset', "
                + "'format' = 'json', 'json.ignore-parse-errors' = 'true')");
        sql.executeSql("CREATE TABLE predictions (id STRING, species STRING, probability DOUBLE, "
                + "model_version STRING) WITH ('connector' = 'kafka', 'topic' = 'flowers-out', "
                + "'properties.bootstrap.servers' = '" + KAFKA.bootstrapServers() + "', 'format' = 'json')");
        createModel(sql, "iris_species", "species STRING, probability DOUBLE, model_version STRING", "stable");

        sql.executeSql("INSERT INTO predictions SELECT id, species, probability, model_version FROM "
                + "ML_PREDICT(TABLE measurements, MODEL iris_species, "
                + "DESCRIPTOR(sepal_length, sepal_width, petal_length, petal_width))").await(3, TimeUnit.MINUTES);

        Map<String, JsonNode> inputs = new HashMap<>();
        for (ProducerRecord<byte[], byte[]> record : records.subList(0, 200)) {
            JsonNode input = JSON.readTree(record.value());
            inputs.put(input.get("id").asText(), input);
        }
        List<JsonNode> outputs = new ArrayList<>();
        for (ConsumerRecord<byte[], byte[]> record : TopicReader.readToEnd(KAFKA.bootstrapServers(), "flowers-out")) {
            outputs.add(JSON.readTree(record.value()));
        }
        assertThat(outputs).extracting(o -> o.get("id").asText()).as("one per good record, none for the broken one")
                .containsExactlyInAnyOrderElementsOf(inputs.keySet());
        for (JsonNode output : outputs) {
            JsonNode input = inputs.get(output.get("id").asText());
            double z = -1;
            for (int i = 0; i < FEATURES.size(); i++) {
                z += WEIGHTS[i] * input.get(FEATURES.get(i)).asDouble();
            }
            double p = 1 / (1 + Math.exp(-z));
            assertThat(output.get("species").asText()).isEqualTo(p > 0.5 ? "yes" : "no");
            assertThat(output.get("probability").asDouble()).isCloseTo(Math.max(p, 1 - p), within(1e-5));
            assertThat(output.get("model_version").asText()).isEqualTo(onnx.version());
        }
    }

    @Test
    void kafkaTablesInAvroOnBothSidesAndAnUnreadableRecordFailsTheStatementAsTheAvroFormatHasNoSkip()
            throws Exception {
        Topics.ensure(KAFKA.bootstrapServers(), Map.of("avro-in", 1, "avro-out", 1));
        StreamTableEnvironment sql = StreamTableEnvironment.create(
                StreamExecutionEnvironment.getExecutionEnvironment());
        String kafka = "'connector' = 'kafka', 'properties.bootstrap.servers' = '" + KAFKA.bootstrapServers()
                + "', 'scan.startup.mode' = 'earliest-offset', 'scan.bounded.mode' = 'latest-offset', "
                + "'format' = 'avro'";
        sql.executeSql("CREATE TABLE measurements (id STRING, sepal_length DOUBLE, sepal_width DOUBLE, "
                + "petal_length DOUBLE, petal_width DOUBLE) WITH ('topic' = 'avro-in', " + kafka + ")");
        sql.executeSql("CREATE TABLE predictions (id STRING, species STRING, probability DOUBLE, "
                + "model_version STRING) WITH ('topic' = 'avro-out', " + kafka + ")");
        createModel(sql, "iris_species", "species STRING, probability DOUBLE, model_version STRING", "stable");
        Random random = new Random(13);
        Map<String, double[]> inputs = new HashMap<>();
        StringBuilder values = new StringBuilder();
        for (int i = 0; i < 100; i++) {
            double[] features = {random.nextDouble() * 8, random.nextDouble() * 5, random.nextDouble() * 7,
                random.nextDouble() * 3};
            inputs.put("a" + i, features);
            values.append(i == 0 ? "" : ", ").append(String.format(Locale.ROOT, "('a%d', %f, %f, %f, %f)", i,
                    features[0], features[1], features[2], features[3]));
        }
        sql.executeSql("INSERT INTO measurements SELECT id, CAST(a AS DOUBLE), CAST(b AS DOUBLE), CAST(c AS DOUBLE), "
                + "CAST(d AS DOUBLE) FROM (VALUES " + values + ") AS t(id, a, b, c, d)").await(2, TimeUnit.MINUTES);
        String predict = "INSERT INTO predictions SELECT id, species, probability, model_version FROM "
                + "ML_PREDICT(TABLE measurements, MODEL iris_species, "
                + "DESCRIPTOR(sepal_length, sepal_width, petal_length, petal_width))";

        sql.executeSql(predict).await(3, TimeUnit.MINUTES);

        List<Row> outputs = collect(sql, "SELECT * FROM predictions");
        assertThat(outputs).extracting(r -> r.getField("id")).containsExactlyInAnyOrderElementsOf(inputs.keySet());
        for (Row output : outputs) {
            double[] features = inputs.get((String) output.getField("id"));
            double z = -1;
            for (int i = 0; i < FEATURES.size(); i++) {
                z += WEIGHTS[i] * features[i];
            }
            double p = 1 / (1 + Math.exp(-z));
            assertThat(output.getField("species")).isEqualTo(p > 0.5 ? "yes" : "no");
            assertThat((Double) output.getField("probability")).isCloseTo(Math.max(p, 1 - p), within(1e-5));
        }

        TopicWriter.write(KAFKA.bootstrapServers(), json("avro-in", "not avro"));
        assertThatThrownBy(() -> sql.executeSql(predict).await(3, TimeUnit.MINUTES))
                .satisfies(e -> assertThat(causes(e)).contains("Failed to deserialize Avro record"));
    }

    @Test
    void aRunningStatementFollowsTheStableVersionAsThePublisherChangesIt() throws Exception {
        String registryTopic = "sql-follow";
        ModelRegistry registry = new ModelRegistry(KAFKA.bootstrapServers(), registryTopic);
        registry.ensureTopic();
        registry.publish(onnx, List.of(ModelCommand.of(ModelCommand.Action.STABLE, onnx.version(), 0, "test")));
        registry.publish(dl4j, List.of());
        Topics.ensure(KAFKA.bootstrapServers(), Map.of("follow-in", 1, "follow-out", 1));
        StreamTableEnvironment sql = StreamTableEnvironment.create(
                StreamExecutionEnvironment.getExecutionEnvironment());
        sql.executeSql("CREATE TABLE measurements (id STRING, sepal_length DOUBLE, sepal_width DOUBLE, "
                + "petal_length DOUBLE, petal_width DOUBLE) WITH ('connector' = 'kafka', 'topic' = 'follow-in', "
                + "'properties.bootstrap.servers' = '" + KAFKA.bootstrapServers() + "', "
                + "'scan.startup.mode' = 'earliest-offset', 'format' = 'json')");
        sql.executeSql("CREATE TABLE predictions (id STRING, model_version STRING) WITH ('connector' = 'kafka', "
                + "'topic' = 'follow-out', 'properties.bootstrap.servers' = '" + KAFKA.bootstrapServers() + "', "
                + "'format' = 'json')");
        sql.executeSql("CREATE TEMPORARY MODEL iris_followed INPUT (sepal_length DOUBLE, sepal_width DOUBLE, "
                + "petal_length DOUBLE, petal_width DOUBLE) OUTPUT (species STRING, model_version STRING) WITH ("
                + "'provider' = 'stream-predict', 'registry.topic' = '" + registryTopic + "', "
                + "'properties.bootstrap.servers' = '" + KAFKA.bootstrapServers() + "')");
        TableResult running = sql.executeSql("INSERT INTO predictions SELECT id, model_version FROM "
                + "ML_PREDICT(TABLE measurements, MODEL iris_followed, "
                + "DESCRIPTOR(sepal_length, sepal_width, petal_length, petal_width))");
        try {
            int[] sent = {0};
            Runnable sendOne = () -> {
                try {
                    TopicWriter.write(KAFKA.bootstrapServers(), json("follow-in", "{\"id\": \"r" + sent[0]++
                            + "\", \"sepal_length\": 5.1, \"sepal_width\": 3.5, \"petal_length\": 1.4, "
                            + "\"petal_width\": 0.2}"));
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            };
            sendOne.run();
            Await.until("the first prediction, by the version stable at planning", Duration.ofMinutes(1),
                    () -> versions("follow-out").contains(onnx.version()));

            registry.send(ModelCommand.of(ModelCommand.Action.STABLE, dl4j.version(), 0, "test"));
            Await.until("a prediction by the newly stable version", Duration.ofMinutes(1), () -> {
                sendOne.run();
                return versions("follow-out").contains(dl4j.version());
            });

            List<String> versions = versions("follow-out");
            assertThat(versions.get(0)).isEqualTo(onnx.version());
            assertThat(versions.get(versions.size() - 1)).isEqualTo(dl4j.version());
            assertThat(versions.subList(versions.indexOf(dl4j.version()), versions.size()))
                    .as("no way back once switched").containsOnly(dl4j.version());
        } finally {
            running.getJobClient().orElseThrow().cancel().get(1, TimeUnit.MINUTES);
        }
    }

    @Test
    void aForecastInSqlOverAnArrayAggWindowEqualsTheDataStreamJobsForTheSameRecords() throws Exception {
        int window = forecaster.metadata().windowSize();
        Topics.ensure(KAFKA.bootstrapServers(), Map.of("series-in", 1, "series-out", 1, "series-dlq", 1,
                "series-shadow", 1));
        List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>();
        Random random = new Random(3);
        long start = System.currentTimeMillis() - 600_000;
        int perKey = 25;
        for (int i = 0; i < perKey; i++) {
            for (String key : List.of("north", "south")) {
                records.add(new ProducerRecord<>("series-in", key.getBytes(StandardCharsets.UTF_8),
                        JsonInputCodec.toJson(new InputRecord(key + "-" + i, key, start + i * 1000L,
                                Map.of("close", 5 + 2 * random.nextGaussian())))));
            }
        }
        TopicWriter.write(KAFKA.bootstrapServers(), records.toArray(ProducerRecord[]::new));

        JobOptions options = JobOptions.parse("--bootstrap-servers", KAFKA.bootstrapServers(), "--input-topic",
                "series-in", "--predictions-topic", "series-out", "--dead-letter-topic", "series-dlq",
                "--model-registry", FORECASTERS, "--shadow-topic", "series-shadow", "--starting-offsets",
                "earliest", "--parallelism", "1", "--job-name", "sql-forecast-it");
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        PredictionJob.configure(env, options);
        JobClient job = env.executeAsync(options.jobName());
        Map<String, Prediction> byJob = new HashMap<>();
        try {
            PredictionCodec codec = new PredictionCodec();
            for (ConsumerRecord<byte[], byte[]> record : TopicReader.awaitRecords(KAFKA.bootstrapServers(),
                    "series-out", records.size(), Duration.ofMinutes(2))) {
                Prediction prediction = codec.parse(record.value());
                byJob.put(prediction.id(), prediction);
            }
        } finally {
            job.cancel().get(1, TimeUnit.MINUTES);
        }

        StreamTableEnvironment sql = StreamTableEnvironment.create(
                StreamExecutionEnvironment.getExecutionEnvironment());
        sql.executeSql("CREATE TABLE series (id STRING, `key` STRING, `timestamp` BIGINT, features ROW<`close` "
                + "DOUBLE>, ts AS TO_TIMESTAMP_LTZ(`timestamp`, 3), WATERMARK FOR ts AS ts) WITH ("
                + "'connector' = 'kafka', 'topic' = 'series-in', 'properties.bootstrap.servers' = '"
                + KAFKA.bootstrapServers() + "', 'scan.startup.mode' = 'earliest-offset', "
                + "'scan.bounded.mode' = 'latest-offset', 'format' = 'json')");
        sql.executeSql("CREATE TEMPORARY VIEW windows AS SELECT id, ARRAY_AGG(features.`close`) OVER (PARTITION BY "
                + "`key` ORDER BY ts ROWS BETWEEN " + (window - 1) + " PRECEDING AND CURRENT ROW) AS recent "
                + "FROM series");
        sql.executeSql("CREATE TEMPORARY MODEL close_forecast INPUT (recent ARRAY<DOUBLE>) OUTPUT (forecast "
                + "DOUBLE, lower_bound DOUBLE, upper_bound DOUBLE, model_version STRING) WITH ('provider' = "
                + "'stream-predict', 'registry.topic' = '" + FORECASTERS + "', 'properties.bootstrap.servers' = '"
                + KAFKA.bootstrapServers() + "')");

        List<Row> rows = collect(sql, "SELECT id, forecast, lower_bound, upper_bound, model_version FROM "
                + "ML_PREDICT(TABLE windows, MODEL close_forecast, DESCRIPTOR(recent))");

        assertThat(byJob).as("one job prediction per record").hasSize(records.size());
        assertThat(rows).extracting(r -> r.getField("id")).as("one SQL forecast per record")
                .containsExactlyInAnyOrderElementsOf(byJob.keySet());
        for (Row row : rows) {
            // the same float32 network and the same windows, a key's first ones padded alike
            Prediction fromJob = byJob.get((String) row.getField("id"));
            assertThat((Double) row.getField("forecast")).as("forecast of %s", row.getField("id"))
                    .isCloseTo(fromJob.prediction(), within(1e-9));
            assertThat((Double) row.getField("lower_bound")).isCloseTo(fromJob.interval().lower(), within(1e-9));
            assertThat((Double) row.getField("upper_bound")).isCloseTo(fromJob.interval().upper(), within(1e-9));
            assertThat(row.getField("model_version")).isEqualTo(forecaster.version());
        }
    }

    /** One array per series, in the model's order; a key's first windows padded series by series, as the job does. */
    @Test
    void aForecasterOfTwoSeriesReadsAWindowOfEachFromItsOwnArrayAgg() throws Exception {
        Topics.ensure(KAFKA.bootstrapServers(), Map.of("two-series-in", 1));
        Random random = new Random(11);
        Map<String, List<double[]>> byKey = new HashMap<>();
        List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>();
        long start = System.currentTimeMillis() - 600_000;
        for (int i = 0; i < 12; i++) {
            String key = i % 3 == 0 ? "south" : "north";
            double[] tick = {5 + 2 * random.nextGaussian(), 100 + 30 * random.nextGaussian()};
            byKey.computeIfAbsent(key, k -> new ArrayList<>()).add(tick);
            records.add(new ProducerRecord<>("two-series-in", key.getBytes(StandardCharsets.UTF_8),
                    JsonInputCodec.toJson(new InputRecord(key + "-" + (byKey.get(key).size() - 1), key,
                            start + i * 1000L, Map.of("close", tick[0], "volume", tick[1])))));
        }
        TopicWriter.write(KAFKA.bootstrapServers(), records.toArray(ProducerRecord[]::new));
        StreamTableEnvironment sql = StreamTableEnvironment.create(
                StreamExecutionEnvironment.getExecutionEnvironment());
        sql.executeSql("CREATE TABLE ticks (id STRING, `key` STRING, `timestamp` BIGINT, features ROW<`close` "
                + "DOUBLE, volume DOUBLE>, ts AS TO_TIMESTAMP_LTZ(`timestamp`, 3), WATERMARK FOR ts AS ts) WITH ("
                + "'connector' = 'kafka', 'topic' = 'two-series-in', 'properties.bootstrap.servers' = '"
                + KAFKA.bootstrapServers() + "', 'scan.startup.mode' = 'earliest-offset', "
                + "'scan.bounded.mode' = 'latest-offset', 'format' = 'json')");
        sql.executeSql("CREATE TEMPORARY VIEW windows AS SELECT id, ARRAY_AGG(features.`close`) OVER w AS closes, "
                + "ARRAY_AGG(features.volume) OVER w AS volumes FROM ticks "
                + "WINDOW w AS (PARTITION BY `key` ORDER BY ts ROWS BETWEEN 3 PRECEDING AND CURRENT ROW)");
        sql.executeSql("CREATE TEMPORARY MODEL close_volume INPUT (closes ARRAY<DOUBLE>, volumes ARRAY<DOUBLE>) "
                + "OUTPUT (forecast DOUBLE, model_version STRING) WITH ('provider' = 'stream-predict', "
                + "'registry.topic' = '" + TWO_SERIES + "', 'properties.bootstrap.servers' = '"
                + KAFKA.bootstrapServers() + "', 'version' = '" + ofTwoSeries.version() + "')");

        List<Row> rows = collect(sql, "SELECT id, forecast, model_version FROM ML_PREDICT(TABLE windows, "
                + "MODEL close_volume, DESCRIPTOR(closes, volumes))");

        Predictor model = ofTwoSeries.load();
        assertThat(rows).hasSize(12);
        for (Row row : rows) {
            String[] id = ((String) row.getField("id")).split("-");
            List<double[]> seen = byKey.get(id[0]).subList(0, Integer.parseInt(id[1]) + 1);
            double[] windows = new double[8];
            for (int s = 0; s < 2; s++) {
                for (int i = 0; i < 4; i++) { // the oldest value stands in for the ones before it
                    windows[s * 4 + i] = seen.get(Math.max(0, seen.size() - 4 + i))[s];
                }
            }
            assertThat((Double) row.getField("forecast")).as("forecast of %s", row.getField("id"))
                    .isCloseTo(model.forecast(new double[][]{windows}, 1)[0], within(1e-9));
        }
    }

    @Test
    void aForecasterOfTwoSeriesGivenOneArrayIsRefusedAtPlanningSayingItNeedsOnePerSeries() {
        assertPlanningRefuses("SELECT * FROM (VALUES (ARRAY[1.0E0, 2.0E0])) AS t(recent)", "recent ARRAY<DOUBLE>",
                "forecast DOUBLE", TWO_SERIES, ofTwoSeries.version(), "from the last 4 values of [close, volume]",
                "2 ARRAY<DOUBLE> columns, one window per series in that order");
    }

    @Test
    void aForecasterWhoseInputIsNotAnArrayIsRefusedAtPlanningSayingHowToBuildIt() {
        assertPlanningRefuses("SELECT * FROM (VALUES (1.0), (2.0)) AS t(recent)", "recent DOUBLE", "forecast DOUBLE",
                FORECASTERS, forecaster.version(), "its INPUT must be one ARRAY<DOUBLE> column",
                "ROWS BETWEEN 3 PRECEDING AND CURRENT ROW");
    }

    @Test
    void intervalBoundsOfAForecasterWithoutIntervalsAreRefusedAtPlanning() {
        assertPlanningRefuses("SELECT CAST(ARRAY[1.0, 2.0] AS ARRAY<DOUBLE>) AS recent", "recent ARRAY<DOUBLE>",
                "forecast DOUBLE, lower_bound DOUBLE", FORECASTERS, withoutIntervals.version(), "version "
                        + withoutIntervals.version() + " has no prediction intervals for OUTPUT lower_bound and "
                        + "upper_bound");
    }

    @Test
    void aForecasterOfSeveralStepsIsRefusedAtPlanningSayingTheJobServesThem() {
        assertPlanningRefuses("SELECT CAST(ARRAY[1.0, 2.0] AS ARRAY<DOUBLE>) AS recent", "recent ARRAY<DOUBLE>",
                "forecast DOUBLE", FORECASTERS, threeSteps.version(), "forecasts 3 steps at once",
                "the DataStream job serves every step");
    }

    @Test
    void aForecasterOfTheCalendarIsRefusedAtPlanningSayingTheJobServesIt() {
        assertPlanningRefuses("SELECT CAST(ARRAY[1.0, 2.0] AS ARRAY<DOUBLE>) AS recent", "recent ARRAY<DOUBLE>",
                "forecast DOUBLE", CALENDAR, hourly.version(), "reads the calendar [HOUR_OF_DAY]",
                "the DataStream job serves it");
    }

    /**
     * Plans ML_PREDICT over a view of one column, {@code recent}, with a model of these columns pinned to
     * {@code version}, and expects the planner to refuse it with all of {@code expected} in its messages.
     */
    private static void assertPlanningRefuses(String view, String input, String output, String registry,
                                              String version, String... expected) {
        StreamTableEnvironment sql = StreamTableEnvironment.create(
                StreamExecutionEnvironment.getExecutionEnvironment());
        sql.executeSql("CREATE TEMPORARY VIEW windows AS " + view);
        sql.executeSql("CREATE TEMPORARY MODEL refused INPUT (" + input + ") OUTPUT (" + output + ") WITH ("
                + "'provider' = 'stream-predict', 'registry.topic' = '" + registry + "', "
                + "'properties.bootstrap.servers' = '" + KAFKA.bootstrapServers() + "', 'version' = '" + version
                + "')");

        assertThatThrownBy(() -> sql.executeSql("SELECT * FROM ML_PREDICT(TABLE windows, MODEL refused, "
                + "DESCRIPTOR(recent))")).satisfies(e -> assertThat(causes(e)).contains(expected));
    }

    /** The model_version of each prediction in the topic, in order (one partition). */
    private static List<String> versions(String topic) {
        List<String> versions = new ArrayList<>();
        for (ConsumerRecord<byte[], byte[]> record : TopicReader.readToEnd(KAFKA.bootstrapServers(), topic)) {
            try {
                versions.add(JSON.readTree(record.value()).get("model_version").asText());
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        }
        return versions;
    }

    private static ProducerRecord<byte[], byte[]> json(String topic, String value) {
        return new ProducerRecord<>(topic, value.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void aRowWithANullFeatureGetsNullPredictionsAndTheOthersTheirs() throws Exception {
        StreamTableEnvironment sql = measurements();
        sql.executeSql("CREATE TEMPORARY VIEW with_null AS SELECT * FROM measurements UNION ALL SELECT "
                + "CAST(NULL AS DOUBLE), 1.0, 1.0, 1.0");
        createModel(sql, "iris_nulls", "species STRING, probability DOUBLE, model_version STRING", "stable");

        List<Row> rows = collect(sql, "SELECT * FROM ML_PREDICT(TABLE with_null, MODEL iris_nulls, "
                + "DESCRIPTOR(sepal_length, sepal_width, petal_length, petal_width))");

        assertThat(rows).hasSize(5).filteredOn(r -> r.getField("sepal_length") == null).singleElement()
                .satisfies(r -> {
                    assertThat(r.getField("species")).isNull();
                    assertThat(r.getField("probability")).isNull();
                    assertThat(r.getField("model_version")).isEqualTo(onnx.version());
                });
        assertThat(rows).filteredOn(r -> r.getField("sepal_length") != null)
                .allSatisfy(r -> assertThat(r.getField("species")).isIn("yes", "no"));
    }

    @Test
    void aModelWhoseInputDoesNotMatchIsRefusedAtPlanningNamingTheMismatch() {
        StreamTableEnvironment sql = measurements();
        createModel(sql, "iris_wrong", "species STRING", "stable", "petal_width DOUBLE, petal_length DOUBLE, "
                + "sepal_width DOUBLE, sepal_length DOUBLE");

        assertThatThrownBy(() -> sql.executeSql("SELECT * FROM ML_PREDICT(TABLE measurements, MODEL iris_wrong, "
                + "DESCRIPTOR(petal_width, petal_length, sepal_width, sepal_length))"))
                .satisfies(e -> assertThat(causes(e)).contains("[petal_width, petal_length, sepal_width, "
                        + "sepal_length] does not match the features of version " + onnx.version()));
    }

    @Test
    void anUnknownVersionIsRefusedAtPlanning() {
        StreamTableEnvironment sql = measurements();
        createModel(sql, "iris_typo", "species STRING", "iris-logistc");

        assertThatThrownBy(() -> sql.executeSql("SELECT * FROM ML_PREDICT(TABLE measurements, MODEL iris_typo, "
                + "DESCRIPTOR(sepal_length, sepal_width, petal_length, petal_width))"))
                .satisfies(e -> assertThat(causes(e)).contains("version 'iris-logistc' is not in the registry "
                        + TOPIC));
    }

    private static StreamTableEnvironment measurements() {
        StreamTableEnvironment sql = StreamTableEnvironment.create(
                StreamExecutionEnvironment.getExecutionEnvironment());
        sql.executeSql("CREATE TEMPORARY VIEW measurements AS SELECT CAST(a AS DOUBLE) AS sepal_length, "
                + "CAST(b AS DOUBLE) AS sepal_width, CAST(c AS DOUBLE) AS petal_length, CAST(d AS DOUBLE) AS "
                + "petal_width FROM (VALUES (5.1, 3.5, 1.4, 0.2), (6.4, 3.2, 4.5, 1.5), (1.0, 9.0, 0.5, 2.0), "
                + "(7.7, 2.6, 6.9, 2.3)) AS t(a, b, c, d)");
        return sql;
    }

    private static void createModel(StreamTableEnvironment sql, String name, String output, String version) {
        createModel(sql, name, output, version, "sepal_length DOUBLE, sepal_width DOUBLE, petal_length DOUBLE, "
                + "petal_width DOUBLE");
    }

    private static void createModel(StreamTableEnvironment sql, String name, String output, String version,
                                    String input) {
        sql.executeSql("CREATE TEMPORARY MODEL " + name + " INPUT (" + input + ") OUTPUT (" + output + ") WITH ("
                + "'provider' = 'stream-predict', 'registry.topic' = '" + TOPIC + "', "
                + "'properties.bootstrap.servers' = '" + KAFKA.bootstrapServers() + "', 'version' = '" + version
                + "')");
    }

    private static List<Row> collect(StreamTableEnvironment sql, String query) throws Exception {
        return collect(sql.executeSql(query));
    }

    private static List<Row> collect(TableResult result) throws Exception {
        List<Row> rows = new ArrayList<>();
        try (CloseableIterator<Row> results = result.collect()) {
            results.forEachRemaining(rows::add);
        }
        return rows;
    }

    /** Every message in the cause chain: the planner wraps the provider's own. */
    private static String causes(Throwable e) {
        StringBuilder messages = new StringBuilder();
        for (Throwable t = e; t != null; t = t.getCause()) {
            messages.append(t.getMessage()).append('\n');
        }
        return messages.toString();
    }
}
