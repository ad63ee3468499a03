package dev.streampredict.kafka;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * Three (or more) real Kafka nodes on 127.0.0.1, each broker and controller (KRaft, a quorum of all of them), each
 * in its own JVM, with replication as production runs it: every topic, the offsets and the transaction log on three
 * replicas, two of which must acknowledge a write ({@code min.insync.replicas=2}). One node can be killed and the
 * cluster goes on.
 */
public final class LocalKafkaCluster implements AutoCloseable {

    private static final Duration START_TIMEOUT = Duration.ofSeconds(120);

    private final Path dataDir;
    private final int[] ports;
    private final List<Path> configs;
    private final Process[] nodes;

    private LocalKafkaCluster(Path dataDir, int[] ports, List<Path> configs) {
        this.dataDir = dataDir;
        this.ports = ports;
        this.configs = configs;
        this.nodes = new Process[ports.length];
    }

    public static LocalKafkaCluster start(Path dataDir, int size) throws IOException {
        if (size < 3) {
            throw new IllegalArgumentException("a replicated cluster needs at least 3 nodes, got " + size);
        }
        int[] ports = new int[size];
        int[] controllerPorts = new int[size];
        List<String> voters = new ArrayList<>();
        for (int i = 0; i < size; i++) {
            ports[i] = LocalKafkaBroker.freePort();
            controllerPorts[i] = LocalKafkaBroker.freePort();
            voters.add((i + 1) + "@127.0.0.1:" + controllerPorts[i]);
        }
        String classpath = LocalKafkaBroker.brokerClasspath();
        String clusterId = LocalKafkaBroker.newClusterId();
        List<Path> configs = new ArrayList<>();
        for (int i = 0; i < size; i++) {
            Path nodeDir = dataDir.resolve("node-" + (i + 1)).toAbsolutePath();
            Files.createDirectories(nodeDir);
            Path config = nodeDir.resolve("server.properties");
            Files.writeString(config, config(i + 1, ports[i], controllerPorts[i], String.join(",", voters), nodeDir,
                    size));
            LocalKafkaBroker.format(classpath, nodeDir, config, clusterId, false);
            configs.add(config);
        }
        LocalKafkaCluster cluster = new LocalKafkaCluster(dataDir, ports, configs);
        try {
            for (int i = 0; i < size; i++) {
                cluster.launch(i);
            }
            cluster.awaitNodes(size);
        } catch (IOException | RuntimeException e) {
            cluster.close();
            throw e;
        }
        return cluster;
    }

    /** Every node: a client that knows one finds the others. */
    public String bootstrapServers() {
        return Arrays.stream(ports).mapToObj(p -> "127.0.0.1:" + p).collect(Collectors.joining(","));
    }

    public Admin admin() {
        return Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers()));
    }

    /** Kills node {@code id} (1-based) with SIGKILL: no controlled shutdown, as when a machine dies. */
    public void kill(int id) throws InterruptedException {
        Process node = nodes[id - 1];
        node.destroyForcibly();
        node.waitFor(30, TimeUnit.SECONDS);
    }

    /** Starts node {@code id} again on its data, and waits until the cluster has all its nodes. */
    public void restart(int id) throws IOException {
        launch(id - 1);
        awaitNodes(ports.length);
    }

    @Override
    public void close() {
        for (Process node : nodes) {
            if (node != null && node.isAlive()) {
                node.destroy();
            }
        }
        for (Process node : nodes) {
            try {
                if (node != null && !node.waitFor(30, TimeUnit.SECONDS)) {
                    node.destroyForcibly();
                }
            } catch (InterruptedException e) {
                node.destroyForcibly();
                Thread.currentThread().interrupt();
            }
        }
    }

    private void launch(int index) throws IOException {
        Path nodeDir = configs.get(index).getParent();
        nodes[index] = new ProcessBuilder(LocalKafkaBroker.java(LocalKafkaBroker.brokerClasspath(), nodeDir,
                "-Xmx384m", BrokerMain.class.getName(), Long.toString(ProcessHandle.current().pid()),
                configs.get(index).toString()))
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(nodeDir.resolve("broker.out").toFile()))
                .start();
    }

    private void awaitNodes(int expected) throws IOException {
        Instant deadline = Instant.now().plus(START_TIMEOUT);
        while (Instant.now().isBefore(deadline)) {
            for (int i = 0; i < nodes.length; i++) {
                if (nodes[i] != null && !nodes[i].isAlive() && nodes[i].exitValue() != 137) {
                    throw new IOException("Kafka node " + (i + 1) + " exited with code " + nodes[i].exitValue()
                            + "; its log is " + configs.get(i).getParent().resolve("broker.log"));
                }
            }
            try (Admin admin = admin()) {
                if (admin.describeCluster().nodes().get(5, TimeUnit.SECONDS).size() == expected) {
                    return;
                }
            } catch (Exception notYet) {
                // the quorum forms once a majority of controllers is up
            }
            LocalKafkaBroker.sleep(300);
        }
        throw new IOException("the Kafka cluster in " + dataDir + " did not have " + expected + " nodes within "
                + START_TIMEOUT);
    }

    private static String config(int nodeId, int port, int controllerPort, String voters, Path nodeDir, int size) {
        List<String> properties = new ArrayList<>(LocalKafkaBroker.nodeProperties(nodeId,
                "controller.quorum.voters=" + voters,
                "PLAINTEXT://127.0.0.1:" + port + ",CONTROLLER://127.0.0.1:" + controllerPort,
                "PLAINTEXT://127.0.0.1:" + port, "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT", nodeDir.resolve("logs"),
                Math.min(3, size), 2));
        // a dead node leaves the ISR after this, so that writes go on with the two left
        properties.add("replica.lag.time.max.ms=5000");
        return String.join("\n", properties) + "\n";
    }
}
