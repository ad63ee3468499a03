package dev.streampredict.cli;

import dev.streampredict.common.cli.DurationConverter;
import dev.streampredict.common.kafka.TopicNames;
import dev.streampredict.common.kafka.Topics;
import dev.streampredict.common.message.InputDecoder;
import dev.streampredict.common.message.InputFormat;
import dev.streampredict.common.message.InvalidRecordException;
import dev.streampredict.common.message.Json;
import dev.streampredict.common.message.JsonInputCodec;
import dev.streampredict.model.ModelArchive;
import dev.streampredict.model.Predictor;
import dev.streampredict.registry.ModelRegistry;
import dev.streampredict.registry.RegistryState;
import dev.streampredict.training.Retrainer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CancellationException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * {@code retrain}: follows the input topic, and every {@code --every} inputs retrains a candidate like the registry's
 * stable model on the recent inputs; publishes it (as a shadow, by default) only when it beats the stable model and
 * the naive baseline on the most recent inputs, which it was not trained on. Every decision, with its numbers, goes
 * to the decisions topic and to the terminal. With the job's {@code --auto-promote-after}, a published shadow that
 * keeps beating the stable model on live outcomes is then promoted by the job itself.
 */
@Command(name = "retrain", mixinStandardHelpOptions = true, showDefaultValues = true, sortOptions = false,
        description = "Retrains on the stream and publishes a candidate to the model registry only when it is better.")
public final class RetrainCli implements Callable<Integer> {

    @CommandLine.Mixin
    ModelCli.RegistryOptions registry = new ModelCli.RegistryOptions();

    @Option(names = "--input-topic", defaultValue = TopicNames.INPUT)
    String inputTopic;

    @Option(names = "--input-format", defaultValue = "json", converter = InputFormat.Converter.class,
            description = "json or avro, as the job's --input-format; Avro values are named by the registry's stable "
                    + "model's features.")
    InputFormat inputFormat;

    @Option(names = "--labels-topic",
            description = "Classification: true labels that arrive after their inputs, as JSON {\"id\": ..., "
                    + "\"label\": ...} with the input's id; each joins its input, before or after it arrives.")
    String labelsTopic;

    @Option(names = "--decisions-topic", defaultValue = "model-decisions",
            description = "Every decision, as JSON.")
    String decisionsTopic;

    @Option(names = "--from", defaultValue = "earliest",
            description = "earliest (what the topic holds, then on) or latest (only new inputs).")
    String from;

    @Option(names = "--history", defaultValue = "20000", description = "Latest inputs kept for training.")
    int history;

    @Option(names = "--every", defaultValue = "5000", description = "New inputs between retrainings.")
    long every;

    @Option(names = "--interval", converter = DurationConverter.class,
            description = "Also retrain when this much time has passed since the last retraining, e.g. 10m.")
    Duration interval;

    @Option(names = "--skill-above", paramLabel = "RATIO",
            description = "Also retrain as soon as the stable model's error on the most recent inputs exceeds RATIO "
                    + "times the naive baseline's (1: worse than \"next = last\" or the majority class), checked "
                    + "every --check-every inputs.")
    Double skillAbove;

    @Option(names = "--check-every", defaultValue = "1000",
            description = "With --skill-above: inputs between checks.")
    long checkEvery;

    @Option(names = "--held-out", defaultValue = "0.2",
            description = "Most recent share of the history, only for comparing the models.")
    double heldOut;

    @Option(names = "--margin", defaultValue = "0.05",
            description = "Relative error reduction over the stable model needed to publish.")
    double margin;

    @Option(names = {"--as", "--publish-as"}, defaultValue = "shadow", description = "shadow, canary or stable.")
    String publishAs;

    @Option(names = "--canary-percent", defaultValue = "10")
    int canaryPercent;

    @CommandLine.Mixin
    FitArguments fitting = new FitArguments();

    @Option(names = "--max-retrainings", defaultValue = "0",
            description = "Stop after this many retrainings; 0 = follow the stream until Ctrl-C.")
    int maxRetrainings;

    @Option(names = "--work-dir", defaultValue = "work/retrain", description = "Candidates are written here.")
    Path workDir;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    private final AtomicBoolean running = new AtomicBoolean(true);
    /** The thread while it fits a candidate, which a stop interrupts; null otherwise. */
    private Thread fitter; // guarded by this

    public static void main(String[] args) {
        System.exit(new CommandLine(new RetrainCli()).setCaseInsensitiveEnumValuesAllowed(true).execute(args));
    }

    /**
     * Stops the loop from another thread (a shutdown hook, the local stack, a test) within about an epoch: a fit
     * under way is interrupted and dropped. Only a fit is interrupted, never a Kafka client, which would log the
     * interrupt as an error.
     */
    public synchronized void stop() {
        running.set(false);
        if (fitter != null) {
            fitter.interrupt();
        }
    }

    /** Fits a candidate, unless stopped before or during it ({@link CancellationException}). */
    private Retrainer.Decision fit(Retrainer retrainer, Predictor serving, Path candidateDir) throws Exception {
        synchronized (this) {
            if (!running.get()) {
                throw new CancellationException("stopped");
            }
            fitter = Thread.currentThread();
        }
        try {
            return retrainer.retrain(serving, candidateDir);
        } finally {
            synchronized (this) {
                fitter = null;
                Thread.interrupted(); // a stop that came as it ended must not reach the Kafka clients
            }
        }
    }

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        Retrainer retrainer;
        try {
            if (!List.of("shadow", "canary", "stable").contains(publishAs)) {
                throw new IllegalArgumentException("--as takes shadow, canary or stable, not " + publishAs);
            }
            retrainer = new Retrainer(new Retrainer.Settings(history, heldOut, margin,
                    fitting.overrides()));
        } catch (IllegalArgumentException e) {
            spec.commandLine().getErr().println("error: " + e.getMessage());
            return 2;
        }
        ModelRegistry models = registry.registry();
        try {
            Topics.ensure(registry.bootstrapServers, registry.kafka.settings(), Map.of(decisionsTopic, 1));
        } catch (Exception e) {
            spec.commandLine().getErr().println("error: Kafka at " + registry.bootstrapServers + " could not be used ("
                    + e + "); is it running there? (--bootstrap-servers)");
            return 1;
        }
        InputDecoder codec;
        try {
            codec = inputFormat.decoder(inputFormat == InputFormat.AVRO ? stableFeatures(models) : List.of(),
                    JsonInputCodec.DEFAULT_MAX_BYTES);
        } catch (IllegalStateException e) {
            spec.commandLine().getErr().println("error: " + e.getMessage());
            return 1;
        }
        try (KafkaConsumer<byte[], byte[]> consumer = consumer(models);
             KafkaProducer<String, String> decisions = new KafkaProducer<>(models.clientConfig(),
                     new StringSerializer(), new StringSerializer())) {
            Thread main = Thread.currentThread();
            Thread hook = new Thread(() -> {
                stop();
                consumer.wakeup();
                try {
                    main.join(30_000);
                } catch (InterruptedException ignored) {
                    // exiting anyway
                }
            });
            Runtime.getRuntime().addShutdownHook(hook);
            out.printf("retrain: following %s (%s), retraining every %,d inputs on the latest %,d%n", inputTopic,
                    from, every, history);
            try {
                follow(consumer, decisions, retrainer, models, codec, out);
            } catch (CancellationException stopping) {
                // stopped during a fit: the candidate is dropped
            }
            removeHook(hook);
        }
        out.println("retrain: stopped");
        return 0;
    }

    /** A label record joins its input; one that is not {@code {"id": ..., "label": ...}} is skipped. */
    private static void label(Retrainer retrainer, byte[] value) {
        try {
            var node = Json.MAPPER.readTree(value);
            if (node != null && node.path("id").isTextual() && node.path("label").isTextual()) {
                retrainer.label(node.get("id").asText(), node.get("label").asText());
            }
        } catch (IOException notJson) {
            // nothing to join
        }
    }

    /** Reads inputs and labels, and retrains when it is time, until stopped. */
    private void follow(KafkaConsumer<byte[], byte[]> consumer, KafkaProducer<String, String> decisions,
                        Retrainer retrainer, ModelRegistry models, InputDecoder codec, PrintWriter out)
            throws Exception {
        long sinceLast = 0;
        long sinceCheck = 0;
        long lastAt = System.nanoTime();
        int retrainings = 0;
        while (running.get() && (maxRetrainings == 0 || retrainings < maxRetrainings)) {
            for (ConsumerRecord<byte[], byte[]> record : poll(consumer)) {
                if (record.topic().equals(labelsTopic)) {
                    label(retrainer, record.value());
                    continue;
                }
                try {
                    retrainer.observe(codec.parse(record.value()));
                    sinceLast++;
                    sinceCheck++;
                } catch (InvalidRecordException e) {
                    // the job dead-letters it; there is nothing to learn from it here either
                }
            }
            String trigger = sinceLast >= every ? sinceLast + " new inputs"
                    : interval != null && sinceLast > 0 && System.nanoTime() - lastAt >= interval.toNanos()
                    ? interval + " since the last retraining"
                    : skillAbove != null && sinceCheck >= checkEvery ? staleness(retrainer, models, out)
                    : null;
            if (sinceCheck >= checkEvery) {
                sinceCheck = 0;
            }
            if (trigger != null && retrainer.size() >= 100) {
                out.printf("retrain: retraining after %s%n", trigger);
                sinceLast = 0;
                lastAt = System.nanoTime();
                retrainings++;
                Optional<Retrainer.Decision> decision = retrainOnce(retrainer, models, retrainings, out);
                if (decision.isPresent()) {
                    decisions.send(new ProducerRecord<>(decisionsTopic, decision.get().serving(),
                            Json.MAPPER.writeValueAsString(decision.get()))).get(30, TimeUnit.SECONDS);
                }
            }
        }
    }

    /** The features that name an Avro input's values: the stable model's, as the job's are. */
    private List<String> stableFeatures(ModelRegistry models) {
        RegistryState now = models.servingNow(registry.limits()).state();
        if (now.policy().stable() == null) {
            throw new IllegalStateException("Avro inputs carry their features' values without names, which the "
                    + "retrainer takes from the registry's stable model, and " + models.topic() + " has none yet: "
                    + "publish one first (scripts/model.sh publish ... --as stable)");
        }
        return ModelArchive.parse(now.archive(now.policy().stable())).metadata().features();
    }

    /** A reason to retrain now if the stable model does worse than {@code --skill-above} on recent inputs. */
    private String staleness(Retrainer retrainer, ModelRegistry models, PrintWriter out) {
        if (retrainer.size() < 100) {
            return null;
        }
        RegistryState now = models.servingNow(registry.limits()).state();
        if (now.policy().stable() == null) {
            return null;
        }
        double skill = retrainer.servingSkill(ModelArchive.parse(now.archive(now.policy().stable()))
                .load(registry.limits()));
        return skill > skillAbove ? String.format("the stable model's error reached %.3f times the naive "
                + "baseline's on the latest inputs (above %.3f)", skill, skillAbove) : null;
    }

    private Optional<Retrainer.Decision> retrainOnce(Retrainer retrainer, ModelRegistry models, int n,
                                                     PrintWriter out) throws Exception {
        RegistryState now = models.servingNow(registry.limits()).state();
        String stable = now.policy().stable();
        if (stable == null) {
            out.println("retrain: the registry has no stable model yet; nothing to improve on");
            return Optional.empty();
        }
        if (now.policy().candidate() != null) {
            out.printf("retrain: %s is still being tried beside %s; retraining after its trial%n",
                    now.policy().candidate(), stable);
            return Optional.empty();
        }
        Predictor serving = ModelArchive.parse(now.archive(stable)).load(registry.limits());
        Path candidateDir = workDir.resolve("candidate-" + System.currentTimeMillis() + "-" + n);
        Retrainer.Decision decision = fit(retrainer, serving, candidateDir);
        out.printf("retrain: %s %s: %s%n", decision.candidate(), decision.publish() ? "published as " + publishAs
                : "rejected", decision.reason());
        if (decision.publish()) {
            ModelCli.publish(models, registry.limits(), ModelArchive.of(candidateDir.toString()), publishAs,
                    canaryPercent, out);
        }
        return Optional.of(decision);
    }

    private List<ConsumerRecord<byte[], byte[]>> poll(KafkaConsumer<byte[], byte[]> consumer) {
        try {
            var records = consumer.poll(Duration.ofMillis(500));
            List<ConsumerRecord<byte[], byte[]>> list = new ArrayList<>(records.count());
            records.forEach(list::add);
            return list;
        } catch (WakeupException stopping) {
            return List.of();
        }
    }

    private KafkaConsumer<byte[], byte[]> consumer(ModelRegistry models) {
        Map<String, Object> config = models.clientConfig();
        config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(config, new ByteArrayDeserializer(),
                new ByteArrayDeserializer());
        List<TopicPartition> partitions = new ArrayList<>();
        for (String topic : labelsTopic == null ? List.of(inputTopic) : List.of(inputTopic, labelsTopic)) {
            List<TopicPartition> ofTopic = consumer.partitionsFor(topic, Duration.ofSeconds(30)).stream()
                    .map(p -> new TopicPartition(topic, p.partition())).toList();
            if (ofTopic.isEmpty()) {
                consumer.close();
                throw new IllegalArgumentException("topic '" + topic + "' does not exist on "
                        + registry.bootstrapServers);
            }
            partitions.addAll(ofTopic);
        }
        consumer.assign(partitions);
        if (from.equals("latest")) {
            consumer.seekToEnd(partitions);
        } else {
            consumer.seekToBeginning(partitions);
        }
        return consumer;
    }

    private static void removeHook(Thread hook) {
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException shuttingDown) {
            // the hook is running: it stopped this loop
        }
    }
}
