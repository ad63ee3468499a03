package dev.streampredict.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.streampredict.common.message.InputRecord;
import dev.streampredict.common.message.PredictionCodec;
import dev.streampredict.kafka.LocalKafkaBroker;
import dev.streampredict.kafka.Topics;
import dev.streampredict.local.ModelBootstrap;
import dev.streampredict.producer.InputProducer;
import dev.streampredict.producer.SyntheticSeries;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
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
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The job jar on a real multi-process standalone cluster (scripts/cluster.sh: a JobManager and two TaskManager
 * JVMs), submitted over REST as a user would: predictions arrive, a TaskManager killed with SIGKILL costs no input,
 * and a second submission of the same jar to the same cluster runs too (DL4J's natives load once, from lib/).
 */
class ClusterIT {

    private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
    private static final Path JOB_JAR = ROOT.resolve("job/target/job-flink.jar");
    private static final ObjectMapper JSON = new ObjectMapper();

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
        try (LocalKafkaBroker kafka = LocalKafkaBroker.start(dir.resolve("kafka"))) {
            Topics.ensure(kafka.bootstrapServers(), Map.of("c1-in", 2, "c1-out", 2, "c2-in", 2, "c2-out", 2,
                    "cluster-dlq", 1));
            cluster("start", "--rest-port", Integer.toString(restPort),
                    "--rpc-port", Integer.toString(LocalKafkaBroker.freePort()), "--work-dir", work.toString());
            try {
                String jarId = upload();

                // first run: at-least-once with checkpoints; kill a TaskManager in the middle of the stream
                String first = run(jarId, kafka.bootstrapServers(), model, "c1");
                List<InputRecord> inputs = records(4, 2_000);
                Thread producer = sendInBackground(kafka.bootstrapServers(), "c1-in", inputs, 200);
                assertThat(awaitPredictionIds(kafka.bootstrapServers(), "c1-out", 400, Duration.ofMinutes(2)))
                        .hasSizeGreaterThanOrEqualTo(400);
                long killed = Long.parseLong(Files.readString(work.resolve("taskmanager-1.pid")).trim());
                new ProcessBuilder("kill", "-9", Long.toString(killed)).start().waitFor();
                producer.join(60_000);

                Set<String> ids = awaitPredictionIds(kafka.bootstrapServers(), "c1-out", inputs.size(),
                        Duration.ofMinutes(3));
                assertThat(ids).as("no input lost across the killed TaskManager")
                        .containsAll(inputs.stream().map(InputRecord::id).toList());
                assertThat(failures(first)).as("the job saw the TaskManager go and recovered without it")
                        .isPositive();
                assertThat(awaitCheckpointIn(work.resolve("checkpoints").resolve(first), Duration.ofSeconds(60)))
                        .as("a completed checkpoint in execution.checkpointing.dir after the recovery").isTrue();
                cancel(first);

                // second submission of the same jar to the same cluster
                String second = run(jarId, kafka.bootstrapServers(), model, "c2");

                // a typo in the program arguments fails that submission only: main runs in the JobManager
                HttpResponse<String> typo = http.send(HttpRequest.newBuilder(uri("/jars/" + jarId + "/run"))
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(Map.of("programArgsList",
                                List.of("--model", model.toString(), "--paralelism", "2"))))).build(),
                        HttpResponse.BodyHandlers.ofString());
                assertThat(typo.statusCode()).as("the typo's submission fails: %s", typo.body()).isBetween(400, 599);
                assertThat(typo.body()).contains("invalid program arguments").contains("--paralelism");
                assertThat(send(HttpRequest.newBuilder(uri("/jobs/" + second)).GET()).path("state").asText())
                        .as("the running job, on the JobManager that ran the bad main").isEqualTo("RUNNING");
                List<InputRecord> more = records(4, 200);
                sendInBackground(kafka.bootstrapServers(), "c2-in", more, 0).join(60_000);
                assertThat(awaitPredictionIds(kafka.bootstrapServers(), "c2-out", more.size(), Duration.ofMinutes(2)))
                        .containsAll(more.stream().map(InputRecord::id).toList());
                cancel(second);
            } finally {
                cluster("stop", "--work-dir", work.toString());
            }
        }
    }

    private void cluster(String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of(ROOT.resolve("scripts/cluster.sh").toString()));
        command.addAll(List.of(args));
        Path log = dir.resolve("cluster-" + args[0] + ".log");
        Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        assertThat(process.waitFor(3, TimeUnit.MINUTES)).isTrue();
        assertThat(process.exitValue()).as("scripts/cluster.sh %s: %s", args[0], Files.readString(log)).isZero();
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
    private String run(String jarId, String bootstrap, Path model, String prefix) throws Exception {
        List<String> args = List.of("--bootstrap-servers", bootstrap, "--model", model.toString(),
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

    /** Failures in the job's exception history, which the web UI shows under Exceptions. */
    private static boolean awaitCheckpointIn(Path jobDir, Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            try (var entries = Files.list(jobDir)) {
                if (entries.anyMatch(p -> p.getFileName().toString().startsWith("chk-"))) {
                    return true;
                }
            } catch (NoSuchFileException notYet) {
                // the JobManager creates the directory with the first checkpoint
            }
            Thread.sleep(200);
        }
        return false;
    }

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

    private static Thread sendInBackground(String bootstrap, String topic, List<InputRecord> records, double rate) {
        Thread thread = new Thread(() -> {
            try (InputProducer producer = new InputProducer(bootstrap, topic)) {
                producer.run(records.iterator(), rate, records.size(), () -> true);
                producer.flush();
            }
        }, "cluster-it-producer");
        thread.start();
        return thread;
    }

    /** Distinct input ids that have a prediction, read until {@code expected} of them or the timeout. */
    private static Set<String> awaitPredictionIds(String bootstrap, String topic, int expected, Duration timeout) {
        PredictionCodec codec = new PredictionCodec();
        Set<String> ids = new HashSet<>();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ConsumerConfig.GROUP_ID_CONFIG, "cluster-it-" + UUID.randomUUID(),
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class,
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class))) {
            consumer.subscribe(List.of(topic));
            long deadline = System.nanoTime() + timeout.toNanos();
            while (ids.size() < expected && System.nanoTime() < deadline) {
                consumer.poll(Duration.ofMillis(500)).forEach(r -> ids.add(codec.parse(r.value()).id()));
            }
        }
        return ids;
    }
}
