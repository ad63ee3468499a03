package dev.streampredict.benchmark;

import dev.streampredict.common.cli.DurationConverter;
import dev.streampredict.common.kafka.Topics;
import dev.streampredict.common.message.InputFormat;
import dev.streampredict.common.message.InputRecord;
import dev.streampredict.kafka.LocalKafkaBroker;
import dev.streampredict.cli.ModelBootstrap;
import dev.streampredict.model.Architecture;
import dev.streampredict.model.ModelArchive;
import dev.streampredict.producer.InputProducer;
import dev.streampredict.registry.ModelRegistry;
import dev.streampredict.registry.ModelCommand;
import dev.streampredict.producer.SyntheticSeries;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;

/**
 * One run, one broker, side by side: raw Kafka passthrough (the ceiling), the pipeline draining the same backlog at
 * parallelism 1 and 2, and end-to-end latency at fixed rates in both delivery modes.
 */
@Command(name = "benchmark", mixinStandardHelpOptions = true, showDefaultValues = true, sortOptions = false,
        description = "Measures the pipeline against raw Kafka on the same broker, and its end-to-end latency.")
public final class Benchmark implements Callable<Integer> {

    private static final int[] PARALLELISMS = {1, 2};
    private static final List<String> PEER_FORMATS = List.of("json", "avro", "avro-reference");
    private static final List<String> PEER_RUNTIMES = List.of("dl4j", "onnx");

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Option(names = "--records", defaultValue = "1500000",
            description = "Backlog of small series records for the throughput runs, enough for the raw passthrough to "
                    + "run for seconds, not a fraction of one; 0 skips them.")
    long records;

    @Option(names = "--series-architectures", split = ",", defaultValue = "mlp", paramLabel = "mlp|lstm|cnn",
            description = "Networks that forecast the small series records, each trained on the synthetic history "
                    + "once (then kept in --work-dir) and drained after the same raw passthrough in every round, "
                    + "batched across keys as the job batches them.")
    List<Architecture> seriesArchitectures;

    @Option(names = "--repeat", defaultValue = "3",
            description = "Rounds of the throughput runs (raw passthrough, then the pipeline at parallelism 1 and 2), "
                    + "interleaved so that drift on a shared machine hits each alike; medians are reported.")
    int repeat;

    @Option(names = "--keys", defaultValue = "1000", description = "Synthetic series.")
    int keys;

    @Option(names = "--rates", split = ",", defaultValue = "1000,5000",
            description = "Events per second for the latency runs; 0 skips.")
    List<Double> rates;

    @Option(names = "--peer-records", defaultValue = "100000",
            description = "Backlog of 784-feature records for the peer FFNN workload, per format; 0 skips it.")
    long peerRecords;

    @Option(names = "--peer-formats", split = ",", defaultValue = "json,avro,avro-reference",
            description = "How the peer workload's records are sent and answered: json (predictions copy the input), "
                    + "avro (copy, as JSON), avro-reference (predictions name the input's offset).")
    List<String> peerFormats;

    @Option(names = "--peer-runtimes", split = ",", defaultValue = "dl4j,onnx",
            description = "Which of the peer's two FFNNs serve the peer workload, each in its own runs: dl4j (its "
                    + "Keras file, imported into DL4J) and onnx (its ONNX file, run by ONNX Runtime).")
    List<String> peerRuntimes;

    @Option(names = "--sql-records", defaultValue = "50000",
            description = "Backlog of the peer's 784-feature JSON records drained, with its model (--sql-runtime), "
                    + "by the DataStream job and by Flink SQL's ML_PREDICT (async micro-batched, and sync one row per "
                    + "call), side by side; 0 skips it.")
    long sqlRecords;

    @Option(names = "--sql-runtime", defaultValue = "onnx",
            description = "Which of the peer's FFNNs the SQL phase serves: onnx or dl4j.")
    String sqlRuntime;

    @Option(names = "--low-latency-rates", split = ",", defaultValue = "1000,10000",
            description = "Events per second of at-least-once latency runs with the low-latency setting (no buffer "
                    + "timeout, no linger in the producer and the sinks), beside the default setting's runs at the "
                    + "same rates; 0 skips.")
    List<Double> lowLatencyRates;

    @Option(names = "--memory-keys", split = ",", defaultValue = "1000,100000",
            description = "Numbers of keys whose state is measured on the heap, one job each; the bytes per key come "
                    + "from the smallest and the largest; 0 skips.")
    List<Integer> memoryKeys;

    @Option(names = "--swap-rates", split = ",", defaultValue = "1000,10000",
            description = "Events per second at which a new model version is swapped in while the job runs; 0 "
                    + "skips.")
    List<Double> swapRates;

    @Option(names = "--swap-keys", defaultValue = "100",
            description = "Series in the swap runs: fewer keys, so that each key has predictions close together.")
    int swapKeys;

    @Option(names = "--soak", defaultValue = "0", converter = DurationConverter.class,
            description = "How long a steady stream runs at --soak-rate, sampled every 30 s: throughput, latency, "
                    + "heap and checkpoint size over time; 0 skips.")
    Duration soak;

    @Option(names = "--soak-rate",
            description = "Events per second of the soak (default: 80%% of the pipeline's drain rate at parallelism 2, "
                    + "measured first in the same run).")
    Double soakRate;

    @Option(names = "--soak-keys", defaultValue = "10000", description = "Keys sending at a time in the soak.")
    int soakKeys;

    @Option(names = "--soak-turnover", defaultValue = "60s", converter = DurationConverter.class,
            description = "After this, the soak's keys stop and new ones start.")
    Duration soakTurnover;

    @Option(names = "--soak-state-ttl", defaultValue = "120s", converter = DurationConverter.class,
            description = "The job's --state-ttl in the soak.")
    Duration soakStateTtl;

    @Option(names = "--warm-up", defaultValue = "10s", converter = DurationConverter.class,
            description = "Sent before latency is measured.")
    Duration warmUp;

    @Option(names = "--measure", defaultValue = "30s", converter = DurationConverter.class,
            description = "Latency measured per run.")
    Duration measure;

    @Option(names = "--checkpoint-interval", defaultValue = "1s",
            description = "Checkpoint interval of the exactly-once latency runs, which commit predictions at "
                    + "each; at-least-once keeps the job's 10 s.")
    String checkpointInterval;

    @Option(names = "--job-arg", description = "Extra argument for the job, repeatable, e.g. --job-arg=--batch-size=1.")
    List<String> jobArgs = new ArrayList<>();

    @Option(names = "--work-dir", defaultValue = "target/benchmark", description = "Broker data, model and "
            + "results.")
    Path workDir;

    private CostMeter meter;
    private final Set<String> loadedPeerTopics = new HashSet<>();

    public static void main(String[] args) {
        System.exit(new CommandLine(new Benchmark()).setCaseInsensitiveEnumValuesAllowed(true).execute(args));
    }

    static Iterator<InputRecord> series(int keys, long seed) {
        return new SyntheticSeries(keys, SyntheticSeries.DEFAULT_PERIOD, SyntheticSeries.DEFAULT_NOISE, seed,
                System::currentTimeMillis);
    }

    /** How long each phase took, in the order they ran. */
    private final Map<String, Duration> phaseTimes = new LinkedHashMap<>();

    @Override
    public Integer call() throws Exception {
        if (repeat < 1) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--repeat must be at least 1, was " + repeat);
        }
        for (String format : peerFormats) { // before minutes of other runs, not when the peer's turn comes
            if (!PEER_FORMATS.contains(format)) {
                throw new CommandLine.ParameterException(spec.commandLine(),
                        "--peer-formats takes json, avro and avro-reference, not " + format);
            }
        }
        List<String> runtimes = new ArrayList<>(peerRuntimes);
        runtimes.add(sqlRuntime);
        for (String runtime : runtimes) {
            if (!PEER_RUNTIMES.contains(runtime)) {
                throw new CommandLine.ParameterException(spec.commandLine(),
                        "--peer-runtimes and --sql-runtime take dl4j and onnx, not " + runtime);
            }
        }
        PrintStream out = System.out;
        Files.createDirectories(workDir);
        Path model = new ModelBootstrap(out).forSynthetic(10, SyntheticSeries.DEFAULT_PERIOD,
                SyntheticSeries.DEFAULT_NOISE, workDir.resolve("models"));
        ResultTable table = new ResultTable();
        table.condition("machine", Runtime.getRuntime().availableProcessors() + " cores, Java "
                + System.getProperty("java.version") + ", OMP_NUM_THREADS=" + System.getenv("OMP_NUM_THREADS"));
        table.condition("records / keys", records + " / " + keys);
        table.condition("producer and sinks", "acks=all, linger.ms=5, batch.size=256 KB, lz4");
        table.condition("job", "buffer timeout 5 ms, batch up to 128 within 2 ms, checkpoints 10 s (exactly-once: "
                + checkpointInterval + ") " + String.join(" ", jobArgs));

        outline(out);
        long began = System.nanoTime();
        Path kafkaData = workDir.resolve("kafka-" + System.nanoTime());
        try (LocalKafkaBroker broker = LocalKafkaBroker.start(kafkaData)) {
            String bootstrap = broker.bootstrapServers();
            Topics.ensure(bootstrap, Map.of("bench-in", 4, "bench-dlq", 1));

            PipelineRuns runs = new PipelineRuns(bootstrap, model.toString(), jobArgs, workDir.resolve("checkpoints"));
            meter = new CostMeter(broker.process());
            if (records > 0) {
                phase("pipeline vs raw Kafka", () -> {
                    out.printf("loading %,d records into bench-in ...%n", records);
                    long start = System.nanoTime();
                    try (InputProducer producer = new InputProducer(bootstrap, "bench-in")) {
                        producer.run(series(keys, 1), 0, records, () -> true);
                        producer.flush();
                    }
                    table.add("producer (this project's CLI code)", "as fast as possible", records / seconds(start),
                            "records/s");
                    List<Pipeline> pipelines = new ArrayList<>();
                    for (Architecture architecture : seriesArchitectures) {
                        pipelines.add(seriesPipeline(architecture, bootstrap, runs));
                    }
                    throughput(new Workload("", "bench-in", records, List.of()), bootstrap, pipelines, table);
                });
            }
            if (peerRecords > 0) {
                for (String format : peerFormats) {
                    for (String runtime : peerRuntimes) {
                        phase("peer FFNN (" + runtime + "), " + format,
                                () -> peerWorkload(bootstrap, format, runtime, table));
                    }
                }
            }
            if (sqlRecords > 0) {
                phase("Flink SQL ML_PREDICT vs the DataStream job", () -> sqlWorkload(bootstrap, table));
            }
            if (memoryKeys.stream().anyMatch(k -> k > 0)) {
                phase("state memory", () -> stateMemory(bootstrap, model.toString(), table));
            }
            if (swapRates.stream().anyMatch(rate -> rate > 0)) {
                phase("model swaps", () -> swaps(runs, table));
            }
            if (!soak.isZero()) {
                phase("soak", () -> soak(bootstrap, runs, table));
            }
            phase("latency", () -> {
                for (String guarantee : List.of("at-least-once", "exactly-once")) {
                    for (double rate : rates) {
                        if (rate > 0) {
                            latency(runs, rate, guarantee, "", PipelineRuns.LatencySetting.THROUGHPUT, table);
                        }
                    }
                }
                for (double rate : lowLatencyRates) {
                    if (rate > 0) { // side by side: the default setting, then the low-latency one
                        latency(runs, rate, "at-least-once", " (default setting)",
                                PipelineRuns.LatencySetting.THROUGHPUT, table);
                        latency(runs, rate, "at-least-once", " (low-latency setting)",
                                PipelineRuns.LatencySetting.LOW_LATENCY, table);
                    }
                }
            });
            meter.close();
        }
        deleteRecursively(kafkaData); // hundreds of MB of benchmark records, of no use after the run
        table.print(out);
        out.printf("%nphases: %s; in all %s%n", phaseTimes.entrySet().stream()
                .map(e -> e.getKey() + " " + minutes(e.getValue())).collect(Collectors.joining(", ")),
                minutes(Duration.ofNanos(System.nanoTime() - began)));
        table.write(workDir);
        out.printf("%nwritten: %s and %s%n", workDir.resolve("results.csv"), workDir.resolve("results.json"));
        return 0;
    }

    /** A part of the run that may take minutes. */
    @FunctionalInterface
    private interface Phase {
        void run() throws Exception;
    }

    /** Says when a phase starts and how long it took: a run takes from minutes to an hour. */
    private void phase(String name, Phase phase) throws Exception {
        System.out.printf("== %s%n", name);
        long start = System.nanoTime();
        phase.run();
        Duration took = Duration.ofNanos(System.nanoTime() - start);
        phaseTimes.put(name, took);
        System.out.printf("== %s: %s%n", name, minutes(took));
    }

    /**
     * What this run will do and how long its fixed-length parts last; the backlog drains last as long as this machine
     * takes, which is what they measure.
     */
    private void outline(PrintStream out) {
        long latencyRuns = 2 * rates.stream().filter(r -> r > 0).count()
                + 2 * lowLatencyRates.stream().filter(r -> r > 0).count();
        long swapRuns = swapRates.stream().filter(r -> r > 0).count();
        Duration fixed = warmUp.plus(measure).multipliedBy(latencyRuns + swapRuns).plus(soak);
        long drained = 3L * repeat * (records * seriesArchitectures.size()
                + (long) peerRecords * peerFormats.size() * peerRuntimes.size() + sqlRecords * 2);
        out.printf("this run: %d latency and %d swap runs%s, %s of fixed length in all (plus a job start each); "
                        + "backlog drains of %,d records in all (raw Kafka, then the pipeline at parallelism 1 and "
                        + "2, %d times), as fast as this machine drains them; each phase prints its time%n",
                latencyRuns, swapRuns, soak.isZero() ? "" : " and a soak of " + minutes(soak), minutes(fixed), drained,
                repeat);
    }

    private static String minutes(Duration d) {
        long s = d.toSeconds();
        return s < 60 ? s + " s" : String.format("%d min %02d s", s / 60, s % 60);
    }

    private void latency(PipelineRuns runs, double rate, String guarantee, String label,
                         PipelineRuns.LatencySetting latencySetting, ResultTable table) throws Exception {
        System.out.printf("latency at %.0f events/s, %s%s ...%n", rate, guarantee, label);
        PipelineRuns.Latency l = runs.latency(rate, guarantee, checkpointInterval, warmUp, measure, keys,
                latencySetting);
        String setting = String.format("%.0f/s %s%s", rate, guarantee, label);
        table.add("latency p50", setting, l.percentile(0.50), "ms");
        table.add("latency p95", setting, l.percentile(0.95), "ms");
        table.add("latency p99", setting, l.percentile(0.99), "ms");
        table.add("latency max", setting, l.max(), "ms");
        table.distribution("latency", setting, l.sortedMs(), "ms");
        table.add("achieved", setting, l.achievedPerSecond(), "predictions/s");
    }

    /**
     * A second model of the same architecture (another seed) published as stable while the job serves a steady
     * stream: how long until it serves, and what the swap does to the gaps between a key's predictions and to
     * latency. Checkpoints every {@code checkpointInterval}, as a new policy waits for the next one.
     */
    private void swaps(PipelineRuns runs, ResultTable table) throws Exception {
        ModelArchive second = ModelArchive.of(new ModelBootstrap(System.out).forSyntheticSeed(10,
                SyntheticSeries.DEFAULT_PERIOD, SyntheticSeries.DEFAULT_NOISE, 43,
                workDir.resolve("models-second")).toString());
        for (double rate : swapRates) {
            if (rate <= 0) {
                continue;
            }
            System.out.printf("model swap at %.0f events/s over %d keys ...%n", rate, swapKeys);
            PipelineRuns.Swap swap = runs.swap(rate, swapKeys, second, checkpointInterval,
                    warmUp, measure);
            String setting = String.format("%.0f/s, %d keys, checkpoints %s", rate, swapKeys, checkpointInterval);
            table.add("swap: publish to first prediction of new version", setting, swap.publishToFirstMs(), "ms");
            table.add("swap: largest gap of one key, around the swap", setting, swap.keyGapAroundMs(), "ms");
            table.add("swap: largest gap of one key, steady state", setting, swap.keyGapSteadyMs(), "ms");
            table.add("swap: latency p99 around the swap", setting, swap.p99AroundMs(), "ms");
            table.add("swap: latency p99 steady state", setting, swap.p99SteadyMs(), "ms");
        }
    }

    /**
     * A steady stream for {@code --soak} at 80% of what the pipeline drains (or {@code --soak-rate}), with keys
     * that come and go: nothing may grow without bound, neither lag, nor heap, nor checkpoints.
     */
    private void soak(String bootstrap, PipelineRuns runs, ResultTable table) throws Exception {
        double rate;
        if (soakRate != null) {
            rate = soakRate;
        } else {
            long backlog = 200_000;
            Topics.ensure(bootstrap, Map.of("soak-max-in", 4));
            try (InputProducer producer = new InputProducer(bootstrap, "soak-max-in")) {
                producer.run(series(soakKeys, 3), 0, backlog, () -> true);
                producer.flush();
            }
            double drained = runs.drain("soak-max-in", backlog, 2, List.of()).perSecond();
            table.add("soak: pipeline drain before it", "parallelism 2, " + soakKeys + " keys", drained,
                    "predictions/s");
            rate = Math.floor(0.8 * drained / 100) * 100;
        }
        String setting = String.format("%.0f/s, %d keys, new keys every %d s, state TTL %d s", rate, soakKeys,
                soakTurnover.toSeconds(), soakStateTtl.toSeconds());
        System.out.printf("soak for %.1f minutes: %s ...%n", soak.toSeconds() / 60.0, setting);
        table.condition("soak", setting);
        for (PipelineRuns.SoakSample s : runs.soak(rate, soakKeys, soakTurnover, soakStateTtl, soak,
                Duration.ofSeconds(30))) {
            String at = String.format("minute %.1f", s.minutes());
            table.add("soak: achieved", at, s.achievedPerSecond(), "predictions/s");
            table.add("soak: latency p50", at, s.p50(), "ms");
            table.add("soak: latency p99", at, s.p99(), "ms");
            table.add("soak: heap after GC", at, s.heapMb(), "MB");
            table.add("soak: checkpoint size", at, s.checkpointBytes() / 1e6, "MB");
        }
    }

    /**
     * The job forecasting the small series records with a network of {@code architecture}: the MLP is the job's
     * default model and keeps the rows' old names; an LSTM or CNN is trained alike and named in its rows.
     */
    private Pipeline seriesPipeline(Architecture architecture, String bootstrap, PipelineRuns mlp)
            throws IOException {
        if (architecture == Architecture.MLP) {
            return new Pipeline("", mlp);
        }
        Path model = new ModelBootstrap(System.out).forSynthetic(10, SyntheticSeries.DEFAULT_PERIOD,
                SyntheticSeries.DEFAULT_NOISE, architecture, workDir.resolve("models"));
        return new Pipeline(architecture + " forecaster",
                new PipelineRuns(bootstrap, model.toString(), jobArgs, workDir.resolve("checkpoints")));
    }

    /**
     * The published peer's workload: random 784-float vectors through its FFNN (docs/peer-model.md), as Keras in
     * DL4J or as ONNX in ONNX Runtime, sent as {@code format}: json, avro, or avro with predictions that reference
     * their input instead of copying it.
     */
    private void peerWorkload(String bootstrap, String format, String runtime, ResultTable table) throws Exception {
        InputFormat inputFormat = format.startsWith("avro") ? InputFormat.AVRO : InputFormat.JSON;
        boolean reference = format.endsWith("-reference");
        boolean onnx = runtime.equals("onnx");
        String model = PeerModel.importTo(workDir.resolve("models").resolve("crayfish-ffnn-" + runtime), onnx);
        String input = "peer-" + inputFormat.name().toLowerCase(Locale.ROOT) + "-in";
        String workload = "peer FFNN (" + runtime + "), " + format + ": ";
        if (!loadedPeerTopics.contains(input)) { // avro and avro-reference read the same records
            Topics.ensure(bootstrap, Map.of(input, 4));
            System.out.printf("loading %,d records of 784 features into %s ...%n", peerRecords, input);
            long start = System.nanoTime();
            try (InputProducer producer = new InputProducer(bootstrap, input, inputFormat, Map.of())) {
                Iterator<InputRecord> images = PeerModel.randomImages(100, 3);
                InputRecord first = images.next();
                table.condition("peer record size, " + inputFormat.name().toLowerCase(Locale.ROOT),
                        inputFormat.encode(first).length + " bytes (784 features"
                                + (inputFormat == InputFormat.JSON ? ", 3 decimals)" : " as floats)"));
                producer.send(first);
                producer.run(images, 0, peerRecords - 1, () -> true);
                producer.flush();
            }
            table.add("peer FFNN, " + inputFormat.name().toLowerCase(Locale.ROOT) + ": producer",
                    "as fast as possible", peerRecords / seconds(start), "records/s");
            loadedPeerTopics.add(input);
        }
        List<String> args = new ArrayList<>(List.of("--input-format", inputFormat.name()));
        if (reference) {
            args.addAll(List.of("--prediction-input", "reference"));
        }
        PipelineRuns runs = new PipelineRuns(bootstrap, model, jobArgs, workDir.resolve("checkpoints"));
        double[] drained = throughput(new Workload(workload, input, peerRecords, args), bootstrap,
                List.of(new Pipeline("", runs)), table)[0];
        double published = onnx ? PeerModel.PUBLISHED_ONNX_BEST_PER_SECOND : PeerModel.PUBLISHED_BEST_PER_SECOND;
        for (int i = 0; i < PARALLELISMS.length; i++) {
            table.add(workload + String.format("pipeline / peer's published best (%,.0f/s, other hardware)", published),
                    "parallelism " + PARALLELISMS[i], drained[i] / published, "ratio");
        }
    }

    /**
     * The same JSON backlog of the peer's images, served by its ONNX or DL4J model, drained by the DataStream job
     * and by Flink SQL's ML_PREDICT (async, micro-batched; sync, one row per call) in interleaved rounds.
     */
    private void sqlWorkload(String bootstrap, ResultTable table) throws Exception {
        String input = "sql-peer-json-in";
        String registryTopic = "bench-sql-models";
        Topics.ensure(bootstrap, Map.of(input, 4));
        try (InputProducer producer = new InputProducer(bootstrap, input, InputFormat.JSON, Map.of())) {
            producer.run(PeerModel.randomImages(100, 5), 0, sqlRecords, () -> true);
            producer.flush();
        }
        boolean onnx = sqlRuntime.equals("onnx");
        String model = PeerModel.importTo(workDir.resolve("models").resolve("crayfish-ffnn-sql-" + sqlRuntime), onnx);
        ModelArchive archive = ModelArchive.of(model);
        ModelRegistry registry = new ModelRegistry(bootstrap, registryTopic);
        registry.ensureTopic();
        registry.publish(archive, List.of(ModelCommand.of(ModelCommand.Action.STABLE, archive.version(), 0,
                "benchmark")));
        PipelineRuns job = new PipelineRuns(bootstrap, model, jobArgs, workDir.resolve("checkpoints"));
        SqlRuns sql = new SqlRuns(bootstrap, registryTopic);
        String[] ways = {"DataStream job", "SQL ML_PREDICT, async (micro-batched)", "SQL ML_PREDICT, sync (one row "
                + "per call)"};
        double[][][] rates = new double[ways.length][PARALLELISMS.length][repeat];
        CostMeter.Cost[][][] costs = new CostMeter.Cost[ways.length][PARALLELISMS.length][repeat];
        for (int round = 0; round < repeat; round++) {
            System.out.printf("SQL against the DataStream job: round %d of %d ...%n", round + 1, repeat);
            for (int p = 0; p < PARALLELISMS.length; p++) {
                for (int w = 0; w < ways.length; w++) {
                    PipelineRuns.Drained d = w == 0 ? job.drain(input, sqlRecords, PARALLELISMS[p], List.of())
                            : sql.drain(input, sqlRecords, PARALLELISMS[p], w == 1);
                    rates[w][p][round] = d.perSecond();
                    costs[w][p][round] = meter.between(d.firstMillis(), d.lastMillis(), d::between);
                }
            }
        }
        for (int w = 0; w < ways.length; w++) {
            for (int p = 0; p < PARALLELISMS.length; p++) {
                String setting = "parallelism " + PARALLELISMS[p];
                String workload = "peer FFNN (" + sqlRuntime + "), json: " + ways[w];
                rates(table, workload, setting, rates[w][p], "predictions/s");
                costs(table, workload, setting, costs[w][p]);
            }
        }
    }

    /** Records already in {@code input}, and the job arguments that read them. */
    private record Workload(String name, String input, long count, List<String> jobArgs) {
    }

    /** A job that drains a workload, and what its rows are called after the workload's name ("": nothing more). */
    private record Pipeline(String name, PipelineRuns runs) {
    }

    /**
     * The raw passthrough and each pipeline's drains of the same backlog, in {@code repeat} interleaved rounds (so
     * that drift on a shared machine hits them alike); adds their medians, slowest and fastest rounds, the ratios of
     * the medians, and the median cost per record (CPU of this process and of the broker, allocation) to the table;
     * returns each pipeline's medians by parallelism.
     */
    private double[][] throughput(Workload w, String bootstrap, List<Pipeline> pipelines, ResultTable table)
            throws Exception {
        double[] raw = new double[repeat];
        CostMeter.Cost[] rawCosts = new CostMeter.Cost[repeat];
        double[][][] drained = new double[pipelines.size()][PARALLELISMS.length][repeat];
        CostMeter.Cost[][][] costs = new CostMeter.Cost[pipelines.size()][PARALLELISMS.length][repeat];
        String rawOutput = w.input() + "-raw-out";
        Topics.ensure(bootstrap, Map.of(rawOutput, 4));
        for (int round = 0; round < repeat; round++) {
            System.out.printf("%sround %d of %d: raw Kafka passthrough, then %s at parallelism 1 and 2 ...%n",
                    w.name(), round + 1, repeat, pipelines.size() == 1 ? "the pipeline" : "each pipeline ("
                            + pipelines.stream().map(p -> p.name().isEmpty() ? "the default model" : p.name())
                            .collect(Collectors.joining(", ")) + ")");
            RawPassthrough.Copied copied = RawPassthrough.copy(bootstrap, w.input(), rawOutput, w.count());
            raw[round] = copied.perSecond();
            rawCosts[round] = meter.between(copied.startMillis(), copied.endMillis(), copied::between);
            for (int p = 0; p < pipelines.size(); p++) {
                for (int i = 0; i < PARALLELISMS.length; i++) {
                    PipelineRuns.Drained d = pipelines.get(p).runs().drain(w.input(), w.count(), PARALLELISMS[i],
                            w.jobArgs());
                    drained[p][i][round] = d.perSecond();
                    costs[p][i][round] = meter.between(d.firstMillis(), d.lastMillis(), d::between);
                }
            }
        }
        String of = " of " + repeat;
        double rawMedian = median(raw);
        rates(table, w.name() + "raw Kafka passthrough (consume+produce)", "1 thread", raw, "records/s");
        costs(table, w.name() + "raw Kafka passthrough", "1 thread", rawCosts);
        double[][] medians = new double[pipelines.size()][PARALLELISMS.length];
        for (int p = 0; p < pipelines.size(); p++) {
            String name = w.name() + (pipelines.get(p).name().isEmpty() ? "" : pipelines.get(p).name() + ", ");
            for (int i = 0; i < PARALLELISMS.length; i++) {
                medians[p][i] = median(drained[p][i]);
                String setting = "parallelism " + PARALLELISMS[i];
                rates(table, name + "pipeline drain", setting, drained[p][i], "predictions/s");
                table.add(name + "pipeline / raw Kafka", setting + ", medians" + of, medians[p][i] / rawMedian,
                        "ratio");
                costs(table, name + "pipeline", setting, costs[p][i]);
            }
        }
        return medians;
    }

    /** The median of the rounds, and the slowest and the fastest: their spread shows how steady the machine was. */
    private void rates(ResultTable table, String measurement, String setting, double[] rounds, String unit) {
        table.add(measurement, setting + ", median of " + repeat, median(rounds), unit);
        table.add(measurement, setting + ", slowest of " + repeat, Arrays.stream(rounds).min().orElseThrow(), unit);
        table.add(measurement, setting + ", fastest of " + repeat, Arrays.stream(rounds).max().orElseThrow(), unit);
    }

    private void costs(ResultTable table, String measurement, String setting, CostMeter.Cost[] rounds) {
        String median = setting + ", median of " + repeat;
        table.add(measurement + ": CPU per record, this process", median,
                median(Arrays.stream(rounds).mapToDouble(CostMeter.Cost::jobCpuMicros).toArray()), "µs");
        table.add(measurement + ": CPU per record, broker", median,
                median(Arrays.stream(rounds).mapToDouble(CostMeter.Cost::brokerCpuMicros).toArray()), "µs");
        table.add(measurement + ": allocated per record, this process", median,
                median(Arrays.stream(rounds).mapToDouble(CostMeter.Cost::allocatedBytes).toArray()), "bytes");
    }

    private static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        int middle = sorted.length / 2;
        return sorted.length % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
    }

    /**
     * Heap per key of state: two records per key for each of {@code memoryKeys}, each measured while the job holds
     * the state; bytes per key from the difference between the most and the fewest keys. State is allocated whole on
     * a key's first record (a full window and id ring), so two records per key suffice.
     */
    private void stateMemory(String bootstrap, String model, ResultTable table) throws Exception {
        PipelineRuns runs = new PipelineRuns(bootstrap, model, jobArgs, workDir.resolve("checkpoints"));
        List<Integer> keyCounts = memoryKeys.stream().filter(k -> k > 0).sorted().distinct().toList();
        long[] heap = new long[keyCounts.size()];
        for (int i = 0; i < heap.length; i++) {
            int keyCount = keyCounts.get(i);
            long count = 2L * keyCount;
            String topic = "mem-in-" + keyCount;
            Topics.ensure(bootstrap, Map.of(topic, 4));
            try (InputProducer producer = new InputProducer(bootstrap, topic)) {
                producer.run(series(keyCount, 5), 0, count, () -> true);
                producer.flush();
            }
            System.out.printf("state memory: %,d records over %,d keys ...%n", count, keyCount);
            heap[i] = runs.heapHoldingState(topic, count);
            table.add("heap in use, job holding state", String.format("%,d keys", keyCount), heap[i] / 1e6, "MB");
        }
        int last = heap.length - 1;
        if (last > 0) {
            table.add("heap per key of state", "window 16, 32 remembered ids",
                    (double) (heap[last] - heap[0]) / (keyCounts.get(last) - keyCounts.get(0)), "bytes");
        }
        table.add("process resident memory (RSS)", "at the end", residentMegabytes(), "MB");
    }

    private static double residentMegabytes() throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("\\D", "")) / 1024.0;
            }
        }
        return Double.NaN;
    }

    private static void deleteRecursively(Path dir) throws IOException {
        try (var paths = Files.walk(dir)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }

    private static double seconds(long startNanos) {
        return (System.nanoTime() - startNanos) / 1e9;
    }
}
