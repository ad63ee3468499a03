package dev.streampredict.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import org.apache.flink.runtime.util.EnvironmentInformation;
import org.apache.kafka.common.utils.AppInfoParser;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * docker-compose.yml cannot be run here (no Docker engine), so everything it names is checked instead: the services,
 * that every file and folder it mounts exists after the build, that its images match the versions this build uses,
 * and that its ports match flink-conf and the Prometheus config. With Docker's compose plugin present, it also runs
 * {@code docker compose config}.
 */
class ComposeFileIT {

    private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();

    @Test
    void everythingTheComposeFileNamesExistsAndAgreesWithTheBuild() throws Exception {
        JsonNode compose = new ObjectMapper(new YAMLFactory()).readTree(ROOT.resolve("docker-compose.yml").toFile());
        JsonNode services = compose.path("services");
        assertThat(fieldNames(services)).contains("kafka", "topics", "checkpoints-owner", "jobmanager", "taskmanager",
                "submit", "producer", "prometheus", "grafana");

        // the Flink services share one definition through a YAML merge key, which this parser leaves unmerged
        JsonNode flink = compose.path("x-flink");
        for (String service : List.of("jobmanager", "taskmanager", "submit")) {
            assertThat(services.path(service).has("<<")).as("%s uses the shared Flink definition", service).isTrue();
        }
        List<JsonNode> definitions = new ArrayList<>(List.of(flink));
        services.forEach(definitions::add);
        for (JsonNode definition : definitions) {
            for (JsonNode volume : definition.path("volumes")) {
                String host = volume.asText().split(":")[0];
                if (!host.startsWith(".")) {
                    assertThat(compose.path("volumes").has(host)).as("named volume %s is declared", host).isTrue();
                    continue;
                }
                if (host.equals("./models")) {
                    continue; // the user's trained models; the README says how to make models/sp500-close
                }
                assertThat(ROOT.resolve(host)).as("mounted %s", host).exists();
            }
        }
        String text = Files.readString(ROOT.resolve("docker-compose.yml"));
        assertThat(ROOT.resolve("job/target/job-flink.jar")).isRegularFile();
        assertThat(text).contains("/opt/flink/jobs/job-flink.jar");
        assertThat(ROOT.resolve("producer/target/producer-cli.jar")).isRegularFile();
        assertThat(text).contains("/app/producer-cli.jar");
        assertThat(ROOT.resolve("data/sp500-2000.csv")).isRegularFile();

        assertThat(flink.path("image").asText())
                .startsWith("flink:" + EnvironmentInformation.getVersion() + "-java17");
        assertThat(services.path("kafka").path("image").asText()).isEqualTo("apache/kafka:"
                + AppInfoParser.getVersion());

        String flinkConf = Files.readString(ROOT.resolve("flink-conf/config.yaml"));
        assertThat(flinkConf).contains("port: 8081").contains("port: 9249-9259")
                .contains("dir: file:///tmp/flink-checkpoints")
                .as("savepoints on the same shared volume").contains("savepoint-dir: file:///tmp/flink-checkpoints/");
        assertThat(flink.path("volumes").toString()).as("JobManager and TaskManagers share the checkpoints")
                .contains("checkpoints:/tmp/flink-checkpoints");
        assertThat(services.path("checkpoints-owner").path("image").asText()).isEqualTo(flink.path("image").asText());
        assertThat(flink.path("entrypoint").toString()).as("the image's entrypoint edits a copy of the configuration")
                .contains("cp /opt/stream-predict/conf/config.yaml /opt/flink/conf/");
        assertThat(services.path("jobmanager").path("ports").toString()).contains("8081:8081", "9249:9249");
        assertThat(Files.readString(ROOT.resolve("monitoring/prometheus.yml")))
                .contains("jobmanager:9249", "taskmanager:9249");
        assertThat(ROOT.resolve("README.md")).content().contains("## Running on a cluster", "models/sp500-close");

        Path docker = Path.of("/usr/bin/docker");
        if (Files.isExecutable(docker)) {
            Process config = new ProcessBuilder(docker.toString(), "compose", "config", "--quiet")
                    .directory(ROOT.toFile()).redirectErrorStream(true).start();
            assertThat(config.waitFor(60, TimeUnit.SECONDS)).isTrue();
            String output = new String(config.getInputStream().readAllBytes());
            if (!output.contains("is not a docker command")) { // the compose plugin is missing: nothing to ask
                assertThat(config.exitValue()).as("docker compose config: %s", output).isZero();
            }
        }
    }

    private static List<String> fieldNames(JsonNode node) {
        List<String> names = new ArrayList<>();
        node.fieldNames().forEachRemaining(names::add);
        return names;
    }
}
