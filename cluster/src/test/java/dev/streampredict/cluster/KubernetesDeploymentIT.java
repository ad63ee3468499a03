package dev.streampredict.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.streampredict.cli.RetrainCli;
import dev.streampredict.cli.TrainCli;
import dev.streampredict.common.SharedFiles;
import dev.streampredict.job.JobOptions;
import dev.streampredict.producer.ProducerCli;
import org.apache.flink.runtime.util.EnvironmentInformation;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The Kubernetes deployment (deploy/kubernetes) cannot run here (no Kubernetes, no Docker engine), so what can be
 * checked is: every FlinkDeployment against the Flink Kubernetes Operator's published CRD schema, with unknown fields
 * refused; every command's arguments by that command's own parser, the job's included; the kustomization's files;
 * and the image's base version and every path it copies, after the build.
 */
class KubernetesDeploymentIT {

    private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
    private static final Path DEPLOY = ROOT.resolve("deploy/kubernetes");
    /** The operator's CRD, another project's file: read from the workspace's shared folder; CI must have it. */
    private static final String CRD = "flink-kubernetes-operator/flinkdeployments.flink.apache.org-v1.yml";
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    /** Each main class the manifests run, and a new instance of its command. */
    private static final Map<String, Supplier<Object>> COMMANDS = Map.of(
            "dev.streampredict.cli.TrainCli", TrainCli::new,
            "dev.streampredict.cli.RetrainCli", RetrainCli::new,
            "/opt/stream-predict/producer-cli.jar", ProducerCli::new);

    private static StrictSchema flinkDeployment;

    @BeforeAll
    static void readTheOperatorsSchema() throws IOException {
        Path crd = "true".equals(System.getenv("CI")) ? SharedFiles.require(CRD) : SharedFiles.find(CRD).orElse(null);
        assumeTrue(crd != null, "no shared folder with " + CRD + " beside the repository (or " + SharedFiles.ENV
                + "): the manifests are not checked against the operator's schema");
        JsonNode definition = YAML.readTree(crd.toFile());
        for (JsonNode version : definition.path("spec").path("versions")) {
            if (version.path("name").asText().equals("v1beta1")) {
                flinkDeployment = new StrictSchema(version.path("schema").path("openAPIV3Schema")
                        .path("properties").path("spec"));
            }
        }
        assertThat(flinkDeployment).as("the CRD's v1beta1 schema").isNotNull();
    }

    @Test
    void everyFlinkDeploymentFitsTheOperatorsSchemaAndItsJobTakesItsArguments() throws IOException {
        List<JsonNode> deployments = documents().stream()
                .filter(d -> d.path("kind").asText().equals("FlinkDeployment")).toList();
        assertThat(deployments).as("FlinkDeployments in deploy/kubernetes").isNotEmpty();
        for (JsonNode deployment : deployments) {
            String name = deployment.path("metadata").path("name").asText();
            assertThat(deployment.path("apiVersion").asText()).isEqualTo("flink.apache.org/v1beta1");
            assertThat(name).as("metadata.name").isNotBlank();
            assertThat(flinkDeployment.violations(deployment.path("spec"), "spec")).as(name).isEmpty();

            JsonNode spec = deployment.path("spec");
            assertThat(spec.path("flinkVersion").asText()).as("the operator's name for this build's Flink")
                    .isEqualTo("v" + EnvironmentInformation.getVersion().replaceAll("^(\\d+)\\.(\\d+).*", "$1_$2"));
            assertThat(spec.path("job").path("upgradeMode").asText()).isEqualTo("savepoint");
            JobOptions options = JobOptions.parse(strings(spec.path("job").path("args")));
            assertThat(options.parallelism()).as("parallelism comes from job.parallelism, through the configuration")
                    .isNull();
            assertThat(spec.path("flinkConfiguration").path("parallelism.default").asText())
                    .isEqualTo(spec.path("job").path("parallelism").asText());
        }
    }

    @Test
    void aMisspelledFieldOrAWrongValueFailsTheCheckNamingIt() throws IOException {
        assumeTrue(flinkDeployment != null);
        ObjectNode spec = (ObjectNode) documents().stream()
                .filter(d -> d.path("kind").asText().equals("FlinkDeployment")).findFirst().orElseThrow()
                .path("spec").deepCopy();
        ObjectNode job = (ObjectNode) spec.path("job");
        job.set("upgradeMod", job.remove("upgradeMode"));
        job.put("state", "runing");
        ((ObjectNode) spec.path("taskManager").path("resource")).put("memry", "2g");
        // as deep as the Pod template the operator merges into its pods
        ((ObjectNode) spec.path("podTemplate").path("spec").path("containers").get(0).path("volumeMounts").get(0))
                .put("readonly", true);

        assertThat(flinkDeployment.violations(spec, "spec")).containsExactlyInAnyOrder(
                "spec.job.upgradeMod: not in the schema (did you mean upgradeMode?)",
                "spec.job.state: \"runing\" is not one of [\"running\",\"suspended\"]",
                "spec.taskManager.resource.memry: not in the schema (did you mean memory?)",
                "spec.podTemplate.spec.containers[0].volumeMounts[0].readonly: not in the schema (did you mean "
                        + "readOnly?)");
    }

    @Test
    void aTypoInAnArgumentFailsTheBuildNotTheCluster() {
        CommandLine.ParameterException typo = null;
        try {
            JobOptions.parse("--bootstrap-servers", "kafka:9092", "--paralelism", "2");
        } catch (CommandLine.ParameterException e) {
            typo = e;
        }
        assertThat(typo).as("the job's parser refuses it").isNotNull();
        assertThat(typo.getMessage()).contains("--paralelism");
    }

    @Test
    void everyCommandTheManifestsRunTakesItsArguments() throws IOException {
        List<String> checked = new ArrayList<>();
        for (JsonNode document : documents()) {
            for (JsonNode container : document.path("spec").path("template").path("spec").path("containers")) {
                List<String> command = List.of(strings(container.path("command")));
                String main = command.stream().filter(COMMANDS::containsKey).findFirst().orElse(null);
                assertThat(main).as("%s runs one of this project's commands: %s", container.path("name"), command)
                        .isNotNull();
                new CommandLine(COMMANDS.get(main).get()).setCaseInsensitiveEnumValuesAllowed(true)
                        .parseArgs(strings(container.path("args")));
                checked.add(container.path("name").asText());
            }
        }
        assertThat(checked).containsExactlyInAnyOrder("train", "producer", "retrainer");
    }

    @Test
    void theKustomizationNamesFilesThatExist() throws IOException {
        JsonNode kustomization = YAML.readTree(DEPLOY.resolve("kustomization.yaml").toFile());
        assertThat(kustomization.path("resources")).isNotEmpty()
                .allSatisfy(r -> assertThat(DEPLOY.resolve(r.asText())).isRegularFile());
        assertThat(kustomization.path("resources").toString()).as("placeholders are never applied")
                .doesNotContain("secrets.example.yaml");
    }

    @Test
    void theImageIsThisBuildsFlinkAndEveryPathItCopiesExistsAfterTheBuild() throws IOException {
        String dockerfile = Files.readString(DEPLOY.resolve("Dockerfile"));
        assertThat(dockerfile).containsPattern("(?m)^FROM flink:" + Pattern.quote(EnvironmentInformation.getVersion())
                + "-java17$");
        Matcher copy = Pattern.compile("(?m)^COPY (\\S+) (\\S+)$").matcher(dockerfile);
        List<String> sources = new ArrayList<>();
        while (copy.find()) {
            sources.add(copy.group(1));
            assertThat(ROOT.resolve(copy.group(1))).as("COPY %s (the build context is the repository root)",
                    copy.group(1)).exists();
        }
        assertThat(sources).contains("job/target/job-flink.jar", "model/target/runtime-lib/", "cli/target/cli-lib/");
        assertThat(dockerfile).as("the FlinkDeployment's jarURI").contains("/opt/flink/usrlib/job-flink.jar");
        assertThat(Files.readString(DEPLOY.resolve("flink-deployment.yaml")))
                .contains("jarURI: local:///opt/flink/usrlib/job-flink.jar");
    }

    private static List<JsonNode> documents() throws IOException {
        List<JsonNode> documents = new ArrayList<>();
        try (var files = Files.list(DEPLOY)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".yaml"))
                    .filter(f -> !f.getFileName().toString().equals("kustomization.yaml")).sorted().toList()) {
                try (MappingIterator<JsonNode> it = YAML.readerFor(JsonNode.class).readValues(file.toFile())) {
                    it.readAll().stream().filter(d -> !d.isNull() && !d.isEmpty()).forEach(documents::add);
                }
            }
        }
        return documents;
    }

    private static String[] strings(JsonNode list) {
        List<String> values = new ArrayList<>();
        list.forEach(v -> values.add(v.asText()));
        return values.toArray(String[]::new);
    }
}
