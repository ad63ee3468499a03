package dev.streampredict.local;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What the live page plots: per key, recent forecasts next to the values that then arrived; once a second,
 * throughput, latency percentiles and the mean absolute error of that second, overall and per model version
 * (served or shadow), so that a candidate is compared with the stable model on the same stream; and each version's
 * error by step ahead over the last minute, beside persistence's at that step. Bounded: old points fall off.
 */
final class LiveHistory {

    /**
     * One forecast met by the value it forecast: the value's event time, the value, what was forecast, what
     * persistence forecast (the key's value before), and the forecast's interval (NaN without).
     */
    record Point(long time, double actual, double predicted, double persistence, double lower, double upper) {
    }

    /** One second of the pipeline. */
    record Second(long time, double predictionsPerSecond, long latencyP50, long latencyP99, double meanAbsError,
                  Map<String, Double> meanAbsErrorByVersion) {
    }

    /**
     * Everything the page needs in one response.
     *
     * @param errorByStep per version, and for {@link #PERSISTENCE}, the mean absolute error of each step ahead (the
     *                    first for step 1) over the last {@link #STEP_SECONDS} seconds; NaN for a step not met then
     */
    record View(String flinkUrl, Map<String, List<Point>> series, List<Second> seconds,
                Map<String, double[]> errorByStep) {
    }

    /** The name under which {@link View#errorByStep} keeps the error of "the last value stays". */
    static final String PERSISTENCE = "persistence (next = last)";
    static final int STEP_SECONDS = 60;

    static final int POINTS_PER_KEY = 300;
    static final int KEYS = 20;
    static final int SECONDS = 600;

    private final String flinkUrl;
    private final Map<String, Deque<Point>> series = new LinkedHashMap<>();
    private final Deque<Second> seconds = new ArrayDeque<>();
    private long lastPredictions = -1;
    private double absErrorSum;
    private long errors;
    /** This second's absolute error sum and count, by version. */
    private final Map<String, double[]> byVersion = new LinkedHashMap<>();
    /** Per second of the last minute, by version: the sum and count of absolute errors of each step ahead. */
    private final Deque<Map<String, StepSums>> stepSeconds = new ArrayDeque<>();

    LiveHistory(String flinkUrl) {
        this.flinkUrl = flinkUrl;
    }

    synchronized void forecastMet(String key, Point point, String version) {
        absErrorSum += Math.abs(point.predicted() - point.actual());
        errors++;
        versionError(version, Math.abs(point.predicted() - point.actual()));
        Deque<Point> points = series.get(key);
        if (points == null) {
            if (series.size() >= KEYS) {
                return; // plot the first keys seen; the error above still counts every key
            }
            points = new ArrayDeque<>();
            series.put(key, points);
        }
        points.addLast(point);
        if (points.size() > POINTS_PER_KEY) {
            points.removeFirst();
        }
    }

    synchronized void shadowForecastMet(String version, double absError) {
        versionError(version, absError);
    }

    /** A forecast's step ahead met its value; {@code persistenceAbsError} NaN when persistence is not to be counted. */
    synchronized void stepMet(String version, int step, double absError, double persistenceAbsError) {
        if (stepSeconds.isEmpty()) {
            stepSeconds.addLast(new LinkedHashMap<>());
        }
        Map<String, StepSums> now = stepSeconds.getLast();
        now.computeIfAbsent(version, v -> new StepSums()).add(step, absError);
        if (!Double.isNaN(persistenceAbsError)) {
            now.computeIfAbsent(PERSISTENCE, v -> new StepSums()).add(step, persistenceAbsError);
        }
    }

    private void versionError(String version, double absError) {
        double[] sumAndCount = byVersion.computeIfAbsent(version, v -> new double[2]);
        sumAndCount[0] += absError;
        sumAndCount[1]++;
    }

    /** Closes the second that ends at {@code time}, given the monitor's counts at that moment. */
    synchronized void endSecond(long time, PredictionMonitor.Snapshot snapshot) {
        double rate = lastPredictions < 0 ? 0 : snapshot.predictions() - lastPredictions;
        lastPredictions = snapshot.predictions();
        Map<String, Double> meanByVersion = new LinkedHashMap<>();
        byVersion.forEach((version, sumAndCount) -> meanByVersion.put(version, sumAndCount[0] / sumAndCount[1]));
        seconds.addLast(new Second(time, rate, snapshot.latencyP50(), snapshot.latencyP99(),
                errors == 0 ? Double.NaN : absErrorSum / errors, meanByVersion));
        absErrorSum = 0;
        errors = 0;
        byVersion.clear();
        if (seconds.size() > SECONDS) {
            seconds.removeFirst();
        }
        stepSeconds.addLast(new LinkedHashMap<>());
        if (stepSeconds.size() > STEP_SECONDS) {
            stepSeconds.removeFirst();
        }
    }

    synchronized View view() {
        Map<String, List<Point>> copy = new LinkedHashMap<>();
        series.forEach((key, points) -> copy.put(key, new ArrayList<>(points)));
        Map<String, StepSums> lastMinute = new LinkedHashMap<>();
        for (Map<String, StepSums> second : stepSeconds) {
            second.forEach((version, sums) -> lastMinute.computeIfAbsent(version, v -> new StepSums()).add(sums));
        }
        Map<String, double[]> errorByStep = new LinkedHashMap<>();
        lastMinute.forEach((version, sums) -> errorByStep.put(version, sums.means()));
        return new View(flinkUrl, copy, new ArrayList<>(seconds), errorByStep);
    }

    /** Sums and counts of absolute errors by step ahead; grows to the longest horizon seen. */
    private static final class StepSums {
        private double[] sums = new double[0];
        private long[] counts = new long[0];

        void add(int step, double absError) {
            grow(step);
            sums[step - 1] += absError;
            counts[step - 1]++;
        }

        void add(StepSums other) {
            grow(other.sums.length);
            for (int i = 0; i < other.sums.length; i++) {
                sums[i] += other.sums[i];
                counts[i] += other.counts[i];
            }
        }

        double[] means() {
            double[] means = new double[sums.length];
            for (int i = 0; i < means.length; i++) {
                means[i] = counts[i] == 0 ? Double.NaN : sums[i] / counts[i];
            }
            return means;
        }

        private void grow(int steps) {
            if (steps > sums.length) {
                sums = Arrays.copyOf(sums, steps);
                counts = Arrays.copyOf(counts, steps);
            }
        }
    }
}
