package dev.streampredict.local;

import dev.streampredict.common.Percentiles;
import dev.streampredict.common.message.InputRecord;
import dev.streampredict.common.message.InvalidRecordException;
import dev.streampredict.common.message.JsonInputCodec;
import dev.streampredict.common.message.Prediction;
import dev.streampredict.common.message.PredictionCodec;
import dev.streampredict.registry.RegistryStatus;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Watches the predictions, shadow predictions and dead-letter topics as a downstream reader would (read_committed,
 * from the end at start) and keeps what the status line shows: counts, latency percentiles, and the running MSE of
 * the served forecasts against the values that followed, next to the MSE of "next = last". The live page gets each
 * forecast's error under the version that made it, served or shadow, for each step ahead. The job's reports on
 * registry records that it refused go to {@code onRefusal} as they come, so that a person sees them where they work.
 */
public final class PredictionMonitor implements AutoCloseable {

    /**
     * What the status line shows at one moment; counts and sums since the start, so that two snapshots give the
     * numbers of the time between them.
     *
     * @param servedVersion the version of the latest served prediction
     */
    public record Snapshot(long predictions, long deadLetters, long latencyP50, long latencyP99, long evaluated,
                           double squaredErrorSum, double persistenceSquaredErrorSum, long classified, long correct,
                           String servedVersion) {
    }

    private static final int LATENCY_SAMPLES = 10_000;
    /**
     * Keys whose forecasts are met at every step ahead, for the live page's error by step: a key's open forecasts
     * of H steps hold H x H values (H up to 168), so the others are met at their next value only, which the status
     * line and the other charts need.
     */
    static final int EVERY_STEP_KEYS = 100;

    private final KafkaConsumer<byte[], byte[]> consumer;
    private final String predictionsTopic;
    private final String shadowTopic;
    private final String statusTopic;
    private final Consumer<RegistryStatus> onRefusal;
    private final Thread thread;
    private final LiveHistory history;
    private final PredictionCodec predictionCodec = new PredictionCodec();
    private final JsonInputCodec inputCodec = new JsonInputCodec();
    private final long[] latencies = new long[LATENCY_SAMPLES];
    /** Each key's served forecasts until their steps meet their values (every step for the first keys seen). */
    private final Map<String, OpenForecasts> served = new HashMap<>();
    private final Map<String, OpenForecasts> shadowed = new HashMap<>();
    private long predictions;
    private long deadLetters;
    private long evaluated;
    private double squaredErrorSum;
    private double persistenceSquaredErrorSum;
    private long classified;
    private long correct;
    private String servedVersion = "-";

    PredictionMonitor(String bootstrapServers, Map<String, String> clientSettings, String predictionsTopic,
                      String shadowTopic, String deadLetterTopic, String statusTopic, LiveHistory history,
                      Consumer<RegistryStatus> onRefusal) {
        this.predictionsTopic = predictionsTopic;
        this.shadowTopic = shadowTopic;
        this.statusTopic = statusTopic;
        this.onRefusal = onRefusal;
        this.history = history;
        Map<String, Object> config = new HashMap<>(clientSettings);
        config.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        this.consumer = new KafkaConsumer<>(config, new ByteArrayDeserializer(), new ByteArrayDeserializer());
        List<TopicPartition> partitions = new ArrayList<>();
        for (String topic : List.of(predictionsTopic, shadowTopic, deadLetterTopic, statusTopic)) {
            consumer.partitionsFor(topic, Duration.ofSeconds(30))
                    .forEach(p -> partitions.add(new TopicPartition(topic, p.partition())));
        }
        consumer.assign(partitions);
        consumer.seekToEnd(partitions);
        partitions.forEach(consumer::position); // fixes the start now, before the job writes anything
        this.thread = new Thread(this::run, "prediction-monitor");
        this.thread.setDaemon(true);
        this.thread.start();
    }

    private void run() {
        try {
            while (true) {
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(500))) {
                    if (record.topic().equals(predictionsTopic)) {
                        observe(predictionCodec.parse(record.value()));
                    } else if (record.topic().equals(shadowTopic)) {
                        observeShadow(predictionCodec.parse(record.value()));
                    } else if (record.topic().equals(statusTopic)) {
                        RegistryStatus status = RegistryStatus.parse(record.value());
                        if (status != null && status.outcome() == RegistryStatus.Outcome.REFUSED) {
                            onRefusal.accept(status);
                        }
                    } else {
                        synchronized (this) {
                            deadLetters++;
                        }
                    }
                }
            }
        } catch (WakeupException stopping) {
            // close() was called
        } finally {
            consumer.close(Duration.ofSeconds(5));
        }
    }

    private synchronized void observe(Prediction p) {
        latencies[(int) (predictions % LATENCY_SAMPLES)] = p.latencyMs();
        predictions++;
        servedVersion = p.modelVersion();
        InputRecord input;
        try {
            input = inputCodec.parse(p.input().getBytes(StandardCharsets.UTF_8));
        } catch (InvalidRecordException e) {
            return; // the job only scores valid input; nothing to compare against
        }
        if (p.predictedClass() != null) {
            if (input.label() != null) {
                classified++;
                correct += p.predictedClass().equals(input.label()) ? 1 : 0;
            }
            return;
        }
        Double actual = input.features().get(p.target());
        if (actual == null) {
            return;
        }
        OpenForecasts forecasts = served.computeIfAbsent(p.key(),
                k -> new OpenForecasts(served.size() < EVERY_STEP_KEYS));
        forecasts.arrived(actual, p, met -> {
            double error = met.forecast() - actual;
            history.stepMet(met.version(), met.step(), Math.abs(error), Math.abs(met.persistence() - actual));
            if (met.step() == 1) {
                Prediction.Interval interval = met.interval();
                history.forecastMet(p.key(), new LiveHistory.Point(input.timestamp(), actual, met.forecast(),
                        met.persistence(), interval == null ? Double.NaN : interval.lower(),
                        interval == null ? Double.NaN : interval.upper()), met.version());
                squaredErrorSum += error * error;
                persistenceSquaredErrorSum += (met.persistence() - actual) * (met.persistence() - actual);
                evaluated++;
            }
        });
    }

    /**
     * A shadow scores every input, so its predictions of a key meet their values within its own topic; persistence
     * is counted from the served predictions only, once.
     */
    private synchronized void observeShadow(Prediction p) {
        double actual = actualOf(p);
        if (p.prediction() == null || Double.isNaN(actual)) {
            return;
        }
        OpenForecasts forecasts = shadowed.computeIfAbsent(p.key(),
                k -> new OpenForecasts(shadowed.size() < EVERY_STEP_KEYS));
        forecasts.arrived(actual, p, met -> {
            double absError = Math.abs(met.forecast() - actual);
            history.stepMet(met.version(), met.step(), absError, Double.NaN);
            if (met.step() == 1) {
                history.shadowForecastMet(met.version(), absError);
            }
        });
    }

    private double actualOf(Prediction p) {
        try {
            Double actual = inputCodec.parse(p.input().getBytes(StandardCharsets.UTF_8)).features().get(p.target());
            return actual == null ? Double.NaN : actual;
        } catch (InvalidRecordException e) {
            return Double.NaN;
        }
    }

    public synchronized Snapshot snapshot() {
        int n = (int) Math.min(predictions, LATENCY_SAMPLES);
        long[] sorted = Arrays.copyOf(latencies, n);
        Arrays.sort(sorted);
        return new Snapshot(predictions, deadLetters, Percentiles.of(sorted, 0.50), Percentiles.of(sorted, 0.99),
                evaluated, squaredErrorSum, persistenceSquaredErrorSum, classified, correct, servedVersion);
    }

    @Override
    public void close() throws InterruptedException {
        consumer.wakeup();
        thread.join(10_000);
    }
}
