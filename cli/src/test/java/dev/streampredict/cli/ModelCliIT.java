package dev.streampredict.cli;

import dev.streampredict.common.message.InputRecord;
import dev.streampredict.model.ModelArchive;
import dev.streampredict.model.ModelArtifact;
import dev.streampredict.model.ModelRuntime;
import dev.streampredict.model.OnnxModels;
import dev.streampredict.model.TargetMode;
import dev.streampredict.registry.ModelCommand;
import dev.streampredict.registry.RegistryRecords;
import dev.streampredict.testing.KafkaBrokerExtension;
import dev.streampredict.testing.TopicWriter;
import dev.streampredict.training.FitOptions;
import dev.streampredict.training.RegressionTraining;
import dev.streampredict.training.TrainedModel;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.OutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The registry CLI as a user types it, against a real broker. */
class ModelCliIT {

    @RegisterExtension
    static final KafkaBrokerExtension KAFKA = new KafkaBrokerExtension();

    @TempDir
    static Path dir;
    private static String first;
    private static String second;

    @BeforeAll
    static void trainModels() throws Exception {
        first = train("first", "value", 1);
        second = train("second", "value", 2);
        train("other-feature", "level", 3);
    }

    @Test
    void publishListDescribeAndEveryPolicyCommandAsTheJobWouldApplyThem() {
        assertThat(run("publish", dir.resolve("first").toString())).startsWith("0|published " + first);
        assertThat(run("publish", dir.resolve("second").toString(), "--as", "shadow")).startsWith("0|");

        String listed = run("list");
        assertThat(listed).contains(first + " ").contains("REGRESSION").contains("serving: stable " + first
                + ", shadow " + second);
        assertThat(run("describe", second)).contains("\"modelVersion\" : \"" + second + "\"")
                .contains("test.mseRatioToPersistence");

        assertThat(run("promote")).startsWith("0|sent 'promote");
        assertThat(run("list")).contains("serving: stable " + second);
        assertThat(run("rollback")).startsWith("0|");
        assertThat(run("list")).contains("serving: stable " + first);
        assertThat(run("canary", second, "30")).startsWith("0|");
        assertThat(run("list")).contains("serving: stable " + first + ", canary " + second + " on 30% of keys");
        assertThat(run("stable", second)).startsWith("0|");
        assertThat(run("list")).contains("serving: stable " + second);
    }

    @Test
    void mistakesAreRefusedBeforeAnythingIsSentAndSayWhatIsWrong() {
        String topic = "models-mistakes";
        assertThat(run("--model-registry", topic, "publish", dir.resolve("nothing-here").toString()))
                .startsWith("2|").contains("does not exist");
        assertThat(run("--model-registry", topic, "publish", dir.resolve("first").toString(), "--as", "gold"))
                .startsWith("2|").contains("--as takes stable, shadow, canary or none");
        assertThat(run("--model-registry", topic, "publish", dir.resolve("first").toString())).startsWith("0|");
        assertThat(run("--model-registry", topic, "stable", "v-typo")).startsWith("2|")
                .contains("names version v-typo, which has not been published");
        assertThat(run("--model-registry", topic, "promote")).startsWith("2|")
                .contains("there is no canary or shadow to promote");
        assertThat(run("--model-registry", topic, "canary", first, "150")).startsWith("2|").contains("1 to 99");
        assertThat(run("--model-registry", topic, "describe", "v-typo")).startsWith("2|")
                .contains("version v-typo is not in " + topic);
        assertThat(run("--model-registry", topic, "publish", dir.resolve("other-feature").toString()))
                .startsWith("2|").contains("every job following " + topic + " would refuse").contains("(mismatch)");
        assertThat(run("--model-registry", topic, "list")).contains("serving: stable " + first)
                .doesNotContain("v-typo").doesNotContain("other-feature");
    }

    @Test
    void whatAJobWouldRefuseIsRefusedAtTheTerminalAndListedWithItsReason() throws Exception {
        String topic = "models-hostile";
        Path garbage = Files.createDirectories(dir.resolve("garbage"));
        Files.copy(dir.resolve("first").resolve(ModelArtifact.METADATA_FILE),
                garbage.resolve(ModelArtifact.METADATA_FILE));
        Files.writeString(garbage.resolve(ModelRuntime.DL4J.fileName()), "not a network");
        assertThat(run("--model-registry", topic, "publish", garbage.toString())).startsWith("2|")
                .contains("would refuse " + first + " (corrupt)");
        assertThat(run("--model-registry", topic, "publish", dir.resolve("first").toString())).startsWith("0|");

        // what anyone with WRITE on the topic can write, bypassing the CLI
        ModelArchive good = ModelArchive.of(dir.resolve("second").toString());
        ProducerRecord<byte[], byte[]> broken = RegistryRecords.artifact(topic, good, null);
        broken.value()[broken.value().length / 2] ^= 0x55; // inside the network's weights
        ProducerRecord<byte[], byte[]> forged = new ProducerRecord<>(topic, 0, null, null, good.bytes(),
                List.of(new RecordHeader(RegistryRecords.HEADER_TYPE, "artifact".getBytes(StandardCharsets.UTF_8)),
                        new RecordHeader(RegistryRecords.HEADER_VERSION,
                                "v9\nWARN fake: command accepted".getBytes(StandardCharsets.UTF_8))));
        TopicWriter.write(KAFKA.bootstrapServers(), broken, forged, RegistryRecords.command(topic,
                ModelCommand.of(ModelCommand.Action.STABLE, second, 0, "hostile"), null));

        String listed = run("--model-registry", topic, "list");
        assertThat(listed).contains("refused: ").contains("v9\\nWARN fake").doesNotContain("v9\nWARN")
                .contains("refused commands and records:").contains("unknown_version")
                .contains("serving: stable " + first);
    }

    @Test
    void aSignedRegistryAppliesOnlyWhatItsKeySigned() throws Exception {
        String topic = "models-signed";
        Path keys = dir.resolve("keys");
        assertThat(runTool("keygen", keys.toString())).startsWith("0|wrote");
        String key = keys.resolve("registry.key").toString();
        String pub = keys.resolve("registry.pub").toString();
        assertThat(runTool("keygen", keys.toString())).startsWith("2|").contains("exists already");

        assertThat(run("--model-registry", topic, "--signing-key", key, "publish", dir.resolve("first").toString()))
                .startsWith("0|").contains(", signed");
        assertThat(run("--model-registry", topic, "publish", dir.resolve("second").toString())).startsWith("0|");

        assertThat(run("--model-registry", topic, "--verify-key", pub, "list"))
                .contains("refused: unsigned").contains("serving: stable " + first);
        // the name the model CLI had before it took the job's --model-registry is still accepted
        assertThat(run("--registry-topic", topic, "list")).contains("serving: stable " + second);
        assertThat(run("--model-registry", topic, "--signing-key", pub, "promote")).startsWith("2|")
                .contains("give the private key (registry.key)");
    }


    @Test
    void anOnnxFileImportedAndPublishedAsShadowServesBesideTheStableModel() throws Exception {
        String topic = "models-import";
        Path onnx = Files.write(dir.resolve("linear.onnx"), OnnxModels.linear(new float[]{0.5f, 0.25f, 0.25f, 0}, 0));
        assertThat(run("--model-registry", topic, "publish", dir.resolve("first").toString())).startsWith("0|");

        String imported = run("--model-registry", topic, "import", onnx.toString(), "--task", "regression",
                "--feature", "value", "--window", "4", "--output", dir.resolve("imported").toString(), "--publish",
                "--as", "shadow");

        assertThat(imported).startsWith("0|imported linear.onnx as linear-")
                .contains("forecasts value from a window of 4, run by onnx").contains("as shadow");
        String version = ModelArtifact.readMetadata(dir.resolve("imported").toString()).modelVersion();
        assertThat(run("--model-registry", topic, "list")).contains("serving: stable " + first + ", shadow "
                + version).contains("REGRESSION / onnx").contains("REGRESSION / dl4j");
        assertThat(run("--model-registry", topic, "describe", version)).contains("\"runtime\" : \"ONNX\"")
                .contains("\"inputShape\" : [ -1, 4 ]");
    }

    @Test
    void importMistakesSayWhatToGive() throws Exception {
        Path onnx = Files.write(dir.resolve("mistakes.onnx"), OnnxModels.linear(new float[]{1, 1, 1}, 0));
        String out = dir.resolve("mistaken").toString();
        assertThat(runTool("import", onnx.toString(), "--task", "regresion", "--output", out)).startsWith("2|")
                .contains("Invalid value for option '--task'").contains("REGRESSION");
        assertThat(runTool("import", onnx.toString(), "--task", "regression", "--feature", "v", "--window", "4",
                "--output", out)).startsWith("2|").contains("give --window 3");
        assertThat(runTool("import", dir.resolve("absent.onnx").toString(), "--task", "regression", "--feature", "v",
                "--window", "3", "--output", out)).startsWith("2|").contains("no model file at");
        assertThat(runTool("import", onnx.toString(), "--task", "regression", "--feature", "v", "--window", "3",
                "--standardize-from", dir.resolve("absent.csv").toString(), "--output", out)).startsWith("2|")
                .contains("absent.csv does not exist");
        assertThat(runTool("import", onnx.toString(), "--task", "classification", "--output", out))
                .startsWith("2|").contains("give --outputs probabilities or --outputs logits");
        assertThat(ModelArtifact.exists(Path.of(out))).isFalse();
    }

    /** A subcommand without registry options. */
    private static String runTool(String... args) {
        StringWriter out = new StringWriter();
        CommandLine cli = ModelCli.commandLine();
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(out, true));
        return cli.execute(args) + "|" + out;
    }

    /** The exit code, '|', and what the command printed to stdout and stderr. */
    private static String run(String... args) {
        List<String> all = new ArrayList<>();
        // the registry options belong to the subcommand: move them after it
        List<String> options = new ArrayList<>(List.of("--bootstrap-servers", KAFKA.bootstrapServers()));
        int i = 0;
        while (i < args.length && args[i].startsWith("--")) {
            options.add(args[i]);
            options.add(args[i + 1]);
            i += 2;
        }
        all.add(args[i]);
        all.addAll(options);
        all.addAll(List.of(args).subList(i + 1, args.length));
        StringWriter out = new StringWriter();
        CommandLine cli = ModelCli.commandLine();
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(out, true));
        int code = cli.execute(all.toArray(String[]::new));
        return code + "|" + out;
    }

    private static String train(String name, String feature, long seed) throws Exception {
        List<InputRecord> series = new ArrayList<>();
        for (int i = 0; i < 400; i++) {
            series.add(new InputRecord("id-" + i, "k", i, Map.of(feature, Math.sin(i / 5.0) + 0.01 * (i % 7)),
                    null));
        }
        TrainedModel model = RegressionTraining.train(series, new RegressionTraining.Settings(name, "generated",
                        feature, 4, TargetMode.DIFFERENCE, 0.15, 0.15, new FitOptions(List.of(4), 3, 2, 32, 0.01,
                                seed)),
                new PrintStream(OutputStream.nullOutputStream()));
        model.save(dir.resolve(name));
        return ModelArtifact.readMetadata(dir.resolve(name).toString()).modelVersion();
    }
}
