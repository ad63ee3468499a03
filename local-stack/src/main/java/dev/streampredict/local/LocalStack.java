package dev.streampredict.local;

import dev.streampredict.cli.ModelBootstrap;
import dev.streampredict.common.cli.DurationConverter;
import dev.streampredict.common.csv.CsvColumnOptions;
import dev.streampredict.common.csv.CsvSpec;
import dev.streampredict.common.kafka.KafkaClientOptions;
import dev.streampredict.common.kafka.TopicNames;
import dev.streampredict.common.kafka.Topics;
import dev.streampredict.common.message.InputFormat;
import dev.streampredict.common.message.InputRecord;
import dev.streampredict.job.JobOptions;
import dev.streampredict.job.MemoryBudget;
import dev.streampredict.job.PredictionJob;
import dev.streampredict.kafka.LocalKafkaBroker;
import dev.streampredict.model.ModelArchive;
import dev.streampredict.model.ModelLimits;
import dev.streampredict.registry.ModelCommand;
import dev.streampredict.registry.ModelRegistry;
import dev.streampredict.registry.RegistryStatus;
import dev.streampredict.producer.CsvReplay;
import dev.streampredict.producer.InputProducer;
import dev.streampredict.producer.SyntheticSeries;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.JobManagerOptions;
import org.apache.flink.configuration.RestOptions;
import org.apache.flink.configuration.TaskManagerOptions;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import sun.misc.Signal;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The whole system on one machine, in one command: a real Kafka broker, the job on a local Flink cluster with
 * its web UI, the producer, and a status line. Ctrl-C stops everything in order and exits 0.
 */
@Command(name = "run-local", mixinStandardHelpOptions = true, showDefaultValues = true, sortOptions = false,
        description = "Runs Kafka, the prediction job (Flink web UI) and the producer on this machine.")
public final class LocalStack implements Callable<Integer> {

    enum Source { csv, synthetic }

    @Option(names = "--source", defaultValue = "csv",
            description = "csv (replay a file, by default the S&P 500 daily closes) or synthetic.")
    Source source;

    @Mixin
    CsvColumnOptions csv = new CsvColumnOptions();

    @Option(names = "--input-format", defaultValue = "json", converter = InputFormat.Converter.class,
            description = "How inputs are written on input-data: json, or avro (binary, for wide inputs); the job and "
                    + "the retrainer read the same.")
    InputFormat inputFormat;

    @Option(names = "--rate", defaultValue = "20", description = "Events per second.")
    double rate;

    @Option(names = "--keys", defaultValue = "10", description = "Synthetic: number of series.")
    int keys;

    @Option(names = "--bootstrap-servers", description = "Use this running Kafka instead of starting one.")
    String bootstrapServers;

    @Option(names = "--kafka-only",
            description = "Start only the Kafka broker (on --kafka-port, data in WORK_DIR/kafka-only) and the topics, "
                    + "for a job on a cluster (scripts/cluster.sh) and a producer of your own; Ctrl-C stops it.")
    boolean kafkaOnly;

    @Mixin
    KafkaClientOptions kafka = new KafkaClientOptions();

    @Option(names = "--partitions", defaultValue = "4",
            description = "Partitions of the input, predictions and shadow topics it creates.")
    int partitions;

    @Option(names = "--replication-factor",
            description = "Replicas of each topic it creates (default: the brokers' default.replication.factor; "
                    + "3 on a production cluster, with min.insync.replicas=2).")
    Short replicationFactor;

    /** The Kafka client settings of every client of the stack (for a secured --bootstrap-servers). */
    private Map<String, String> clientSettings = Map.of();

    @Option(names = "--kafka-port", defaultValue = "9092", description = "Port of the started broker.")
    int kafkaPort;

    @Option(names = "--web-port", defaultValue = "8081", description = "Flink web UI port.")
    int webPort;

    @Option(names = "--metrics-port", defaultValue = "9249",
            description = "Port of the Prometheus endpoint (/metrics) of the job's metrics.")
    int metricsPort;

    @Option(names = "--bind-address", defaultValue = "127.0.0.1",
            description = "Where the web UI, the live page, the metrics endpoint and Flink's own ports listen; "
                    + "0.0.0.0 opens them to the network, which nothing here protects.")
    String bindAddress;

    @Option(names = "--live-port", defaultValue = "8090",
            description = "Port of the live page with plots.")
    int livePort;

    @Option(names = "--parallelism", defaultValue = "2")
    int parallelism;

    @Option(names = "--delivery-guarantee", defaultValue = "at-least-once", description = "at-least-once or "
            + "exactly-once.")
    String deliveryGuarantee;

    @Option(names = "--work-dir", defaultValue = "work", description = "Kafka data and logs.")
    Path workDir;

    @Option(names = "--models-dir", defaultValue = "models", description = "Where models are found or trained.")
    Path modelsDir;

    @Option(names = "--status-interval", defaultValue = "5s", converter = DurationConverter.class,
            description = "Time between status lines.")
    Duration statusInterval;

    @Option(names = "--regime-change-at", paramLabel = "N",
            description = "Synthetic: after N events every series changes its period (50 to 20) and level (+20), and "
                    + "the model trained on the old regime goes stale.")
    Long regimeChangeAt;

    @Option(names = "--retrain",
            description = "Run the retrainer beside the job: every --retrain-every events it trains on the latest "
                    + "ones and publishes a shadow if it beats the stable model; with it, --auto-promote-after "
                    + "defaults to 500, so that a better shadow is promoted.")
    boolean retrain;

    @Option(names = "--retrain-every", defaultValue = "2000",
            description = "With --retrain: events between retrainings, and how many it trains on.")
    int retrainEvery;

    @Option(names = "--auto-promote-after", defaultValue = "0", paramLabel = "N",
            description = "Promote a shadow or canary that beats the stable model over N outcomes, roll back one "
                    + "that is worse (the job's option of the same name); 0: only by hand.")
    long autoPromoteAfter;

    private static final DateTimeFormatter CLOCK = DateTimeFormatter.ofPattern("HH:mm:ss");

    private final CountDownLatch stop = new CountDownLatch(1);
    // what runs, once started; stopAll() stops it
    private LocalKafkaBroker broker;
    private PredictionMonitor monitor;
    private LivePage livePage;
    private JobClient job;
    private InputProducer producer;
    private Thread producerThread;
    private Retraining retraining;
    private final AtomicBoolean producing = new AtomicBoolean(true);
    private final long startedAt = System.currentTimeMillis();
    private final Object signalLock = new Object();
    private boolean startingUp = true; // guarded by signalLock

    public static void main(String[] args) {
        System.exit(new CommandLine(new LocalStack()).execute(args));
    }

    @Override
    public Integer call() throws Exception {
        // before anything logs: the framework log goes where --work-dir says
        System.setProperty("local.log.file", System.getProperty("local.log.file",
                workDir.resolve("logs").resolve("local-stack.log").toString()));
        handleStopSignals();
        if (kafkaOnly && bootstrapServers != null) {
            throw new CommandLine.ParameterException(new CommandLine(this),
                    "--kafka-only starts a broker: leave out --bootstrap-servers");
        }
        if (regimeChangeAt != null && source != Source.synthetic) {
            throw new CommandLine.ParameterException(new CommandLine(this),
                    "--regime-change-at changes the synthetic series: give --source synthetic too");
        }
        try {
            clientSettings = kafka.settings();
            requireFreePorts();
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(new CommandLine(this), e.getMessage());
        }
        Files.createDirectories(workDir.resolve("logs"));
        try {
            if (kafkaOnly) {
                return serveKafkaOnly();
            }
            Data data = chooseData();
            String bootstrap = startKafka(data.model().getFileName().toString());
            startMonitoring(bootstrap);
            serveFromRegistry(new ModelRegistry(bootstrap, ModelRegistry.DEFAULT_TOPIC, clientSettings), data.model());
            job = startJob(bootstrap);
            new FlinkRest(webPort).awaitAllTasksRunning(job.getJobID(), Duration.ofMinutes(2));
            startProducer(bootstrap, data.records());
            if (retrain) {
                retraining = new Retraining(bootstrap, kafkaProperties(), inputFormat, retrainEvery,
                        workDir.resolve("retrain"));
            }
            printWhereToLook(bootstrap, data.model());
            endStartUp(); // from here on a stop signal only releases the latch: clean-up must never be interrupted
            printStatusUntilStopped();
            return 0;
        } catch (Exception e) {
            if (stop.getCount() == 0) {
                return 0; // the stop signal interrupted a wait: not a failure
            }
            throw e;
        } finally {
            endStartUp();
            Thread.interrupted(); // an interrupt meant for the start-up must not cut the clean-up short
            stopAll();
        }
    }

    /**
     * Each port the stack will listen on, free before anything starts: a taken one would otherwise cost, say, the
     * metrics endpoint with only a line in the log.
     */
    private void requireFreePorts() {
        Map<String, Integer> ports = new LinkedHashMap<>();
        ports.put("--web-port", webPort);
        ports.put("--metrics-port", metricsPort);
        ports.put("--live-port", livePort);
        if (bootstrapServers == null) {
            ports.put("--kafka-port", kafkaPort);
        }
        ports.forEach((option, port) -> {
            try (ServerSocket socket = new ServerSocket()) {
                socket.bind(new InetSocketAddress(bindAddress, port));
            } catch (IOException e) {
                throw new IllegalArgumentException("port " + port + " on " + bindAddress + " is in use ("
                        + e.getMessage() + "): stop what uses it, or choose another with " + option);
            }
        });
    }

    /** Ctrl-C and SIGTERM release the stop latch, and interrupt a start-up still waiting for Kafka or Flink. */
    private void handleStopSignals() {
        Thread main = Thread.currentThread();
        for (String name : List.of("INT", "TERM")) {
            Signal.handle(new Signal(name), signal -> {
                synchronized (signalLock) {
                    stop.countDown();
                    if (startingUp) {
                        main.interrupt();
                    }
                }
            });
        }
    }

    /** A broker and the topics, until stopped: what the cluster tour needs besides the cluster. */
    private int serveKafkaOnly() throws Exception {
        Path data = workDir.resolve("kafka-only");
        System.out.printf("starting Kafka on 127.0.0.1:%d (data in %s)%n", kafkaPort, data);
        broker = LocalKafkaBroker.start(data, kafkaPort);
        ensureTopics(broker.bootstrapServers(), Optional.empty());
        System.out.printf("Kafka is up at %s with topics input-data, predictions, input-data-dlq, "
                + "predictions-shadow. Ctrl-C stops it.%n", broker.bootstrapServers());
        endStartUp();
        stop.await();
        return 0;
    }

    /**
     * The given Kafka, or a broker started here on the data of {@code source}; creates the topics either way.
     *
     * @param source names what is streamed and forecast (the model's folder): its registry is its own
     */
    private String startKafka(String source) throws Exception {
        String bootstrap = bootstrapServers;
        if (bootstrap == null) {
            Path data = kafkaDataOf(source);
            System.out.printf("starting Kafka on 127.0.0.1:%d (data in %s)%n", kafkaPort, data);
            broker = LocalKafkaBroker.start(data, kafkaPort);
            bootstrap = broker.bootstrapServers();
        }
        ensureTopics(bootstrap, Optional.ofNullable(replicationFactor));
        return bootstrap;
    }

    /** The topics the job, the producer and the registry's status reports use, made if missing. */
    private void ensureTopics(String bootstrap, Optional<Short> replication) throws Exception {
        Topics.ensure(bootstrap, clientSettings, Map.of(TopicNames.INPUT, partitions, TopicNames.PREDICTIONS,
                partitions, TopicNames.DEAD_LETTERS, 1, TopicNames.SHADOW_PREDICTIONS, partitions,
                RegistryStatus.topicOf(ModelRegistry.DEFAULT_TOPIC), 1), replication);
    }

    /**
     * {@code work/kafka}, unless it holds the data of another source: then a folder of this source's own, so that
     * its registry does not hold the other source's models, which this source's job would refuse.
     */
    private Path kafkaDataOf(String source) throws IOException {
        Path shared = workDir.resolve("kafka");
        Path marker = shared.resolve("source");
        String owner = Files.isRegularFile(marker) ? Files.readString(marker).trim() : null;
        Path data = owner == null || owner.equals(source) ? shared : workDir.resolve("kafka-" + source);
        if (!data.equals(shared)) {
            System.out.printf("%s holds the Kafka data and model registry of another source (%s); this one (%s) "
                    + "keeps its own in %s%n", shared, owner, source, data);
        }
        Files.createDirectories(data);
        Files.writeString(data.resolve("source"), source + "\n");
        return data;
    }

    /** What to stream, and the model for it (trained first if it does not exist). */
    private record Data(Path model, Iterator<InputRecord> records) {
    }

    private Data chooseData() throws Exception {
        ModelBootstrap models = new ModelBootstrap(System.out);
        if (source == Source.synthetic) {
            SyntheticSeries series = new SyntheticSeries(keys, SyntheticSeries.DEFAULT_PERIOD,
                    SyntheticSeries.DEFAULT_NOISE, 42, System::currentTimeMillis);
            return new Data(models.forSynthetic(keys, SyntheticSeries.DEFAULT_PERIOD, SyntheticSeries.DEFAULT_NOISE,
                    modelsDir), regimeChangeAt == null ? series : series.regimeChangeAt(regimeChangeAt, 20, 20));
        }
        CsvSpec spec = csvSpec();
        return new Data(models.forCsv(spec, spec.featureColumns().get(0), modelsDir),
                new CsvReplay(stampedNow(spec), true, System::currentTimeMillis, row -> {
                }));
    }

    private void startMonitoring(String bootstrap) throws Exception {
        LiveHistory history = new LiveHistory("http://localhost:" + webPort);
        monitor = new PredictionMonitor(bootstrap, clientSettings, TopicNames.PREDICTIONS,
                TopicNames.SHADOW_PREDICTIONS, TopicNames.DEAD_LETTERS, RegistryStatus.topicOf(
                ModelRegistry.DEFAULT_TOPIC), history, refused -> System.out.printf("[%s] model registry: %s "
                + "(scripts/model.sh list shows every record)%n", LocalTime.now().format(CLOCK), refused));
        livePage = new LivePage(bindAddress, livePort, history, monitor);
    }

    private void startProducer(String bootstrap, Iterator<InputRecord> records) {
        InputProducer sending = new InputProducer(bootstrap, TopicNames.INPUT, inputFormat,
                new HashMap<>(clientSettings));
        producer = sending;
        producerThread = new Thread(() -> {
            try (sending) {
                sending.run(records, rate, 0, producing::get);
            }
        }, "producer");
        producerThread.start();
    }

    private void printStatusUntilStopped() throws Exception {
        PredictionMonitor.Snapshot previous = monitor.snapshot();
        while (!stop.await(statusInterval.toMillis(), TimeUnit.MILLISECONDS)) {
            PredictionMonitor.Snapshot now = monitor.snapshot();
            printStatus(producer.sent(), now, previous, job);
            previous = now;
        }
    }

    /** Stops what was started, in the order that loses nothing: input first, Kafka last. */
    private void stopAll() throws InterruptedException {
        System.out.println("stopping: producer, job, Kafka ...");
        producing.set(false);
        if (producerThread != null) {
            producerThread.join(30_000);
        }
        if (retraining != null) {
            retraining.close();
        }
        if (job != null) {
            stopJob(job);
        }
        if (livePage != null) {
            livePage.close();
        }
        if (monitor != null) {
            monitor.close();
        }
        if (broker != null) {
            broker.close();
        }
        System.out.println("stopped cleanly");
    }

    private void endStartUp() {
        synchronized (signalLock) {
            startingUp = false;
        }
    }

    /**
     * What to replay. The model is trained on the file in its own time order; the live replay sends the same values
     * in the same order but stamps them "now", so that a looping replay stays a live stream instead of running
     * into the future (which the job rightly dead-letters).
     */
    private CsvSpec csvSpec() {
        if (!csv.hasFile()) { // the shipped default: S&P 500 daily closes
            return CsvSpec.series(Path.of("data", "sp500-2000.csv"), "sp500", "date", List.of("close"));
        }
        CsvSpec given = csv.toSpec();
        if (given.featureColumns().size() != 1) {
            throw new CommandLine.ParameterException(new CommandLine(this),
                    "the local stack forecasts one column: give exactly one --feature-columns");
        }
        return given;
    }

    private static CsvSpec stampedNow(CsvSpec spec) {
        return new CsvSpec(spec.file(), spec.keyColumn(), spec.fixedKey(), null, spec.featureColumns(),
                spec.labelColumn());
    }

    /**
     * The job follows the registry, so that models can be published, shadowed, promoted and rolled back while it
     * runs. A registry kept from an earlier run keeps what was promoted there, unless its stable model reads other
     * inputs than this run's (another --source); then this run's model becomes the stable one.
     */
    private void serveFromRegistry(ModelRegistry registry, Path model) throws Exception {
        registry.ensureTopic();
        ModelArchive archive = ModelArchive.of(model.toString());
        // the budget the job will derive, from the same configuration: what serves here must serve there
        ModelRegistry.Serving now = registry.servingNow(new ModelLimits(
                MemoryBudget.derive(flinkConfiguration(), parallelism), ModelLimits.DEFAULT_BATCH_ROWS));
        if (now.schema() != null && now.schema().accepts(archive.metadata())) {
            System.out.printf("model registry '%s': serving %s%n", registry.topic(), now.state().policy());
            return;
        }
        registry.publish(archive, List.of(ModelCommand.of(ModelCommand.Action.STABLE, archive.version(), 0,
                "run-local: the model for this source")));
        System.out.printf("model registry '%s': published %s as the stable model%n", registry.topic(),
                archive.version());
    }

    private JobClient startJob(String bootstrap) throws Exception {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.createLocalEnvironmentWithWebUI(
                flinkConfiguration());
        List<String> args = new ArrayList<>(kafkaProperties());
        args.addAll(List.of("--bootstrap-servers", bootstrap,
                "--model-registry", ModelRegistry.DEFAULT_TOPIC, "--shadow-topic", TopicNames.SHADOW_PREDICTIONS,
                "--parallelism", Integer.toString(parallelism), "--delivery-guarantee", deliveryGuarantee,
                "--input-format", inputFormat.name(),
                // everything the producer sends from now on, even before the source has its partitions
                "--start-from-time", Long.toString(startedAt), "--job-name", "stream-predict (local)",
                "--checkpoint-dir", workDir.resolve("checkpoints").toUri().toString(),
                "--auto-promote-after", Long.toString(retrain && autoPromoteAfter == 0 ? 500 : autoPromoteAfter)));
        JobOptions options = JobOptions.parse(args.toArray(String[]::new));
        PredictionJob.configure(env, options);
        return env.executeAsync(options.jobName());
    }

    /** The configuration of the Flink cluster this process runs the job on. */
    private Configuration flinkConfiguration() {
        Configuration flink = new Configuration();
        flink.set(RestOptions.PORT, webPort);
        flink.set(RestOptions.BIND_ADDRESS, bindAddress);
        // the BLOB server (job artifacts, unauthenticated) and the RPC and data ports listen here too
        flink.set(JobManagerOptions.BIND_HOST, bindAddress);
        flink.set(TaskManagerOptions.BIND_HOST, bindAddress);
        // Flink's Prometheus metrics, as flink-conf/config.yaml gives a cluster (one Prometheus config scrapes
        // both), but on the bind address: Flink's own reporter listens on every interface
        flink.setString("metrics.reporter.prom.factory.class", BoundPrometheusReporterFactory.class.getName());
        flink.setString("metrics.reporter.prom.host", bindAddress);
        flink.setString("metrics.reporter.prom.port", Integer.toString(metricsPort));
        return flink;
    }

    /** The client settings as arguments of the job and the retrainer, which take them as any user does. */
    private List<String> kafkaProperties() {
        List<String> args = new ArrayList<>();
        clientSettings.forEach((key, value) -> args.addAll(List.of("--kafka-property", key + "=" + value)));
        return args;
    }

    private static void stopJob(JobClient job) {
        try {
            job.cancel().get(30, TimeUnit.SECONDS);
            job.getJobExecutionResult().get(30, TimeUnit.SECONDS);
        } catch (Exception expected) {
            // a cancelled job ends its result with an exception; the local cluster shuts down with it
        }
    }

    private void printWhereToLook(String bootstrap, Path model) {
        System.out.printf("""

                running. Look here:
                  live page         http://localhost:%d   (prediction vs actual, error, latency, throughput)
                  Flink web UI      http://localhost:%d
                  Prometheus        http://localhost:%d/metrics   (monitoring/: Prometheus config, Grafana dashboard)
                  Kafka             %s  topics: input-data (in), predictions (out), input-data-dlq (rejected),
                                    models (the model registry), predictions-shadow (a shadow model's)
                  read predictions  scripts/kafka-tool.sh console-consumer --bootstrap-server %s --topic predictions
                  model             %s   (registry: scripts/model.sh list; docs/model-lifecycle.md)
                  logs              %s
                Ctrl-C stops everything.

                """, livePort, webPort, metricsPort, bootstrap, bootstrap, model, workDir.resolve("logs"));
    }

    /** One status line: counts since the start, quality over the time since the previous line. */
    private static void printStatus(long sent, PredictionMonitor.Snapshot s, PredictionMonitor.Snapshot previous,
                                    JobClient job) throws Exception {
        String quality;
        if (s.classified() > 0) {
            long labelled = s.classified() - previous.classified();
            quality = String.format("accuracy %.3f over the last %d labelled",
                    (double) (s.correct() - previous.correct()) / labelled, labelled);
        } else {
            long evaluated = s.evaluated() - previous.evaluated();
            double mse = (s.squaredErrorSum() - previous.squaredErrorSum()) / evaluated;
            double persistence = (s.persistenceSquaredErrorSum() - previous.persistenceSquaredErrorSum()) / evaluated;
            quality = String.format("MSE %.4g vs persistence %.4g (ratio %.3f) over the last %d", mse, persistence,
                    mse / persistence, evaluated);
        }
        System.out.printf("[%s] %s | in %d | predictions %d | dead letters %d | latency p50 %d ms p99 %d ms | %s"
                        + " | model %s%n", LocalTime.now().format(CLOCK), job.getJobStatus().get(5, TimeUnit.SECONDS),
                sent, s.predictions(), s.deadLetters(), s.latencyP50(), s.latencyP99(), quality, s.servedVersion());
    }
}
