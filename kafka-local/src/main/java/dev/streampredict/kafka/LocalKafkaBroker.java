package dev.streampredict.kafka;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A real single-node Kafka broker (KRaft: broker and controller in one process) on 127.0.0.1, run in a JVM of its
 * own from the jars Maven resolved for this module. The data folder survives {@link #close()}, so a second start
 * on the same folder finds its topics again.
 */
public final class LocalKafkaBroker implements AutoCloseable {

    private static final Duration START_TIMEOUT = Duration.ofSeconds(90);
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(30);

    /**
     * A SASL_SSL listener beside the plain one, as a secured production cluster has: TLS with this PKCS12 keystore,
     * SCRAM-SHA-512 logins, and ACLs (StandardAuthorizer; no ACL, no access). The plain listener stays, on
     * 127.0.0.1, as the broker's own and the tests' administrative door: its anonymous principal is the super user
     * that creates the SCRAM users and ACLs.
     */
    public record SaslSsl(Path keystore, String password) {
    }

    private final Path dataDir;
    private final int port;
    private final int securedPort;
    private final Process process;

    private LocalKafkaBroker(Path dataDir, int port, int securedPort, Process process) {
        this.dataDir = dataDir;
        this.port = port;
        this.securedPort = securedPort;
        this.process = process;
    }

    /** Starts a broker on a free port. */
    public static LocalKafkaBroker start(Path dataDir) throws IOException {
        return start(dataDir, freePort());
    }

    /**
     * Formats {@code dataDir} if it is new, starts the broker and waits until it answers.
     *
     * @param port the client port; the controller takes another free port
     */
    public static LocalKafkaBroker start(Path dataDir, int port) throws IOException {
        return start(dataDir, port, null);
    }

    /** Starts a broker with a {@link SaslSsl} listener too ({@link #securedBootstrapServers()}). */
    public static LocalKafkaBroker startSecured(Path dataDir, SaslSsl security) throws IOException {
        return start(dataDir, freePort(), security);
    }

    private static LocalKafkaBroker start(Path dataDir, int port, SaslSsl security) throws IOException {
        Files.createDirectories(dataDir);
        int securedPort = security == null ? 0 : freePort();
        Path config = writeConfig(dataDir.toAbsolutePath(), port, freePort(), securedPort, security);
        String classpath = brokerClasspath();
        if (!Files.exists(dataDir.resolve("logs").resolve("meta.properties"))) {
            format(classpath, dataDir, config);
        }
        Path out = dataDir.resolve("broker.out");
        Process process = new ProcessBuilder(java(classpath, dataDir, "-Xmx512m",
                BrokerMain.class.getName(), Long.toString(ProcessHandle.current().pid()), config.toString()))
                .redirectErrorStream(true)
                .redirectOutput(out.toFile())
                .start();
        LocalKafkaBroker broker = new LocalKafkaBroker(dataDir, port, securedPort, process);
        try {
            broker.awaitReady();
        } catch (IOException | RuntimeException e) {
            broker.close();
            throw e;
        }
        return broker;
    }

    public String bootstrapServers() {
        return "127.0.0.1:" + port;
    }

    /** The broker's process: the benchmark reads its CPU time. */
    public ProcessHandle process() {
        return process.toHandle();
    }

    /** The SASL_SSL listener of a broker from {@link #startSecured}. */
    public String securedBootstrapServers() {
        if (securedPort == 0) {
            throw new IllegalStateException("this broker has no secured listener: start it with startSecured");
        }
        return "127.0.0.1:" + securedPort;
    }

    public Path dataDir() {
        return dataDir;
    }

    public Admin admin() {
        return Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers()));
    }

    /** Stops the broker cleanly (SIGTERM, Kafka's controlled shutdown), forcibly if it takes too long. */
    @Override
    public void close() {
        if (!process.isAlive()) {
            return;
        }
        process.destroy();
        try {
            if (!process.waitFor(STOP_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }

    private void awaitReady() throws IOException {
        Instant deadline = Instant.now().plus(START_TIMEOUT);
        while (Instant.now().isBefore(deadline)) {
            if (!process.isAlive()) {
                throw new IOException("Kafka broker exited with code " + process.exitValue() + " while starting; "
                        + "its log is " + dataDir.resolve("broker.log") + ". Last output:\n" + tail());
            }
            if (portOpen()) {
                try (Admin admin = admin()) {
                    admin.describeCluster().nodes().get(5, TimeUnit.SECONDS);
                    return;
                } catch (Exception notYet) {
                    // the socket is open before the broker has joined its own quorum
                }
            }
            sleep(200);
        }
        throw new IOException("Kafka broker did not answer on " + bootstrapServers() + " within " + START_TIMEOUT
                + "; its log is " + dataDir.resolve("broker.log"));
    }

    private boolean portOpen() {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 500);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private String tail() {
        try {
            List<String> lines = Files.readAllLines(dataDir.resolve("broker.out"));
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 20), lines.size()));
        } catch (IOException e) {
            return "(no output)";
        }
    }

    private static void format(String classpath, Path dataDir, Path config) throws IOException {
        format(classpath, dataDir, config, newClusterId(), true);
    }

    static String newClusterId() {
        byte[] uuid = new byte[16];
        new SecureRandom().nextBytes(uuid);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(uuid);
    }

    /** @param standalone a single controller that forms its own quorum; otherwise the config names the voters */
    static void format(String classpath, Path dataDir, Path config, String clusterId, boolean standalone)
            throws IOException {
        Path out = dataDir.resolve("format.out");
        List<String> args = new ArrayList<>(List.of("kafka.tools.StorageTool", "format"));
        if (standalone) {
            args.add("--standalone");
        }
        // one id in 64 starts with '-', which as a separate argument would read as an option
        args.addAll(List.of("--ignore-formatted", "-c", config.toString(), "--cluster-id=" + clusterId));
        Process format = new ProcessBuilder(java(classpath, dataDir, "-Xmx256m", args.toArray(String[]::new)))
                .redirectErrorStream(true)
                .redirectOutput(out.toFile())
                .start();
        try {
            if (!format.waitFor(60, TimeUnit.SECONDS) || format.exitValue() != 0) {
                format.destroyForcibly();
                throw new IOException("formatting Kafka storage in " + dataDir + " failed:\n" + Files.readString(out));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while formatting Kafka storage", e);
        }
    }

    static List<String> java(String classpath, Path dataDir, String heap, String... mainAndArgs) {
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                heap,
                "-XX:+UseSerialGC",
                "-Dlog4j2.configurationFile=classpath:kafka-broker-log4j2.properties",
                "-Dbroker.log.file=" + dataDir.toAbsolutePath().resolve("broker.log"),
                "-cp", classpath));
        command.addAll(List.of(mainAndArgs));
        return command;
    }

    private static Path writeConfig(Path dataDir, int port, int controllerPort, int securedPort, SaslSsl security)
            throws IOException {
        String secured = security == null ? "" : ",SASL_SSL://127.0.0.1:" + securedPort;
        List<String> properties = new ArrayList<>(nodeProperties(1,
                "controller.quorum.bootstrap.servers=127.0.0.1:" + controllerPort,
                "PLAINTEXT://127.0.0.1:" + port + secured + ",CONTROLLER://127.0.0.1:" + controllerPort,
                "PLAINTEXT://127.0.0.1:" + port + secured,
                "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT,SASL_SSL:SASL_SSL", dataDir.resolve("logs"), 1, 1));
        if (security != null) {
            properties.addAll(List.of(
                    "sasl.enabled.mechanisms=SCRAM-SHA-512",
                    "listener.name.sasl_ssl.scram-sha-512.sasl.jaas.config="
                            + "org.apache.kafka.common.security.scram.ScramLoginModule required;",
                    "ssl.keystore.type=PKCS12",
                    "ssl.keystore.location=" + security.keystore().toAbsolutePath(),
                    "ssl.keystore.password=" + security.password(),
                    "ssl.key.password=" + security.password(),
                    "authorizer.class.name=org.apache.kafka.metadata.authorizer.StandardAuthorizer",
                    "super.users=User:ANONYMOUS",
                    "allow.everyone.if.no.acl.found=false"));
        }
        Path config = dataDir.resolve("server.properties");
        Files.writeString(config, String.join("\n", properties) + "\n");
        return config;
    }

    /**
     * What every node here runs with: broker and controller in one process (KRaft), on 127.0.0.1, topics only as
     * created, and {@code replicas} copies of each topic and internal log, {@code minInsync} of which must have a
     * write. The single broker and each node of a {@link LocalKafkaCluster} differ only in the arguments.
     */
    static List<String> nodeProperties(int nodeId, String quorum, String listeners, String advertisedListeners,
                                       String securityProtocols, Path logDir, int replicas, int minInsync) {
        return List.of(
                "process.roles=broker,controller",
                "node.id=" + nodeId,
                quorum,
                "listeners=" + listeners,
                "advertised.listeners=" + advertisedListeners,
                "controller.listener.names=CONTROLLER",
                "inter.broker.listener.name=PLAINTEXT",
                "listener.security.protocol.map=" + securityProtocols,
                "log.dirs=" + logDir,
                "num.partitions=2",
                // Topics are created on purpose, with their partition counts; a typo must not invent one.
                "auto.create.topics.enable=false",
                "default.replication.factor=" + replicas,
                "min.insync.replicas=" + minInsync,
                "offsets.topic.replication.factor=" + replicas,
                "offsets.topic.num.partitions=4",
                "transaction.state.log.replication.factor=" + replicas,
                "transaction.state.log.min.isr=" + minInsync,
                "transaction.state.log.num.partitions=4",
                "share.coordinator.state.topic.replication.factor=" + replicas,
                "share.coordinator.state.topic.min.isr=" + minInsync,
                "group.initial.rebalance.delay.ms=0",
                "log.retention.hours=24");
    }

    static String brokerClasspath() {
        try (InputStream in = LocalKafkaBroker.class.getResourceAsStream("/kafka-broker.classpath")) {
            if (in == null) {
                throw new IllegalStateException("kafka-broker.classpath is missing from the kafka-local module; "
                        + "build it with Maven (mvn install) so the broker's jars are resolved");
            }
            String jars = new String(in.readAllBytes(), StandardCharsets.UTF_8).trim();
            String self = Path.of(LocalKafkaBroker.class.getProtectionDomain().getCodeSource().getLocation().toURI())
                    .toString();
            return self + File.pathSeparator + jars;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    public static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            socket.setReuseAddress(true);
            return socket.getLocalPort();
        }
    }

    static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }
}
