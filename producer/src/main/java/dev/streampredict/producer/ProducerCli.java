package dev.streampredict.producer;

import dev.streampredict.common.csv.CsvColumnOptions;
import dev.streampredict.common.csv.CsvRecordReader;
import dev.streampredict.common.kafka.KafkaClientOptions;
import dev.streampredict.common.kafka.KafkaPreflight;
import dev.streampredict.common.kafka.TopicNames;
import dev.streampredict.common.message.InputFormat;
import dev.streampredict.common.message.InputRecord;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.Closeable;
import java.io.IOException;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/** {@code producer}: streams records into the input topic until done or Ctrl-C, then prints the final count. */
@Command(name = "producer", mixinStandardHelpOptions = true, showDefaultValues = true, sortOptions = false,
        description = "Streams input records (synthetic series or a replayed CSV file) into Kafka.")
public final class ProducerCli implements Callable<Integer> {

    enum Source { synthetic, csv }

    @Option(names = "--bootstrap-servers", defaultValue = "127.0.0.1:9092",
            description = "Kafka brokers to connect to.")
    String bootstrapServers;

    @CommandLine.Mixin
    KafkaClientOptions kafka = new KafkaClientOptions();

    @Option(names = "--input-topic", defaultValue = TopicNames.INPUT, description = "Topic to write.")
    String topic;

    @Option(names = {"--input-format", "--format"}, defaultValue = "json", converter = InputFormat.Converter.class,
            description = "json (named features, readable by eye) or avro (single-object encoded, features as "
                    + "floats in the order of the source's columns, which must be the model's order; for wide "
                    + "inputs); the job reads it with the same --input-format.")
    InputFormat format;

    @Option(names = "--source", description = "synthetic or csv (default: csv when --csv is given, else synthetic).")
    Source source;

    @Option(names = "--rate", defaultValue = "100", description = "Events per second; 0 = as fast as possible.")
    double rate;

    @Option(names = "--count", defaultValue = "0", description = "Stop after this many records; 0 = no limit.")
    long count;

    @Option(names = "--loop", description = "Replay the CSV file again and again, with fresh ids; timestamps keep the "
            + "file's spacing, each pass continuing the last while that stays in the past, else ending at the "
            + "clock, so they never run ahead of it.")
    boolean loop;

    @Option(names = "--keys", defaultValue = "10", description = "Synthetic: number of series.")
    int keys;

    @Option(names = "--period", defaultValue = "" + SyntheticSeries.DEFAULT_PERIOD,
            description = "Synthetic: steps per seasonal cycle.")
    double period;

    @Option(names = "--noise", defaultValue = "" + SyntheticSeries.DEFAULT_NOISE,
            description = "Synthetic: standard deviation of the noise.")
    double noise;

    @Option(names = "--regime-change-at", paramLabel = "N",
            description = "Synthetic: after N records every series changes its period (to --regime-period) and "
                    + "level (by --regime-level-shift): a model of the old regime goes stale.")
    Long regimeChangeAt;

    @Option(names = "--regime-period", defaultValue = "20",
            description = "Synthetic: steps per cycle after the regime change.")
    double regimePeriod;

    @Option(names = "--regime-level-shift", defaultValue = "20",
            description = "Synthetic: how far the level moves at the regime change.")
    double regimeLevelShift;

    @Option(names = "--seed", defaultValue = "42", description = "Synthetic: random seed.")
    long seed;

    @Mixin
    CsvColumnOptions csv = new CsvColumnOptions();

    private final AtomicBoolean running = new AtomicBoolean(true);
    private final CountDownLatch finished = new CountDownLatch(1);

    public static void main(String[] args) {
        System.exit(new CommandLine(new ProducerCli()).execute(args));
    }

    @Override
    public Integer call() throws Exception {
        Map<String, String> clientSettings;
        try {
            clientSettings = kafka.settings();
            KafkaPreflight.check(bootstrapServers, clientSettings, List.of(), List.of(topic));
        } catch (IllegalArgumentException e) {
            System.err.println("error: " + e.getMessage());
            return 2;
        }
        AtomicLong rejected = new AtomicLong();
        Iterator<InputRecord> records = openSource(rejected);
        // from here on Ctrl-C stops sending and waits for the final flush; before, there is nothing to flush, and
        // a hook would hold the exit of a refused start for its 30 s
        Thread mainThread = Thread.currentThread();
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            running.set(false);
            mainThread.interrupt(); // wakes the pacer
            try {
                finished.await(30, TimeUnit.SECONDS);
            } catch (InterruptedException ignored) {
                // exiting anyway
            }
        }, "producer-shutdown"));
        ScheduledExecutorService progress = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "progress");
            t.setDaemon(true);
            return t;
        });
        try (InputProducer producer = new InputProducer(bootstrapServers, topic, format,
                new HashMap<>(clientSettings))) {
            long start = System.nanoTime();
            progress.scheduleAtFixedRate(() -> System.out.printf("sent %d records (%d acknowledged), %.0f/s%n",
                    producer.sent(), producer.acknowledged(),
                    producer.sent() / ((System.nanoTime() - start) / 1e9)), 5, 5, TimeUnit.SECONDS);
            producer.run(records, rate, count, running::get);
            Thread.interrupted(); // a Ctrl-C interrupt must not abort the final flush
            producer.flush();
            progress.shutdownNow();
            System.out.printf("%s: sent %d records to '%s', %d acknowledged%s%n",
                    running.get() ? "done" : "stopped", producer.sent(), topic, producer.acknowledged(),
                    rejected.get() > 0 ? ", " + rejected.get() + " CSV rows skipped" : "");
            return 0;
        } catch (IllegalStateException e) {
            System.err.println("error: " + e.getMessage());
            return 1;
        } finally {
            progress.shutdownNow();
            if (records instanceof Closeable closeable) {
                closeable.close();
            }
            finished.countDown();
        }
    }

    private Iterator<InputRecord> openSource(AtomicLong rejected) throws IOException {
        Source chosen = source != null ? source : csv.hasFile() ? Source.csv : Source.synthetic;
        if (chosen == Source.synthetic) {
            System.out.printf("producing synthetic series: %d keys, %.0f events/s, to %s at %s%n",
                    keys, rate, topic, bootstrapServers);
            SyntheticSeries series = new SyntheticSeries(keys, period, noise, seed, System::currentTimeMillis);
            return regimeChangeAt == null ? series
                    : series.regimeChangeAt(regimeChangeAt, regimePeriod, regimeLevelShift);
        }
        CsvReplay replay = new CsvReplay(csv.toSpec(), loop, System::currentTimeMillis,
                (CsvRecordReader.RejectedRow row) -> {
                    rejected.incrementAndGet();
                    System.err.println("skipping CSV line " + row.line() + ": " + row.reason());
                });
        System.out.printf("replaying %s%s at %s events/s to %s at %s%n", csv.toSpec().file(), loop ? " in a loop" : "",
                rate > 0 ? String.format("%.0f", rate) : "max", topic, bootstrapServers);
        return replay;
    }
}
