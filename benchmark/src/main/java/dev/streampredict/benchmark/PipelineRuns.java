package dev.streampredict.benchmark;

import dev.streampredict.common.Percentiles;
import dev.streampredict.common.kafka.Topics;
import dev.streampredict.common.message.InputFormat;
import dev.streampredict.common.message.InputRecord;
import dev.streampredict.common.message.InvalidRecordException;
import dev.streampredict.common.message.JsonInputCodec;
import dev.streampredict.common.message.Prediction;
import dev.streampredict.common.message.PredictionCodec;
import dev.streampredict.job.JobOptions;
import dev.streampredict.job.PredictionJob;
import dev.streampredict.model.ModelArchive;
import dev.streampredict.registry.ModelCommand;
import dev.streampredict.registry.ModelRegistry;
import dev.streampredict.producer.InputProducer;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryType;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;

/** Runs the production job on a local Flink cluster in this JVM and measures what reaches Kafka. */
final class PipelineRuns {

    /** @param sortedMs every measured latency, ascending */
    record Latency(long[] sortedMs, double achievedPerSecond) {

        long percentile(double p) {
            return Percentiles.of(sortedMs, p);
        }

        long max() {
            return sortedMs.length == 0 ? -1 : sortedMs[sortedMs.length - 1];
        }
    }

    /**
     * A new stable version published while the job serves a steady stream.
     *
     * @param publishToFirstMs from the moment before the publication to the first prediction of the new version
     * @param keyGapAroundMs   the largest gap between two predictions of one key in the two seconds around the
     *                         swap (from one second before the first new prediction to one after)
     * @param keyGapSteadyMs   the same over the seconds before the publication, for comparison
     * @param p99AroundMs      latency p99 of the inputs whose predictions fall in those two seconds
     * @param p99SteadyMs      latency p99 before the publication
     */
    record Swap(long publishToFirstMs, long keyGapAroundMs, long keyGapSteadyMs, long p99AroundMs, long p99SteadyMs) {
    }

    /**
     * One interval of a soak.
     *
     * @param heapMb          heap in use after the latest collection of each heap pool (no collection forced, so
     *                        the stream is not paused to measure it)
     * @param checkpointBytes size of the latest completed checkpoint on disk
     */
    record SoakSample(double minutes, double offeredPerSecond, double achievedPerSecond, long p50, long p99,
                      double heapMb, long checkpointBytes) {
    }

    /** What the job and its producer are tuned for in a latency run. */
    enum LatencySetting {
        /** The defaults: network buffers wait up to 5 ms, batches 2 ms, producers linger 5 ms. */
        THROUGHPUT(List.of(), Map.of()),
        /**
         * Network buffers and producer requests go as soon as they have a record. Micro-batches still wait up to
         * 2 ms: without them (--batch-timeout 0) every input pays a whole model call, and at 1,000 events/s the
         * scorer fell seconds behind.
         */
        LOW_LATENCY(List.of("--buffer-timeout", "0", "--kafka-property", "linger.ms=0"),
                Map.of(ProducerConfig.LINGER_MS_CONFIG, 0));

        final List<String> jobArgs;
        final Map<String, Object> producerSettings;

        LatencySetting(List<String> jobArgs, Map<String, Object> producerSettings) {
            this.jobArgs = jobArgs;
            this.producerSettings = producerSettings;
        }
    }

    /** One prediction as the swap measurement needs it. */
    private record Observed(String key, String version, long predictedAt, long latencyMs) {
    }

    private final String bootstrap;
    private final String model;
    private final List<String> jobArgs;
    private final Path checkpoints;

    PipelineRuns(String bootstrap, String model, List<String> jobArgs, Path checkpoints) {
        this.bootstrap = bootstrap;
        this.checkpoints = checkpoints;
        this.model = model;
        this.jobArgs = jobArgs;
    }

    /** The predictions of a drain, by when each was made. */
    record Drained(long[] sortedMillis) {

        /** Predictions per second between the first and the last: job start-up and model loading do not count. */
        double perSecond() {
            return sortedMillis.length / ((sortedMillis[sortedMillis.length - 1] - sortedMillis[0]) / 1e3);
        }

        long firstMillis() {
            return sortedMillis[0];
        }

        long lastMillis() {
            return sortedMillis[sortedMillis.length - 1];
        }

        /** How many predictions were made between two times. */
        double between(long fromMillis, long toMillis) {
            return upTo(toMillis) - upTo(fromMillis - 1);
        }

        private int upTo(long millis) {
            int at = Arrays.binarySearch(sortedMillis, millis);
            if (at < 0) {
                return -at - 1;
            }
            while (at + 1 < sortedMillis.length && sortedMillis[at + 1] == millis) {
                at++;
            }
            return at + 1;
        }
    }

    /** Drains {@code count} records already in {@code input}, with {@code args} added to the job's. */
    Drained drain(String input, long count, int parallelism, List<String> args) throws Exception {
        String out = "drain-out-" + parallelism + "-" + UUID.randomUUID();
        Topics.ensure(bootstrap, Map.of(out, 4));
        List<String> all = new ArrayList<>(List.of("--input-topic", input, "--predictions-topic", out, "--bounded",
                "--starting-offsets", "earliest", "--checkpoint-interval", "0", "--delivery-guarantee",
                "at-least-once"));
        all.addAll(args);
        JobClient job = start(parallelism, all.toArray(String[]::new));
        job.getJobExecutionResult().get(30, TimeUnit.MINUTES);
        long[] times = new long[Math.toIntExact(count)];
        int seen = 0;
        PredictionCodec codec = new PredictionCodec();
        try (KafkaConsumer<byte[], byte[]> consumer = consumer(out)) {
            while (seen < count) {
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(500))) {
                    times[seen++] = codec.parse(r.value()).predictionTimestamp();
                }
            }
        }
        Arrays.sort(times);
        return new Drained(times);
    }

    /**
     * Sends at {@code perSecond} for {@code warmUp + measure}, and measures for the inputs sent during
     * {@code measure}: from the event timestamp (set when the record is made, just before it is sent) to the
     * moment a read_committed consumer has its prediction.
     */
    Latency latency(double perSecond, String guarantee, String checkpointInterval, Duration warmUp, Duration measure,
                    int keys, LatencySetting setting)
            throws Exception {
        String tag = guarantee + "-" + (long) perSecond + "-" + UUID.randomUUID();
        String in = "lat-in-" + tag;
        String out = "lat-out-" + tag;
        Topics.ensure(bootstrap, Map.of(in, 4, out, 4));
        List<String> args = new ArrayList<>(List.of("--input-topic", in, "--predictions-topic", out,
                "--starting-offsets", "earliest", "--delivery-guarantee", guarantee,
                "--transactional-id-prefix", "bench-" + tag));
        if (guarantee.equals("exactly-once")) { // at-least-once keeps the job's default
            args.addAll(List.of("--checkpoint-interval", checkpointInterval));
        }
        args.addAll(setting.jobArgs);
        JobClient job = start(2, args.toArray(String[]::new));
        awaitRunning(job);

        long measureFrom = System.currentTimeMillis() + warmUp.toMillis();
        long measureUntil = measureFrom + measure.toMillis();
        List<Long> latencies = new ArrayList<>();
        AtomicBoolean sending = new AtomicBoolean(true);
        long[] sent = new long[1];
        Thread producer = new Thread(() -> {
            try (InputProducer p = new InputProducer(bootstrap, in, InputFormat.JSON, setting.producerSettings)) {
                Iterator<InputRecord> records = Benchmark.series(keys, 7);
                sent[0] = p.run(records, perSecond, 0, () -> System.currentTimeMillis() < measureUntil);
                p.flush();
            } finally {
                sending.set(false);
            }
        }, "latency-producer");
        producer.start();

        // 10 s more: the last predictions, and for exactly-once the last commit
        readUntilQuiet(out, sending, 10_000, (p, eventTime, readAt) -> {
            if (eventTime >= measureFrom && eventTime < measureUntil) {
                latencies.add(readAt - eventTime);
            }
        });
        long measured = latencies.size();
        producer.join();
        job.cancel().get(60, TimeUnit.SECONDS);
        long[] sorted = latencies.stream().mapToLong(Long::longValue).toArray();
        Arrays.sort(sorted);
        return new Latency(sorted, measured / (measure.toMillis() / 1e3));
    }

    /**
     * Streams {@code keys} series at {@code perSecond} to a job that follows a registry, at-least-once with
     * checkpoints every {@code checkpointInterval} (a new policy takes effect at the next one); publishes
     * {@code next} as the stable version after {@code warmUp}, and streams on for {@code after}.
     */
    Swap swap(double perSecond, int keys, ModelArchive next, String checkpointInterval, Duration warmUp,
              Duration after) throws Exception {
        String tag = "swap-" + (long) perSecond + "-" + UUID.randomUUID();
        String in = "in-" + tag;
        String out = "out-" + tag;
        Topics.ensure(bootstrap, Map.of(in, 4, out, 4, "shadow-" + tag, 4));
        ModelRegistry registry = new ModelRegistry(bootstrap, "models-" + tag);
        registry.ensureTopic();
        JobClient job = start(2, "--input-topic", in, "--predictions-topic", out, "--starting-offsets", "earliest",
                "--delivery-guarantee", "at-least-once", "--checkpoint-interval", checkpointInterval,
                "--model-registry", registry.topic(), "--shadow-topic", "shadow-" + tag);
        awaitRunning(job);

        long publishAt = System.currentTimeMillis() + warmUp.toMillis();
        long stopAt = publishAt + after.toMillis();
        AtomicBoolean sending = new AtomicBoolean(true);
        Thread producer = new Thread(() -> {
            try (InputProducer p = new InputProducer(bootstrap, in)) {
                p.run(Benchmark.series(keys, 9), perSecond, 0, () -> System.currentTimeMillis() < stopAt);
                p.flush();
            } finally {
                sending.set(false);
            }
        }, "swap-producer");
        producer.start();
        Thread publisher = new Thread(() -> {
            try {
                Thread.sleep(Math.max(0, publishAt - System.currentTimeMillis()));
                registry.publish(next, List.of(ModelCommand.of(ModelCommand.Action.STABLE, next.version(), 0,
                        "benchmark")));
            } catch (Exception e) {
                throw new IllegalStateException("publishing the second model failed", e);
            }
        }, "swap-publisher");
        publisher.start();

        List<Observed> observed = new ArrayList<>();
        readUntilQuiet(out, sending, 5_000, (p, eventTime, readAt) ->
                observed.add(new Observed(p.key(), p.modelVersion(), p.predictionTimestamp(), readAt - eventTime)));
        producer.join();
        publisher.join();
        job.cancel().get(60, TimeUnit.SECONDS);

        long firstNew = observed.stream().filter(o -> o.version().equals(next.version()))
                .mapToLong(Observed::predictedAt).min().orElseThrow(() -> new IllegalStateException(
                        "the new version made no prediction within " + after));
        long steadyFrom = publishAt - warmUp.toMillis() / 2;
        return new Swap(firstNew - publishAt,
                largestKeyGap(observed, firstNew - 1_000, firstNew + 1_000),
                largestKeyGap(observed, steadyFrom, publishAt),
                p99(observed, firstNew - 1_000, firstNew + 1_000), p99(observed, steadyFrom, publishAt));
    }

    /**
     * Streams {@code keys} series at {@code perSecond} for {@code duration} to a job with {@code --state-ttl ttl};
     * every {@code turnover} the keys are replaced by new ones, as devices come and go, so state of keys that stopped
     * must expire for memory to stay flat. Samples throughput, latency, heap and checkpoint size every
     * {@code interval}.
     */
    List<SoakSample> soak(double perSecond, int keys, Duration turnover, Duration ttl, Duration duration,
                          Duration interval) throws Exception {
        String tag = "soak-" + UUID.randomUUID();
        String in = "in-" + tag;
        String out = "out-" + tag;
        Topics.ensure(bootstrap, Map.of(in, 4, out, 4));
        JobClient job = start(2, "--input-topic", in, "--predictions-topic", out, "--starting-offsets", "earliest",
                "--delivery-guarantee", "at-least-once", "--checkpoint-interval", "10s", "--state-ttl",
                ttl.toSeconds() + "s");
        awaitRunning(job);
        Path checkpointsOfJob = checkpoints.resolve(job.getJobID().toHexString());
        long start = System.currentTimeMillis();
        long stopAt = start + duration.toMillis();
        AtomicBoolean sending = new AtomicBoolean(true);
        Thread producer = new Thread(() -> {
            try (InputProducer p = new InputProducer(bootstrap, in)) {
                Iterator<InputRecord> series = Benchmark.series(keys, 13);
                Iterator<InputRecord> turning = new Iterator<>() {
                    public boolean hasNext() {
                        return true;
                    }

                    public InputRecord next() {
                        InputRecord r = series.next();
                        long generation = (System.currentTimeMillis() - start) / turnover.toMillis();
                        return new InputRecord(r.id(), r.key() + "-g" + generation, r.timestamp(), r.features(),
                                r.label());
                    }
                };
                p.run(turning, perSecond, 0, () -> System.currentTimeMillis() < stopAt);
                p.flush();
            } finally {
                sending.set(false);
            }
        }, "soak-producer");
        producer.start();

        List<SoakSample> samples = new ArrayList<>();
        List<Long> latencies = new ArrayList<>();
        long[] intervalStart = {start};
        readUntilQuiet(out, sending, 10_000, (p, eventTime, readAt) -> {
            if (eventTime >= stopAt) {
                return;
            }
            latencies.add(readAt - eventTime);
            if (readAt - intervalStart[0] >= interval.toMillis()) {
                samples.add(sample(start, intervalStart[0], readAt, perSecond, latencies, checkpointsOfJob));
                latencies.clear();
                intervalStart[0] = readAt;
            }
        });
        producer.join();
        job.cancel().get(60, TimeUnit.SECONDS);
        return samples;
    }

    private static SoakSample sample(long start, long from, long to, double offered, List<Long> latencies,
                                     Path checkpointsOfJob) {
        long[] sorted = latencies.stream().mapToLong(Long::longValue).sorted().toArray();
        long heap = ManagementFactory.getMemoryPoolMXBeans().stream()
                .filter(pool -> pool.getType() == MemoryType.HEAP && pool.getCollectionUsage() != null)
                .mapToLong(pool -> pool.getCollectionUsage().getUsed()).sum();
        return new SoakSample((to - start) / 60_000.0, offered, sorted.length / ((to - from) / 1e3),
                Percentiles.of(sorted, 0.5), Percentiles.of(sorted, 0.99), heap / 1e6,
                latestCheckpointBytes(checkpointsOfJob));
    }

    private static long latestCheckpointBytes(Path checkpointsOfJob) {
        try (Stream<Path> dirs = Files.list(checkpointsOfJob)) {
            Path latest = dirs.filter(d -> d.getFileName().toString().startsWith("chk-"))
                    .max(Comparator.comparingLong(d -> Long.parseLong(d.getFileName().toString().substring(4))))
                    .orElse(null);
            if (latest == null) {
                return 0;
            }
            try (Stream<Path> files = Files.walk(latest)) {
                return files.filter(Files::isRegularFile).mapToLong(f -> f.toFile().length()).sum();
            }
        } catch (IOException e) {
            return 0; // a checkpoint being written or subsumed as we look
        }
    }

    /** A prediction read from the output topic, with its input's event time and the moment it was read. */
    @FunctionalInterface
    private interface PredictionRead {
        void accept(Prediction prediction, long eventTime, long readAt);
    }

    /** Reads {@code topic} as a read_committed consumer until {@code quietMs} after {@code sending} turned false. */
    private void readUntilQuiet(String topic, AtomicBoolean sending, long quietMs, PredictionRead read)
            throws InvalidRecordException {
        PredictionCodec predictions = new PredictionCodec();
        JsonInputCodec inputs = new JsonInputCodec();
        try (KafkaConsumer<byte[], byte[]> consumer = consumer(topic)) {
            long quietUntil = Long.MAX_VALUE;
            while (System.currentTimeMillis() < quietUntil) {
                var batch = consumer.poll(Duration.ofMillis(100));
                long now = System.currentTimeMillis();
                for (ConsumerRecord<byte[], byte[]> r : batch) {
                    Prediction p = predictions.parse(r.value());
                    read.accept(p, inputs.parse(p.input().getBytes(StandardCharsets.UTF_8)).timestamp(), now);
                }
                if (!sending.get() && quietUntil == Long.MAX_VALUE) {
                    quietUntil = now + quietMs;
                }
            }
        }
    }

    /** The largest time between two consecutive predictions of one key, both made within [from, to). */
    private static long largestKeyGap(List<Observed> observed, long from, long to) {
        Map<String, Long> last = new HashMap<>();
        long largest = 0;
        for (Observed o : observed.stream().sorted(Comparator.comparingLong(Observed::predictedAt)).toList()) {
            if (o.predictedAt() < from || o.predictedAt() >= to) {
                continue;
            }
            Long previous = last.put(o.key(), o.predictedAt());
            if (previous != null) {
                largest = Math.max(largest, o.predictedAt() - previous);
            }
        }
        return largest;
    }

    private static long p99(List<Observed> observed, long from, long to) {
        long[] latencies = observed.stream().filter(o -> o.predictedAt() >= from && o.predictedAt() < to)
                .mapToLong(Observed::latencyMs).sorted().toArray();
        return Percentiles.of(latencies, 0.99);
    }

    /**
     * Scores the {@code count} records in {@code input} with a running job and returns the heap in use (after full
     * garbage collections) while the job still holds every key's state.
     */
    long heapHoldingState(String input, long count) throws Exception {
        String out = "mem-out-" + UUID.randomUUID();
        Topics.ensure(bootstrap, Map.of(out, 4));
        JobClient job = start(2, "--input-topic", input, "--predictions-topic", out, "--starting-offsets", "earliest",
                "--delivery-guarantee", "at-least-once");
        long seen = 0;
        try (KafkaConsumer<byte[], byte[]> consumer = consumer(out)) {
            while (seen < count) {
                seen += consumer.poll(Duration.ofMillis(500)).count();
            }
        }
        long heap = usedHeapAfterGc();
        job.cancel().get(60, TimeUnit.SECONDS);
        return heap;
    }

    static long usedHeapAfterGc() throws InterruptedException {
        for (int i = 0; i < 3; i++) {
            System.gc();
            Thread.sleep(200);
        }
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }

    private JobClient start(int parallelism, String... args) throws Exception {
        List<String> all = new ArrayList<>(List.of("--bootstrap-servers", bootstrap, "--model", model,
                "--checkpoint-dir", checkpoints.toUri().toString(),
                "--parallelism", Integer.toString(parallelism), "--dead-letter-topic", "bench-dlq",
                "--job-name", "benchmark"));
        all.addAll(jobArgs);
        all.addAll(List.of(args));
        JobOptions options = JobOptions.parse(all.toArray(String[]::new));
        StreamExecutionEnvironment env = StreamExecutionEnvironment.createLocalEnvironment(parallelism,
                new Configuration());
        PredictionJob.configure(env, options);
        return env.executeAsync(options.jobName());
    }

    private static void awaitRunning(JobClient job) throws Exception {
        while (job.getJobStatus().get() != JobStatus.RUNNING) {
            Thread.sleep(100);
        }
    }

    private KafkaConsumer<byte[], byte[]> consumer(String topic) {
        KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ConsumerConfig.GROUP_ID_CONFIG, "benchmark-" + UUID.randomUUID(),
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
                ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class,
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class));
        consumer.subscribe(List.of(topic));
        return consumer;
    }
}
