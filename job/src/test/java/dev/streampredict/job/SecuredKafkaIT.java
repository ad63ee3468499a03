package dev.streampredict.job;

import dev.streampredict.common.kafka.Topics;
import dev.streampredict.common.message.Prediction;
import dev.streampredict.kafka.LocalKafkaBroker;
import dev.streampredict.producer.ProducerCli;
import dev.streampredict.testing.MiniClusters;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.test.junit5.InjectMiniCluster;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ScramCredentialInfo;
import org.apache.kafka.clients.admin.ScramMechanism;
import org.apache.kafka.clients.admin.UserScramCredentialUpsertion;
import org.apache.kafka.common.acl.AccessControlEntry;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourcePattern;
import org.apache.kafka.common.resource.ResourceType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static dev.streampredict.job.PipelineTesting.readPredictions;
import static dev.streampredict.job.PipelineTesting.startJob;
import static dev.streampredict.job.PipelineTesting.trainSyntheticModel;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The job and the producer against Kafka as production runs it: TLS with a certificate made by this test, SCRAM-SHA-512
 * logins, and ACLs that give each principal only what it needs. Wrong or missing credentials, and missing ACLs, stop
 * a client at start with a message that says so.
 */
class SecuredKafkaIT {

    private static final String PASSWORD = "changeit-" + System.nanoTime();

    @RegisterExtension
    static final MiniClusterExtension FLINK = new MiniClusterExtension();

    @TempDir
    static Path dir;
    private static LocalKafkaBroker kafka;
    private static Path model;
    private static Path truststore;

    @BeforeAll
    static void startSecuredKafka() throws Exception {
        Path keystore = dir.resolve("broker.p12");
        truststore = dir.resolve("truststore.p12");
        keytool("-genkeypair", "-alias", "broker", "-keyalg", "RSA", "-keysize", "2048", "-validity", "2",
                "-dname", "CN=localhost", "-ext", "SAN=ip:127.0.0.1,dns:localhost", "-keystore", keystore.toString(),
                "-storetype", "PKCS12", "-storepass", PASSWORD, "-keypass", PASSWORD);
        keytool("-exportcert", "-alias", "broker", "-keystore", keystore.toString(), "-storepass", PASSWORD,
                "-file", dir.resolve("broker.crt").toString());
        keytool("-importcert", "-noprompt", "-alias", "broker", "-file", dir.resolve("broker.crt").toString(),
                "-keystore", truststore.toString(), "-storetype", "PKCS12", "-storepass", PASSWORD);
        kafka = LocalKafkaBroker.startSecured(dir.resolve("kafka"), new LocalKafkaBroker.SaslSsl(keystore, PASSWORD));
        Topics.ensure(kafka.bootstrapServers(), Map.of("s-in", 2, "s-out", 2, "s-dlq", 1));
        try (Admin admin = kafka.admin()) {
            List<UserScramCredentialUpsertion> users = new ArrayList<>();
            for (String user : List.of("job", "feeder", "stranger", "half")) {
                users.add(new UserScramCredentialUpsertion(user,
                        new ScramCredentialInfo(ScramMechanism.SCRAM_SHA_512, 4096), user + "-secret"));
            }
            admin.alterUserScramCredentials(List.copyOf(users)).all().get(30, TimeUnit.SECONDS);
            admin.createAcls(List.of(
                    allow("job", ResourceType.TOPIC, "s-in", AclOperation.READ),
                    allow("job", ResourceType.GROUP, "secured-job", AclOperation.READ),
                    allow("job", ResourceType.TOPIC, "s-out", AclOperation.WRITE),
                    allow("job", ResourceType.TOPIC, "s-dlq", AclOperation.WRITE),
                    allow("feeder", ResourceType.TOPIC, "s-in", AclOperation.WRITE),
                    // may read and write the data, but not the dead-letter topic
                    allow("half", ResourceType.TOPIC, "s-in", AclOperation.READ),
                    allow("half", ResourceType.TOPIC, "s-out", AclOperation.WRITE),
                    allow("half", ResourceType.TOPIC, "s-dlq", AclOperation.DESCRIBE)))
                    .all().get(30, TimeUnit.SECONDS);
        }
        model = trainSyntheticModel(dir, 3);
    }

    @AfterAll
    static void stopKafka() {
        if (kafka != null) {
            kafka.close();
        }
    }

    @AfterEach
    void cancelLeftoverJobs(@InjectMiniCluster MiniCluster cluster) throws Exception {
        MiniClusters.cancelRunningJobs(cluster);
    }

    @Test
    void theProducerAndTheJobWorkThroughSaslSslWithOnlyTheirOwnAcls() throws Exception {
        int sent = new CommandLine(new ProducerCli()).execute("--bootstrap-servers", kafka.securedBootstrapServers(),
                "--kafka-config", clientConfig("feeder", "feeder-secret").toString(), "--input-topic", "s-in",
                "--source", "synthetic", "--keys", "3", "--count", "300", "--rate", "0");
        assertThat(sent).as("the producer CLI's exit code").isZero();

        JobClient job = startJob(new Configuration(), jobArgs(clientConfig("job", "job-secret")));
        job.getJobExecutionResult().get(3, TimeUnit.MINUTES);

        // read as the super user, on the plain listener
        List<Prediction> predictions = readPredictions(kafka.bootstrapServers(), "s-out", 300, Duration.ofSeconds(60));
        assertThat(predictions).hasSize(300).extracting(Prediction::key).containsOnly("series-0", "series-1",
                "series-2");
    }

    @Test
    void wrongCredentialsFailAtStartAndSaySo() throws Exception {
        long start = System.nanoTime();
        assertThatThrownBy(() -> startJob(new Configuration(), jobArgs(clientConfig("job", "wrong"))))
                .hasMessageContaining("refused this client's credentials")
                .hasMessageContaining(kafka.securedBootstrapServers());
        assertThat(System.nanoTime() - start).as("an answer, not a retry loop")
                .isLessThan(TimeUnit.SECONDS.toNanos(60));

        int exit = new CommandLine(new ProducerCli()).execute("--bootstrap-servers", kafka.securedBootstrapServers(),
                "--kafka-config", clientConfig("feeder", "wrong").toString(), "--input-topic", "s-in",
                "--count", "1");
        assertThat(exit).as("the producer CLI's exit code").isEqualTo(2);
    }

    @Test
    void aMissingTopicIsNamedAtStart() throws Exception {
        String[] args = jobArgs(clientConfig("job", "job-secret"));
        args[Arrays.asList(args).indexOf("s-dlq")] = "no-such-dlq";

        assertThatThrownBy(() -> startJob(new Configuration(), args)).hasMessageContaining("has no topic "
                + "[no-such-dlq]");
    }

    @Test
    void missingAclsAreNamedAtStart() throws Exception {
        assertThatThrownBy(() -> startJob(new Configuration(), jobArgs(clientConfig("stranger", "stranger-secret"))))
                .hasMessageContaining("has no topic [s-in, s-out, s-dlq] that this client may see");
        assertThatThrownBy(() -> startJob(new Configuration(), jobArgs(clientConfig("half", "half-secret"))))
                .hasMessageContaining("does not let this client WRITE topic s-dlq");
    }

    private static String[] jobArgs(Path clientConfig) {
        return new String[]{"--bootstrap-servers", kafka.securedBootstrapServers(),
                "--kafka-config", clientConfig.toString(), "--group-id", "secured-job",
                "--input-topic", "s-in", "--predictions-topic", "s-out", "--dead-letter-topic", "s-dlq",
                "--model", model.toString(), "--bounded", "--starting-offsets", "earliest",
                "--checkpoint-interval", "0", "--parallelism", "1", "--job-name", "secured-it"};
    }

    /** What a user of a secured cluster writes once: their login and the cluster's certificate authority. */
    private static Path clientConfig(String user, String password) throws Exception {
        Path file = dir.resolve(user + "-" + password + ".properties");
        Files.writeString(file, String.join("\n",
                "security.protocol=SASL_SSL",
                "sasl.mechanism=SCRAM-SHA-512",
                "sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required username=\""
                        + user + "\" password=\"" + password + "\";",
                "ssl.truststore.type=PKCS12",
                "ssl.truststore.location=" + truststore,
                "ssl.truststore.password=" + PASSWORD, ""));
        return file;
    }

    private static AclBinding allow(String user, ResourceType type, String name, AclOperation operation) {
        return new AclBinding(new ResourcePattern(type, name, PatternType.LITERAL),
                new AccessControlEntry("User:" + user, "*", operation, AclPermissionType.ALLOW));
    }

    private static void keytool(String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "keytool")
                .toString()));
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes());
        assertThat(process.waitFor()).as("keytool %s: %s", args[0], output).isZero();
    }
}
