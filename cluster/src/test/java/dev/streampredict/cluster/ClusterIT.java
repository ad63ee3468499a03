package dev.streampredict.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.streampredict.common.message.InputRecord;
import dev.streampredict.common.message.Prediction;
import dev.streampredict.common.message.PredictionCodec;
import dev.streampredict.kafka.LocalKafkaBroker;
import dev.streampredict.cli.ModelBootstrap;
import dev.streampredict.model.ModelArchive;
import dev.streampredict.model.TestArtifacts;
import dev.streampredict.producer.InputProducer;
import dev.streampredict.producer.SyntheticSeries;
import dev.streampredict.registry.ModelCommand;
import dev.streampredict.registry.ModelRegistry;
import dev.streampredict.testing.Await;
import dev.streampredict.testing.InBackground;
import dev.streampredict.testing.KafkaBrokerExtension;
import dev.streampredict.testing.TopicReader;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import static dev.streampredict.testing.Steps.step;
import static dev.streampredict.testing.Steps.value;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * The job jar on a real multi-process standalone cluster (scripts/cluster.sh: a JobManager and two TaskManager
 * JVMs), submitted over REST as a user would: predictions arrive, a TaskManager killed with SIGKILL costs no input,
 * and a second submission of the same jar to the same cluster runs too. Both runs load DL4J and ONNX Runtime (a DL4J
 * stable and an ONNX shadow, then the ONNX version promoted): their natives load once per JVM, from lib/.
 */
class ClusterIT {

    private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
    private static final Path JOB_JAR = ROOT.resolve("job/target/job-flink.jar");
    private static final ObjectMapper JSON = new ObjectMapper();

    @RegisterExtension
    static final KafkaBrokerExtension KAFKA = new KafkaBrokerExtension(Map.of("c1-in", 2, "c1-out", 2, "c1-shadow", 2,
            "c2-in", 2, "c2-out", 2, "c2-shadow", 2, "c2-sql", 1, "c2-sql-local", 1,
            "cluster-dlq", 1));
    private static final String REGISTRY = "cluster-models";

    @TempDir
    Path dir;

    private final HttpClient http = HttpClient.newHttpClient();
    private int restPort;

    @Test
    void theJobJarRunsOnAMultiProcessClusterSurvivesAKilledTaskManagerAndCanBeSubmittedAgain() throws Exception {
        assertThat(JOB_JAR).as("the job jar; build it with: mvn -B -DskipTests package -pl job -am").isRegularFile();
        restPort = LocalKafkaBroker.freePort();
        Path work = dir.resolve("cluster");
        Path model = new ModelBootstrap(new PrintStream(PrintStream.nullOutputStream()))
                .forSynthetic(4, 50, 1.0, dir.resolve("models"));
        String kafka = KAFKA.bootstrapServers();
        ModelArchive onnx = TestArtifacts.onnxForecaster("cluster-onnx", SyntheticSeries.FEATURE,
                new float[]{0, 0, 0.5f, 0.5f}, 0, dir.resolve("models"));
        ModelRegistry registry = new ModelRegistry(kafka, REGISTRY);
        registry.ensureTopic();
        String dl4j = ModelArchive.of(model.toString()).version();
        registry.publish(ModelArchive.of(model.toString()), List.of(command(ModelCommand.Action.STABLE, dl4j)));
        registry.publish(onnx, List.of(command(ModelCommand.Action.SHADOW, onnx.version())));
        cluster("start", "--rest-port", Integer.toString(restPort),
                "--rpc-port", Integer.toString(LocalKafkaBroker.freePort()), "--work-dir", work.toString());
        try {
            String jarId = value("upload the job jar", this::upload);

            // first run: at-least-once with checkpoints; kill a TaskManager in the middle of the stream
            String first = value("submit the first run", () -> run(jarId, kafka, "c1"));
            List<InputRecord> inputs = records(4, 2_000);
            step("predictions before a TaskManager is killed, then none lost after", () -> {
                InBackground producer = sendInBackground(kafka, "c1-in", inputs, 200);
                assertThat(TopicReader.awaitRecords(kafka, "c1-out", 400, Duration.ofMinutes(2)))
                        .hasSizeGreaterThanOrEqualTo(400);
                long killed = Long.parseLong(Files.readString(work.resolve("taskmanager-1.pid")).trim());
                new ProcessBuilder("kill", "-9", Long.toString(killed)).start().waitFor();
                producer.await(Duration.ofSeconds(60));

                assertThat(awaitPredictionIds(kafka, "c1-out", inputs, Duration.ofMinutes(3)))
                        .as("no input lost across the killed TaskManager")
                        .containsAll(inputs.stream().map(InputRecord::id).toList());
            });
            step("the ONNX shadow scored beside the DL4J stable model", () ->
                    assertThat(TopicReader.awaitRecords(kafka, "c1-shadow", 100, Duration.ofMinutes(1)))
                            .extracting(r -> new PredictionCodec().parse(r.value()).modelVersion())
                            .containsOnly(onnx.version()));
            step("the job recovered and checkpoints again", () -> {
                assertThat(failures(first)).as("the job saw the TaskManager go and recovered without it")
                        .isPositive();
                Await.until("a completed checkpoint in execution.checkpointing.dir after the recovery",
                        Duration.ofSeconds(60), () -> hasCheckpoint(work.resolve("checkpoints").resolve(first)));
                cancel(first);
            });

            // second submission, as a user makes it: scripts/cluster.sh submit, parallelism left to the cluster;
            // it starts with the ONNX version as stable, in TaskManagers that loaded ONNX Runtime for the first
            registry.send(command(ModelCommand.Action.PROMOTE, null));
            String second = value("submit again with scripts/cluster.sh, no --parallelism", () -> {
                String output = cluster("submit", "--rest-port", Integer.toString(restPort), "--",
                        "--bootstrap-servers", kafka, "--model-registry", REGISTRY, "--shadow-topic", "c2-shadow",
                        "--input-topic", "c2-in",
                        "--predictions-topic", "c2-out", "--dead-letter-topic", "cluster-dlq",
                        "--starting-offsets", "earliest", "--checkpoint-interval", "2s", "--job-name", "cluster-it-c2");
                return JSON.readTree(output.substring(output.indexOf('{'))).path("jobid").asText();
            });
            step("the cluster's parallelism.default decides without --parallelism", () -> {
                JsonNode job = send(HttpRequest.newBuilder(uri("/jobs/" + second)).GET());
                assertThat(job.path("vertices")).filteredOn(v -> v.path("name").asText().contains("model-scorer"))
                        .singleElement().satisfies(v -> assertThat(v.path("parallelism").asInt())
                                .as("flink-conf/config.yaml: parallelism.default 2").isEqualTo(2));
            });

            // a typo in the program arguments fails that submission only: main runs in the JobManager
            step("a typo in the arguments fails only its submission", () -> {
                HttpResponse<String> typo = http.send(HttpRequest.newBuilder(uri("/jars/" + jarId + "/run"))
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(Map.of("programArgsList",
                                List.of("--model", model.toString(), "--paralelism", "2"))))).build(),
                        HttpResponse.BodyHandlers.ofString());
                assertThat(typo.statusCode()).as("the typo's submission fails: %s", typo.body()).isBetween(400, 599);
                assertThat(typo.body()).contains("invalid program arguments").contains("--paralelism");
                assertThat(send(HttpRequest.newBuilder(uri("/jobs/" + second)).GET()).path("state").asText())
                        .as("the running job, on the JobManager that ran the bad main").isEqualTo("RUNNING");
            });
            step("the second run predicts with the ONNX version", () -> {
                List<InputRecord> more = records(4, 200);
                sendInBackground(kafka, "c2-in", more, 0).await(Duration.ofSeconds(60));
                assertThat(awaitPredictionIds(kafka, "c2-out", more, Duration.ofMinutes(2)))
                        .containsAll(more.stream().map(InputRecord::id).toList());
                assertThat(TopicReader.readToEnd(kafka, "c2-out"))
                        .extracting(r -> new PredictionCodec().parse(r.value()).modelVersion())
                        .containsOnly(onnx.version());
                cancel(second);
            });

            // Flink SQL on the same cluster, through Flink's SQL client as a user opens it: the provider is not in
            // the cluster's lib/ but sent with the statement (as ADD JAR sends it), and forecasts the same records
            int window = onnx.metadata().windowSize();
            step("ML_PREDICT from scripts/sql-client.sh --cluster forecasts as the job did", () -> {
                sqlClient(forecastStatements(kafka, window, "c2-sql"), "--cluster", "--rest-port",
                        Integer.toString(restPort));
                assertSqlForecastsEqualTheJobs(kafka, "c2-out", "c2-sql", 200);
            });
            // and in the client's own Flink, the provider on its classpath as in a cluster's lib/
            step("ML_PREDICT from scripts/sql-client.sh in its own Flink forecasts as the job did", () -> {
                sqlClient(forecastStatements(kafka, window, "c2-sql-local"));
                assertSqlForecastsEqualTheJobs(kafka, "c2-out", "c2-sql-local", 200);
            });
        } finally {
            cluster("stop", "--work-dir", work.toString());
        }
    }

    /** Runs scripts/cluster.sh as a user would; returns what it printed. */
    private String cluster(String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of(ROOT.resolve("scripts/cluster.sh").toString()));
        command.addAll(List.of(args));
        Path log = dir.resolve("cluster-" + args[0] + ".log");
        Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        assertThat(process.waitFor(3, TimeUnit.MINUTES)).isTrue();
        String output = Files.readString(log);
        assertThat(process.exitValue()).as("scripts/cluster.sh %s: %s", args[0], output).isZero();
        return output;
    }

    /**
     * The forecasts of the registry's stable model over each key's window of c2-in, into {@code topic}; the client
     * returns when they are all written.
     */
    private static String forecastStatements(String kafka, int window, String topic) {
        String table = "'connector' = 'kafka', 'properties.bootstrap.servers' = '" + kafka + "', 'format' = 'json'";
        return "SET 'table.dml-sync' = 'true';\n"
                + "CREATE TABLE inputs (id STRING, `key` STRING, `timestamp` BIGINT, features ROW<`value` DOUBLE>,\n"
                + "  ts AS TO_TIMESTAMP_LTZ(`timestamp`, 3), WATERMARK FOR ts AS ts)\n"
                + "  WITH ('topic' = 'c2-in', 'scan.startup.mode' = 'earliest-offset',\n"
                + "        'scan.bounded.mode' = 'latest-offset', " + table + ");\n"
                + "CREATE TABLE forecasts (id STRING, forecast DOUBLE, model_version STRING)\n"
                + "  WITH ('topic' = '" + topic + "', " + table + ");\n"
                + "CREATE TEMPORARY VIEW windows AS SELECT id, ARRAY_AGG(features.`value`) OVER (PARTITION BY `key`\n"
                + "  ORDER BY ts ROWS BETWEEN " + (window - 1) + " PRECEDING AND CURRENT ROW) AS recent FROM inputs;\n"
                + "CREATE MODEL value_forecast INPUT (recent ARRAY<DOUBLE>) OUTPUT (forecast DOUBLE, model_version "
                + "STRING)\n  WITH ('provider' = 'stream-predict', 'registry.topic' = '" + REGISTRY + "',\n"
                + "        'properties.bootstrap.servers' = '" + kafka + "');\n"
                + "INSERT INTO forecasts SELECT id, forecast, model_version\n"
                + "  FROM ML_PREDICT(TABLE windows, MODEL value_forecast, DESCRIPTOR(recent));\n";
    }

    /** Every one of {@code count} predictions of the job has a SQL forecast of the same record, of equal value. */
    private static void assertSqlForecastsEqualTheJobs(String kafka, String jobTopic, String sqlTopic, int count)
            throws IOException {
        Map<String, Prediction> byJob = new HashMap<>();
        PredictionCodec codec = new PredictionCodec();
        TopicReader.readToEnd(kafka, jobTopic).forEach(r -> {
            Prediction p = codec.parse(r.value());
            byJob.put(p.id(), p);
        });
        List<ConsumerRecord<byte[], byte[]>> forecasts = TopicReader.awaitRecords(kafka, sqlTopic, count,
                Duration.ofMinutes(2));
        assertThat(forecasts).hasSize(count);
        for (ConsumerRecord<byte[], byte[]> record : forecasts) {
            JsonNode forecast = JSON.readTree(record.value());
            Prediction job = byJob.get(forecast.path("id").asText());
            assertThat(job).as("the job's prediction of %s", forecast).isNotNull();
            assertThat(forecast.path("forecast").asDouble()).as("%s", forecast)
                    .isCloseTo(job.prediction(), within(1e-6));
            assertThat(forecast.path("model_version").asText()).isEqualTo(job.modelVersion());
        }
    }

    /** Runs {@code statements} with scripts/sql-client.sh -f as a user would; fails on any statement's error. */
    private void sqlClient(String statements, String... options) throws Exception {
        Path file = Files.writeString(Files.createTempFile(dir, "statements", ".sql"), statements);
        List<String> command = new ArrayList<>(List.of(ROOT.resolve("scripts/sql-client.sh").toString()));
        command.addAll(List.of(options));
        command.addAll(List.of("-f", file.toString()));
        Path log = dir.resolve(file.getFileName() + ".log");
        Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        assertThat(process.waitFor(5, TimeUnit.MINUTES)).as("scripts/sql-client.sh returned").isTrue();
        String output = Files.readString(log);
        assertThat(process.exitValue()).as("scripts/sql-client.sh: %s", output).isZero();
        assertThat(output).as("what scripts/sql-client.sh printed").doesNotContain("[ERROR]");
    }

    /** POST /jars/upload, multipart, as the web UI does. */
    private String upload() throws Exception {
        String boundary = "----stream-predict-" + UUID.randomUUID();
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        body.write(("--" + boundary + "\r\nContent-Disposition: form-data; name=\"jarfile\"; filename=\""
                + JOB_JAR.getFileName() + "\"\r\nContent-Type: application/x-java-archive\r\n\r\n")
                .getBytes(StandardCharsets.UTF_8));
        body.write(Files.readAllBytes(JOB_JAR));
        body.write(("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8));
        JsonNode response = send(HttpRequest.newBuilder(uri("/jars/upload"))
                .header("Content-Type", "multipart/form-data; boundary=" + boundary)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body.toByteArray())));
        String file = response.path("filename").asText();
        assertThat(file).as("upload response %s", response).isNotEmpty();
        return Path.of(file).getFileName().toString();
    }

    /** POST /jars/{id}/run with the job's own arguments; returns the job id. */
    private String run(String jarId, String bootstrap, String prefix) throws Exception {
        List<String> args = List.of("--bootstrap-servers", bootstrap, "--model-registry", REGISTRY,
                "--shadow-topic", prefix + "-shadow",
                "--input-topic", prefix + "-in", "--predictions-topic", prefix + "-out",
                "--dead-letter-topic", "cluster-dlq", "--starting-offsets", "earliest",
                "--checkpoint-interval", "2s", "--parallelism", "2", "--job-name", "cluster-it-" + prefix);
        JsonNode response = send(HttpRequest.newBuilder(uri("/jars/" + jarId + "/run"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(Map.of("programArgsList", args)))));
        String jobId = response.path("jobid").asText();
        assertThat(jobId).as("run response %s", response).isNotEmpty();
        return jobId;
    }

    private static ModelCommand command(ModelCommand.Action action, String version) {
        return ModelCommand.of(action, version, 0, "ClusterIT");
    }

    private static boolean hasCheckpoint(Path jobDir) throws IOException {
        try (var entries = Files.list(jobDir)) {
            return entries.anyMatch(p -> p.getFileName().toString().startsWith("chk-"));
        } catch (NoSuchFileException notYet) {
            return false; // the JobManager creates the directory with the first checkpoint
        }
    }

    /** Failures in the job's exception history, which the web UI shows under Exceptions. */
    private int failures(String jobId) throws Exception {
        return send(HttpRequest.newBuilder(uri("/jobs/" + jobId + "/exceptions")).GET())
                .path("exceptionHistory").path("entries").size();
    }

    private void cancel(String jobId) throws Exception {
        http.send(HttpRequest.newBuilder(uri("/jobs/" + jobId + "?mode=cancel"))
                .method("PATCH", HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.discarding());
    }

    private JsonNode send(HttpRequest.Builder request) throws Exception {
        HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as("%s: %s", request.build().uri(), response.body()).isBetween(200, 299);
        return JSON.readTree(response.body());
    }

    private URI uri(String path) {
        return URI.create("http://127.0.0.1:" + restPort + path);
    }

    private static List<InputRecord> records(int keys, int count) {
        SyntheticSeries series = new SyntheticSeries(keys, 50, 1.0, UUID.randomUUID().getMostSignificantBits(),
                System::currentTimeMillis);
        List<InputRecord> records = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            records.add(series.next());
        }
        return records;
    }

    private static InBackground sendInBackground(String bootstrap, String topic, List<InputRecord> records,
                                                 double rate) {
        return InBackground.start("cluster-it-producer", () -> {
            try (InputProducer producer = new InputProducer(bootstrap, topic)) {
                producer.run(records.iterator(), rate, records.size(), () -> true);
                producer.flush();
            }
        });
    }

    /** Ids of inputs that have a prediction, read until every one of {@code inputs} has or the timeout passed. */
    private static Set<String> awaitPredictionIds(String bootstrap, String topic, List<InputRecord> inputs,
                                                  Duration timeout) {
        PredictionCodec codec = new PredictionCodec();
        Set<String> expected = inputs.stream().map(InputRecord::id).collect(Collectors.toSet());
        Set<String> seen = new HashSet<>();
        int[] parsed = {0};
        return TopicReader.awaitUntil(bootstrap, topic, timeout, records -> {
            // called after every poll: parse only what is new
            records.subList(parsed[0], records.size()).forEach(r -> seen.add(codec.parse(r.value()).id()));
            parsed[0] = records.size();
            return seen.containsAll(expected);
        }).stream().map(r -> codec.parse(r.value()).id()).collect(Collectors.toSet());
    }
}
