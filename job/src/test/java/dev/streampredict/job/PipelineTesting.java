package dev.streampredict.job;

import dev.streampredict.common.message.InputRecord;
import dev.streampredict.common.message.InvalidRecordException;
import dev.streampredict.common.message.JsonInputCodec;
import dev.streampredict.common.message.Prediction;
import dev.streampredict.common.message.PredictionCodec;
import dev.streampredict.job.metrics.ScoringMetrics;
import dev.streampredict.model.CalendarFeature;
import dev.streampredict.model.ModelMetadata;
import dev.streampredict.model.PredictionIntervals;
import dev.streampredict.model.Predictor;
import dev.streampredict.model.TargetMode;
import dev.streampredict.producer.InputProducer;
import dev.streampredict.producer.SyntheticSeries;
import dev.streampredict.testing.Await;
import dev.streampredict.testing.InBackground;
import dev.streampredict.testing.ReportedMetrics;
import dev.streampredict.testing.TopicReader;
import dev.streampredict.training.FitOptions;
import org.apache.flink.api.common.JobID;
import org.apache.flink.api.common.JobStatus;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.runtime.testutils.InMemoryReporter;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.consumer.ConsumerRecord;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/** What the job's integration tests share: a small model, running the job, and checking what it wrote. */
final class PipelineTesting {

    static final int WINDOW = 8;

    private PipelineTesting() {
    }

    /** Trains a small regression model on {@code keys} synthetic series and saves it under {@code dir}. */
    static Path trainSyntheticModel(Path dir, int keys) throws IOException {
        return trainSyntheticModel(dir, "synthetic-value", keys, WINDOW, 7);
    }

    /** A model of another name, window and seed, for tests that swap models. */
    static Path trainSyntheticModel(Path dir, String name, int keys, int window, long seed) throws IOException {
        return TinyModels.train(dir, name, SyntheticSeries.FEATURE, keys, window, TargetMode.DIFFERENCE,
                new FitOptions(List.of(16, 16), 20, 5, 64, 0.003, seed));
    }

    /** A model of the synthetic series under another feature name: it cannot score the usual inputs. */
    static Path trainSyntheticModelOf(Path dir, String name, String feature, int keys) throws IOException {
        return TinyModels.train(dir, name, feature, keys, WINDOW, TargetMode.DIFFERENCE,
                new FitOptions(List.of(16, 16), 20, 5, 64, 0.003, 7));
    }

    /** A model far worse than the others: levels, not steps, from two hidden units trained for one epoch. */
    static Path trainPoorSyntheticModel(Path dir, String name, int keys, long seed) throws IOException {
        return TinyModels.train(dir, name, SyntheticSeries.FEATURE, keys, WINDOW, TargetMode.LEVEL,
                new FitOptions(List.of(2), 1, 1, 64, 0.001, seed));
    }

    static List<InputRecord> syntheticRecords(int keys, int count, long seed) {
        SyntheticSeries series = TinyModels.series(keys, seed);
        List<InputRecord> records = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            records.add(series.next());
        }
        return records;
    }

    /** Starts the production job with these command-line arguments on the test's MiniCluster. */
    static JobClient startJob(Configuration configuration, String... args) throws Exception {
        JobOptions options = JobOptions.parse(args);
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(configuration);
        PredictionJob.configure(env, options);
        return env.executeAsync(options.jobName());
    }

    static void awaitRunning(JobClient job) throws Exception {
        Await.until("the job running", Duration.ofSeconds(60), () -> job.getJobStatus().get() == JobStatus.RUNNING);
    }

    /** Sends {@code records} with the producer's own code, {@code perSecond} of them a second (0: all at once). */
    static InBackground sendInBackground(String bootstrap, String topic, List<InputRecord> records,
                                         double perSecond) {
        return InBackground.start("test-producer-" + topic, () -> {
            try (InputProducer producer = new InputProducer(bootstrap, topic)) {
                producer.run(records.iterator(), perSecond, records.size(), () -> true);
                producer.flush();
            }
        });
    }

    static List<Prediction> readPredictions(String bootstrap, String topic, int expected, Duration timeout) {
        PredictionCodec codec = new PredictionCodec();
        return TopicReader.awaitRecords(bootstrap, topic, expected, timeout).stream()
                .map(r -> codec.parse(r.value())).toList();
    }

    /**
     * Sums of the forecast errors, as the job should have summed them.
     *
     * @param covered how many of the evaluated forecasts had the value they forecast inside their interval
     */
    record ForecastErrors(double squaredErrorSum, long evaluated, long covered) {
    }

    /**
     * Checks that every forecast is the model's answer to its key's last {@link #WINDOW} values, counting every
     * value the key ever had: a key whose window was lost (a cold start after a failure or restore) fails here.
     * A model with prediction intervals gives each forecast its own interval.
     */
    static ForecastErrors assertForecastsUseEachKeysWholeHistory(List<Prediction> predictions, Predictor model)
            throws InvalidRecordException {
        return assertForecastsUseEachKeysWholeHistory(predictions, Map.of(model.metadata().modelVersion(), model));
    }

    /** As above, each prediction checked against the model of the version it names. */
    static ForecastErrors assertForecastsUseEachKeysWholeHistory(List<Prediction> predictions,
                                                                  Map<String, Predictor> models)
            throws InvalidRecordException {
        JsonInputCodec codec = new JsonInputCodec();
        double squaredErrorSum = 0;
        long evaluated = 0;
        long covered = 0;
        for (List<Prediction> ofKey : byKeyInOrder(predictions).values()) {
            List<Double> values = new ArrayList<>(); // the target's
            List<Map<String, Double>> inputs = new ArrayList<>();
            for (int i = 0; i < ofKey.size(); i++) {
                Prediction p = ofKey.get(i);
                Predictor model = models.get(p.modelVersion());
                assertThat(model).as("model of version %s", p.modelVersion()).isNotNull();
                inputs.add(seriesOf(codec.parse(p.input().getBytes(StandardCharsets.UTF_8)), model.metadata()));
                values.add(inputs.get(i).get(model.metadata().target()));
                int window = model.metadata().windowSize();
                assertThat(p.windowFill()).as("window fill of prediction %d of key %s", i, p.key())
                        .isEqualTo(Math.min(i + 1, window));
                double[] steps = model.forecastSteps(new double[][]{windowOf(inputs, model.metadata().seriesNames(),
                        window)}, 1)[0];
                double expected = steps[0];
                // a float32 network: batches of other shapes and memory layouts round the last bits differently
                assertThat(p.prediction()).as("forecast %d of key %s", i, p.key())
                        .isCloseTo(expected, within(1e-5 * Math.max(1, Math.abs(expected))));
                PredictionIntervals intervals = model.metadata().intervals();
                assertThat(p.steps() == null ? 1 : p.steps().size()).as("steps of forecast %d of key %s", i, p.key())
                        .isEqualTo(steps.length);
                for (int k = 2; k <= steps.length; k++) {
                    Prediction.Step step = p.steps().get(k - 1);
                    assertThat(step.forecast()).as("step %d of forecast %d of key %s", k, i, p.key())
                            .isCloseTo(steps[k - 1], within(1e-5 * Math.max(1, Math.abs(steps[k - 1]))));
                    // the bounds are the forecast's plus and minus: their difference rounds at the forecast's scale
                    assertThat(step.interval() == null ? 0 : step.interval().upper() - step.interval().lower())
                            .isCloseTo(intervals == null ? 0 : 2 * intervals.halfWidth(k),
                                    within(1e-9 * Math.max(1, Math.abs(step.forecast()))));
                }
                double halfWidth = intervals == null ? Double.NaN : intervals.nextHalfWidth();
                assertThat(p.interval()).as("interval of forecast %d of key %s", i, p.key()).isEqualTo(
                        intervals == null ? null : new Prediction.Interval(intervals.level(),
                                p.prediction() - halfWidth, p.prediction() + halfWidth));
                if (i > 0) {
                    Prediction previous = ofKey.get(i - 1);
                    double error = previous.prediction() - values.get(i);
                    squaredErrorSum += error * error;
                    evaluated++;
                    if (previous.interval() != null && previous.interval().lower() <= values.get(i)
                            && values.get(i) <= previous.interval().upper()) {
                        covered++;
                    }
                }
            }
        }
        return new ForecastErrors(squaredErrorSum, evaluated, covered);
    }

    /** Predictions of one key are in one partition, in the order the job made them. */
    static Map<String, List<Prediction>> byKeyInOrder(List<Prediction> predictions) {
        Map<String, List<Prediction>> byKey = new LinkedHashMap<>();
        for (Prediction p : predictions) {
            byKey.computeIfAbsent(p.key(), k -> new ArrayList<>()).add(p);
        }
        return byKey;
    }

    /** An input's value of every series the model reads: its features, and its event time's calendar cycles. */
    private static Map<String, Double> seriesOf(InputRecord input, ModelMetadata metadata) {
        Map<String, Double> series = new HashMap<>(input.features());
        double[] cycle = new double[2];
        for (CalendarFeature calendar : metadata.calendar()) {
            calendar.write(input.timestamp(), cycle, 0);
            series.put(calendar.seriesNames().get(0), cycle[0]);
            series.put(calendar.seriesNames().get(1), cycle[1]);
        }
        return series;
    }

    /**
     * The window of each series, series after series, as the job keeps it: a key's first windows padded with the
     * oldest value seen.
     */
    private static double[] windowOf(List<Map<String, Double>> inputs, List<String> series, int size) {
        double[] window = new double[series.size() * size];
        int fill = Math.min(inputs.size(), size);
        List<Map<String, Double>> last = inputs.subList(inputs.size() - fill, inputs.size());
        for (int s = 0; s < series.size(); s++) {
            for (int i = 0; i < size; i++) {
                window[s * size + i] = last.get(Math.max(0, i - (size - fill))).get(series.get(s));
            }
        }
        return window;
    }

    /** Waits until every one of {@code parallelism} subtasks reports {@code role} for {@code version}. */
    static void awaitRole(InMemoryReporter reporter, JobID job, String version, ScoringMetrics.Role role,
                          int parallelism) throws Exception {
        Await.until("every subtask to have " + version + " as " + role, Duration.ofSeconds(60), () ->
                ReportedMetrics.values(reporter, job, ScoringMetrics.MODEL_VERSION + "." + version,
                        ScoringMetrics.MODEL_ROLE).equals(Collections.nCopies(parallelism, (double) role.ordinal())));
    }

    /** Waits until the job has made {@code count} predictions (shadow ones included). */
    static void awaitPredictions(InMemoryReporter reporter, JobID job, long count) throws Exception {
        Await.until(count + " predictions", Duration.ofSeconds(60), () ->
                ReportedMetrics.sumOrZero(reporter, job, ScoringMetrics.PREDICTIONS) >= count);
    }

    static void awaitMorePredictions(InMemoryReporter reporter, JobID job, long more) throws Exception {
        awaitPredictions(reporter, job, (long) ReportedMetrics.sum(reporter, job, ScoringMetrics.PREDICTIONS) + more);
    }

    static String header(ConsumerRecord<byte[], byte[]> record, String name) {
        return new String(record.headers().lastHeader(name).value(), StandardCharsets.UTF_8);
    }
}
