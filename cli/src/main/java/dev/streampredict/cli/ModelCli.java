package dev.streampredict.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.streampredict.common.kafka.KafkaClientOptions;
import dev.streampredict.model.ModelArchive;
import dev.streampredict.model.ModelArtifactException;
import dev.streampredict.model.ModelLimits;
import dev.streampredict.model.Untrusted;
import dev.streampredict.registry.ModelCommand;
import dev.streampredict.registry.ModelRegistry;
import dev.streampredict.registry.RegistryKeys;
import dev.streampredict.registry.RegistryRecords;
import dev.streampredict.registry.RegistryState;
import dev.streampredict.registry.RegistryStatus;
import dev.streampredict.registry.Rejection;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * {@code model}: the model registry from a terminal. Publishes artifacts after the check a job runs, lists them as a
 * starting job would check them and with what each job reported, describes them from record headers, and sets the
 * serving policy of the jobs that follow the registry.
 */
@Command(name = "model", mixinStandardHelpOptions = true, showDefaultValues = true,
        scope = CommandLine.ScopeType.INHERIT,
        description = "Imports models, publishes them to the registry topic and sets which version serves.",
        subcommands = {ImportCommand.class, ModelCli.Publish.class, ModelCli.ListVersions.class,
                ModelCli.Describe.class, ModelCli.Stable.class, ModelCli.Canary.class, ModelCli.Shadow.class,
                ModelCli.Promote.class, ModelCli.Rollback.class, ModelCli.Keygen.class})
public final class ModelCli {

    private static final ObjectMapper JSON = JsonMapper.builder().enable(SerializationFeature.INDENT_OUTPUT)
            .build();

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    /** The command as {@code model.sh} runs it: {@code --task regression} as well as {@code REGRESSION}. */
    static CommandLine commandLine() {
        return new CommandLine(new ModelCli()).setCaseInsensitiveEnumValuesAllowed(true);
    }

    /** Where the registry is, and how its records are signed and checked: the same flags for every subcommand. */
    public static class RegistryOptions {
        @Option(names = "--bootstrap-servers", defaultValue = "127.0.0.1:9092",
                description = "Kafka brokers to connect to.")
        String bootstrapServers;

        @Option(names = {"--model-registry", "--registry-topic"}, defaultValue = ModelRegistry.DEFAULT_TOPIC,
                description = "Model registry topic.")
        String topic;

        @Option(names = "--signing-key", paramLabel = "FILE",
                description = "Sign what is written with this private key (registry.key of 'model.sh keygen'), for "
                        + "jobs that verify with --verify-key.")
        Path signingKey;

        @Option(names = "--verify-key", paramLabel = "FILE",
                description = "Read the registry as a job with this --verify-key does: records it did not sign are "
                        + "refused; repeatable.")
        List<Path> verifyKeys = new ArrayList<>();

        @Option(names = "--model-memory-budget", paramLabel = "SIZE",
                description = "Check models against this budget, as a job with the same setting does, e.g. 256m "
                        + "(default: a quarter of this tool's heap; the job's own may be smaller).")
        String memoryBudget;

        @CommandLine.Mixin
        KafkaClientOptions kafka = new KafkaClientOptions();

        ModelRegistry registry() {
            return new ModelRegistry(bootstrapServers, topic, kafka.settings(),
                    signingKey == null ? null : RegistryKeys.readPrivate(signingKey),
                    verifyKeys.stream().map(RegistryKeys::readPublic).toList());
        }

        ModelLimits limits() {
            return memoryBudget == null ? ModelLimits.ofThisProcess()
                    : new ModelLimits(ModelLimits.parseBytes(memoryBudget, ModelLimits.BUDGET_SETTING),
                    ModelLimits.DEFAULT_BATCH_ROWS);
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
            ModelRegistry registry = where.registry();
            RegistryState now = registry.servingNow(where.limits()).state();
            try { // refuse here what every job would refuse
                now.policy().apply(command, now.versions()::contains);
            } catch (Rejection e) {
                throw new IllegalArgumentException(e.getMessage() + " (now serving: " + now.policy() + ")");
            }
            registry.send(command);
            out.printf("sent '%s' to %s; jobs following the registry apply it at their next checkpoint%n", command,
                    where.topic);
        }
    }

    @Command(name = "publish", description = "Publishes a trained model directory, by default as the stable model.")
    static final class Publish extends Subcommand {
        @Parameters(paramLabel = "DIR",
                description = "Model artifact directory (model.json + network.zip or model.onnx).")
        Path directory;

        @CommandLine.Mixin
        Role as = new Role();

        @Override
        void run(PrintWriter out) throws Exception {
            publish(where.registry(), where.limits(), ModelArchive.of(directory.toString()), as.role, as.percent, out);
        }
    }

    /** The role a published version takes: the same flags for publish and import. */
    static final class Role {
        @Option(names = "--as", defaultValue = "stable",
                description = "stable, shadow, canary, or none (only publish).")
        String role;

        @Option(names = "--percent", defaultValue = "10", description = "Canary: share of keys.")
        int percent;
    }

    /** Publishes as {@code role}, after the check every job following the registry runs. */
    static void publish(ModelRegistry registry, ModelLimits limits, ModelArchive archive, String role, int percent,
                        PrintWriter out) throws Exception {
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
        registry.publishChecked(archive, commands, limits);
        out.printf("published %s (%d KB) to %s%s%s%n", archive.version(), archive.bytes().length / 1024,
                registry.topic(), commands.isEmpty() ? "" : " as " + role,
                registry.signer() != null ? ", signed" : "");
    }

    @Command(name = "list", description = "Lists the published versions, whether jobs accept them, and what serves.")
    static final class ListVersions extends Subcommand {
        @Option(names = "--status-topic", paramLabel = "TOPIC",
                description = "Where jobs report what they did with each record, as their --status-topic "
                        + "(default: the registry topic's name + '-status').")
        String statusTopic;

        @Override
        void run(PrintWriter out) {
            ModelRegistry registry = where.registry();
            ModelRegistry.Snapshot snapshot = registry.read();
            Map<Long, Rejection> refused = new HashMap<>();
            RegistryState state = snapshot.serving(where.limits(),
                    (record, rejection) -> refused.put(record.offset(), rejection)).state();
            Reports reports = new Reports(registry.statuses(statusTopic != null ? statusTopic
                    : RegistryStatus.topicOf(where.topic)));
            out.printf("%-45s %-22s %-24s %-16s %s%n", "VERSION", "TASK / RUNTIME", "PUBLISHED", "ROLE",
                    "CHECK / IN JOBS");
            List<String> otherRefusals = new ArrayList<>();
            for (ConsumerRecord<byte[], byte[]> r : snapshot.records()) {
                Rejection rejection = refused.get(r.offset());
                if (!"artifact".equals(RegistryRecords.type(r))) {
                    if (rejection != null) {
                        otherRefusals.add(RegistryRecords.where(r) + ": " + rejection.reason().label() + " ("
                                + Untrusted.line(rejection.getMessage(), Untrusted.MAX_SHOWN) + ")"
                                + reports.of(r.offset()));
                    }
                    continue;
                }
                Map<String, Object> metadata = metadata(RegistryRecords.metadataJson(r));
                out.printf("%-45s %-22s %-24s %-16s %s%s%n", Untrusted.text(RegistryRecords.version(r), 45),
                        Untrusted.text(metadata.getOrDefault("task", "?") + " / " + String.valueOf(metadata
                                .getOrDefault("runtime", "DL4J")).toLowerCase(Locale.ROOT), 22),
                        Instant.ofEpochMilli(r.timestamp()),
                        rejection == null ? role(state, RegistryRecords.version(r)) : "",
                        rejection == null ? "accepted" : "refused: " + rejection.reason().label() + " ("
                                + Untrusted.line(rejection.getMessage(), 100) + ")", reports.of(r.offset()));
            }
            if (!otherRefusals.isEmpty()) {
                out.println("refused commands and records:");
                otherRefusals.forEach(line -> out.println("  " + line));
            }
            out.println("serving: " + (state.policy().stable() == null ? "nothing: no valid model is stable"
                    : state.policy()));
            reports.serving().forEach(status -> out.println("  " + status + " (reported "
                    + Instant.ofEpochMilli(status.at()) + ")"));
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

    /** What jobs reported about each record, latest first per job. */
    private record Reports(List<RegistryStatus> statuses) {

        /** " | job: accepted" for each job that reported on the record at {@code offset}. */
        String of(long offset) {
            Map<String, RegistryStatus> latest = new LinkedHashMap<>();
            statuses.stream().filter(s -> s.offset() == offset).forEach(s -> latest.put(s.job(), s));
            StringBuilder line = new StringBuilder();
            latest.values().forEach(s -> line.append(" | ").append(s.job()).append(": ").append(s.outcome().label())
                    .append(s.reason() != null ? " (" + s.reason() + ")" : ""));
            return line.toString();
        }

        /** The latest change of what serves, per job. */
        List<RegistryStatus> serving() {
            Map<String, RegistryStatus> latest = new LinkedHashMap<>();
            statuses.stream().filter(s -> s.outcome() == RegistryStatus.Outcome.SERVING)
                    .forEach(s -> latest.put(s.job(), s));
            return List.copyOf(latest.values());
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
            String json = RegistryRecords.metadataJson(record);
            if (json == null || json.length() > ModelLimits.MAX_JSON_BYTES) {
                throw new IllegalArgumentException("the record of " + Untrusted.text(version) + " carries no "
                        + "readable metadata");
            }
            out.println(JSON.writeValueAsString(JSON.readTree(json)));
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

    @Command(name = "keygen",
            description = "Makes the key pair that signs registry records: DIR/registry.key (private, for publishers "
                    + "and their --signing-key) and DIR/registry.pub (for jobs' --verify-key).")
    static final class Keygen implements Callable<Integer> {
        @Parameters(paramLabel = "DIR")
        Path directory;

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() throws Exception {
            try {
                Path[] files = RegistryKeys.generate(directory);
                spec.commandLine().getOut().printf("wrote %s (keep it secret: whoever holds it can publish models) "
                        + "and %s (give it to jobs as --verify-key)%n", files[0], files[1]);
                return 0;
            } catch (IllegalArgumentException e) {
                spec.commandLine().getErr().println("error: " + e.getMessage());
                return 2;
            }
        }
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> metadata(String json) {
        try {
            return json == null || json.length() > ModelLimits.MAX_JSON_BYTES ? Map.of()
                    : JSON.readValue(json, LinkedHashMap.class);
        } catch (Exception e) {
            return Map.of();
        }
    }
}
