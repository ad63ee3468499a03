package dev.streampredict.training;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.streampredict.common.kafka.KafkaClientOptions;
import dev.streampredict.model.ModelArchive;
import dev.streampredict.model.ModelArtifactException;
import dev.streampredict.model.ModelMetadata;
import dev.streampredict.model.registry.ModelCommand;
import dev.streampredict.model.registry.ModelRegistry;
import dev.streampredict.model.registry.RegistryEntry;
import dev.streampredict.model.registry.RegistryRecords;
import dev.streampredict.model.registry.RegistryState;
import dev.streampredict.model.registry.Rejection;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.Callable;

/**
 * {@code model}: the model registry from a terminal. Publishes artifacts, lists and describes them (from record
 * headers, without loading networks), and sets the serving policy of the jobs that follow the registry.
 */
@Command(name = "model", mixinStandardHelpOptions = true,
        description = "Publishes models to the registry topic and sets which version serves.",
        subcommands = {ModelCli.Publish.class, ModelCli.ListVersions.class, ModelCli.Describe.class,
                ModelCli.Stable.class, ModelCli.Canary.class, ModelCli.Shadow.class, ModelCli.Promote.class,
                ModelCli.Rollback.class})
public final class ModelCli {

    private static final ObjectMapper JSON = JsonMapper.builder().enable(SerializationFeature.INDENT_OUTPUT)
            .build();

    public static void main(String[] args) {
        System.exit(new CommandLine(new ModelCli()).setCaseInsensitiveEnumValuesAllowed(true).execute(args));
    }

    /** Where the registry is: the same flags for every subcommand. */
    static class RegistryOptions {
        @Option(names = "--bootstrap-servers", defaultValue = "127.0.0.1:9092",
                description = "Kafka (default: ${DEFAULT-VALUE}).")
        String bootstrapServers;

        @Option(names = "--registry-topic", defaultValue = ModelRegistry.DEFAULT_TOPIC,
                description = "Model registry topic (default: ${DEFAULT-VALUE}).")
        String topic;

        @CommandLine.Mixin
        KafkaClientOptions kafka = new KafkaClientOptions();

        ModelRegistry registry() {
            return new ModelRegistry(bootstrapServers, topic, kafka.settings());
        }
    }

    /** Runs a subcommand, turning the expected failures into one line and exit code 2. */
    abstract static class Subcommand implements Callable<Integer> {
        @CommandLine.Mixin
        RegistryOptions where = new RegistryOptions();

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() {
            PrintWriter err = spec.commandLine().getErr();
            try {
                run(spec.commandLine().getOut());
                return 0;
            } catch (ModelArtifactException | IllegalArgumentException | IllegalStateException e) {
                err.println("error: " + e.getMessage());
                return 2;
            } catch (Exception e) {
                err.println("error: the registry at " + where.bootstrapServers + " could not be used (" + e
                        + "); is Kafka running there?");
                return 1;
            }
        }

        abstract void run(PrintWriter out) throws Exception;

        void send(ModelCommand command, PrintWriter out) throws Exception {
            RegistryState now = read(where.registry());
            try { // refuse here what every job would refuse
                now.policy().apply(command, now.versions()::contains);
            } catch (Rejection e) {
                throw new IllegalArgumentException(e.getMessage() + " (now serving: " + now.policy() + ")");
            }
            where.registry().send(command);
            out.printf("sent '%s' to %s; jobs following the registry apply it at their next checkpoint%n", command,
                    where.topic);
        }
    }

    @Command(name = "publish", description = "Publishes a trained model directory, by default as the stable model.")
    static final class Publish extends Subcommand {
        @Parameters(paramLabel = "DIR", description = "Model artifact directory (model.json + network.zip).")
        Path directory;

        @Option(names = "--as", defaultValue = "stable",
                description = "stable, shadow, canary, or none (only publish) (default: ${DEFAULT-VALUE}).")
        String role;

        @Option(names = "--percent", defaultValue = "10", description = "Canary: share of keys (default: "
                + "${DEFAULT-VALUE}).")
        int percent;

        @Override
        void run(PrintWriter out) throws Exception {
            publish(where.registry(), ModelArchive.of(directory.toString()), role, percent, out);
        }
    }

    static void publish(ModelRegistry registry, ModelArchive archive, String role, int percent, PrintWriter out)
            throws Exception {
        List<ModelCommand> commands = new ArrayList<>();
        String reason = "published from " + archive.metadata().trainingData();
        switch (role) {
            case "stable" -> commands.add(ModelCommand.of(ModelCommand.Action.STABLE, archive.version(), 0, reason));
            case "shadow" -> commands.add(ModelCommand.of(ModelCommand.Action.SHADOW, archive.version(), 0, reason));
            case "canary" -> commands.add(ModelCommand.of(ModelCommand.Action.CANARY, archive.version(), percent,
                    reason));
            case "none" -> {
            }
            default -> throw new IllegalArgumentException("--as takes stable, shadow, canary or none, not '" + role
                    + "'");
        }
        registry.ensureTopic();
        refuseOtherInputs(read(registry), archive.metadata());
        registry.publish(archive, commands);
        out.printf("published %s (%d KB) to %s%s%n", archive.version(), archive.bytes().length / 1024,
                registry.topic(), commands.isEmpty() ? "" : " as " + role);
    }

    /**
     * A registry serves one kind of input: a model of other features, another target or another task would be
     * refused by every job that follows it, so it is refused here, before anything is written.
     */
    private static void refuseOtherInputs(RegistryState now, ModelMetadata model) {
        String stable = now.policy().stable();
        if (stable == null) {
            return;
        }
        ModelMetadata serving = ModelArchive.parse(now.archive(stable)).metadata();
        if (serving.task() != model.task() || !serving.features().equals(model.features())
                || !Objects.equals(serving.target(), model.target())) {
            throw new IllegalArgumentException(model.modelVersion() + " is a " + model.task() + " model of "
                    + model.features() + ", but the registry's stable model " + stable + " is a " + serving.task()
                    + " model of " + serving.features() + ": jobs following this registry would refuse it. "
                    + "Publish it to another --registry-topic, one for jobs with its inputs.");
        }
    }

    @Command(name = "list", description = "Lists the published versions and what serves now.")
    static final class ListVersions extends Subcommand {
        @Override
        void run(PrintWriter out) {
            ModelRegistry registry = where.registry();
            ModelRegistry.Snapshot snapshot = registry.read();
            RegistryState state = snapshot.replay(RegistryState.METADATA_ONLY, (record, refused) -> {
            });
            out.printf("%-45s %-15s %-24s %s%n", "VERSION", "TASK", "PUBLISHED", "ROLE");
            snapshot.records().stream()
                    .filter(r -> RegistryRecords.parse(r) instanceof RegistryEntry.Artifact)
                    .forEach(r -> {
                        Map<String, Object> metadata = metadata(RegistryRecords.metadataJson(r));
                        String version = RegistryRecords.version(r);
                        out.printf("%-45s %-15s %-24s %s%n", version, metadata.getOrDefault("task", "?"),
                                Instant.ofEpochMilli(r.timestamp()), role(state, version));
                    });
            out.println("serving: " + state.policy());
        }

        private static String role(RegistryState state, String version) {
            if (version.equals(state.policy().stable())) {
                return "stable";
            }
            if (version.equals(state.policy().candidate())) {
                return state.policy().mode().name().toLowerCase() + (state.policy().canaryPercent() > 0
                        ? " " + state.policy().canaryPercent() + "%" : "");
            }
            return state.policy().previousStables().contains(version) ? "previous stable" : "";
        }
    }

    @Command(name = "describe", description = "Prints a version's metadata: task, features, window, held-out metrics.")
    static final class Describe extends Subcommand {
        @Parameters(paramLabel = "VERSION")
        String version;

        @Override
        void run(PrintWriter out) throws Exception {
            var record = where.registry().read().records().stream()
                    .filter(r -> version.equals(RegistryRecords.version(r))).reduce((a, b) -> b)
                    .orElseThrow(() -> new IllegalArgumentException("version " + version + " is not in "
                            + where.topic + "; 'scripts/model.sh list' shows what is"));
            out.println(JSON.writeValueAsString(JSON.readTree(RegistryRecords.metadataJson(record))));
        }
    }

    @Command(name = "stable", description = "Serves VERSION to every key.")
    static final class Stable extends Subcommand {
        @Parameters(paramLabel = "VERSION")
        String version;

        @Override
        void run(PrintWriter out) throws Exception {
            send(ModelCommand.of(ModelCommand.Action.STABLE, version, 0, "by hand"), out);
        }
    }

    @Command(name = "canary", description = "Serves VERSION to PERCENT%% of keys, chosen by a stable hash of the key.")
    static final class Canary extends Subcommand {
        @Parameters(index = "0", paramLabel = "VERSION")
        String version;

        @Parameters(index = "1", paramLabel = "PERCENT")
        int percent;

        @Override
        void run(PrintWriter out) throws Exception {
            send(ModelCommand.of(ModelCommand.Action.CANARY, version, percent, "by hand"), out);
        }
    }

    @Command(name = "shadow", description = "Scores every input with VERSION too, without serving it.")
    static final class Shadow extends Subcommand {
        @Parameters(paramLabel = "VERSION")
        String version;

        @Override
        void run(PrintWriter out) throws Exception {
            send(ModelCommand.of(ModelCommand.Action.SHADOW, version, 0, "by hand"), out);
        }
    }

    @Command(name = "promote", description = "The canary or shadow becomes the stable model.")
    static final class Promote extends Subcommand {
        @Override
        void run(PrintWriter out) throws Exception {
            send(ModelCommand.of(ModelCommand.Action.PROMOTE, null, 0, "by hand"), out);
        }
    }

    @Command(name = "rollback", description = "Drops the canary or shadow; without one, returns to the previous "
            + "stable model.")
    static final class Rollback extends Subcommand {
        @Override
        void run(PrintWriter out) throws Exception {
            send(ModelCommand.of(ModelCommand.Action.ROLLBACK, null, 0, "by hand"), out);
        }
    }

    /** The registry as a job would see it, with archives checked by their metadata only. */
    public static RegistryState read(ModelRegistry registry) {
        return registry.read().replay(RegistryState.METADATA_ONLY, (record, refused) -> {
            // a job refuses it too; what remains is what serves
        });
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> metadata(String json) {
        try {
            return json == null ? Map.of() : JSON.readValue(json, LinkedHashMap.class);
        } catch (Exception e) {
            return Map.of();
        }
    }
}
