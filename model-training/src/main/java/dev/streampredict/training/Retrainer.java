package dev.streampredict.training;

import dev.streampredict.common.message.InputRecord;
import dev.streampredict.model.ModelArchive;
import dev.streampredict.model.ModelMetadata;
import dev.streampredict.model.Predictor;
import dev.streampredict.model.Task;

import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Retrains on what the stream has shown: keeps the latest {@code history} inputs (with their labels, for a
 * classifier), and when asked, trains a candidate like the serving model (same task, features, window) on all but
 * the most recent part, then scores the candidate, the serving model and the naive baseline on that most recent part,
 * which neither model was trained on. The candidate is worth publishing only if it beats the serving model by the
 * margin and the baseline too; the decision carries the numbers either way.
 */
public final class Retrainer {

    /**
     * One retraining and its outcome.
     *
     * @param metric         {@code MSE} (regression) or {@code error rate} (classification), of every error below
     * @param baselineError  the naive baseline on the same held-out inputs: "next = last" or the majority class
     * @param publish        whether the candidate earned publication
     */
    public record Decision(String at, String serving, String candidate, String metric, long heldOut,
                           double servingError, double candidateError, double baselineError, boolean publish,
                           String reason) {
    }

    /**
     * @param history     inputs kept, the oldest dropped first
     * @param heldOut     the most recent share of them, used only to compare the models
     * @param margin      e.g. 0.05: the candidate's error must be at most 95% of the serving model's
     * @param fit         how candidates are fitted; what it leaves out is {@code train.sh}'s default for the serving
     *                    model's task
     */
    public record Settings(int history, double heldOut, double margin, FitOverrides fit) {
        public Settings {
            if (history < 100 || heldOut <= 0 || heldOut >= 0.5 || margin < 0 || margin >= 1) {
                throw new IllegalArgumentException("retraining needs a history of at least 100 inputs, a held-out "
                        + "share in (0, 0.5) and a margin in [0, 1); got " + history + ", " + heldOut + ", " + margin);
            }
        }
    }

    private static final int PENDING_LABELS = 10_000;

    private final Settings settings;
    /** The latest inputs by id, oldest first: a label that arrives later finds its input here. */
    private final LinkedHashMap<String, InputRecord> recent = new LinkedHashMap<>();
    /** Labels that arrived before their input, the oldest dropped first. */
    private final LinkedHashMap<String, String> earlyLabels = new LinkedHashMap<>();
    private final PrintStream quiet = new PrintStream(OutputStream.nullOutputStream());

    public Retrainer(Settings settings) {
        this.settings = settings;
    }

    public void observe(InputRecord record) {
        String early = earlyLabels.remove(record.id());
        recent.put(record.id(), early != null && record.label() == null ? labelled(record, early) : record);
        if (recent.size() > settings.history()) {
            recent.remove(recent.keySet().iterator().next());
        }
    }

    /** The true label of an input seen before, or of one still to come: labels may follow their inputs. */
    public void label(String id, String label) {
        InputRecord input = recent.get(id);
        if (input != null) {
            recent.put(id, labelled(input, label)); // keeps its place in the order
        } else {
            earlyLabels.put(id, label);
            if (earlyLabels.size() > PENDING_LABELS) {
                earlyLabels.remove(earlyLabels.keySet().iterator().next());
            }
        }
    }

    private static InputRecord labelled(InputRecord input, String label) {
        return new InputRecord(input.id(), input.key(), input.timestamp(), input.features(), label);
    }

    public int size() {
        return recent.size();
    }

    /**
     * Trains a candidate like {@code serving} and compares them; writes the candidate's artifact to
     * {@code candidateDir} whatever the outcome, so that a rejected candidate can be inspected.
     */
    public Decision retrain(Predictor serving, Path candidateDir) throws Exception {
        ModelMetadata metadata = serving.metadata();
        List<InputRecord> records = new ArrayList<>(recent.values());
        long cut = cutOff(records);
        List<InputRecord> training = records.stream().filter(r -> r.timestamp() < cut).toList();
        FitOptions fit = settings.fit().over(FitOptions.defaultsFor(metadata.task()));
        TrainedModel candidate = metadata.task() == Task.REGRESSION
                ? RegressionTraining.train(training, new RegressionTraining.Settings(name(metadata),
                "retrained on the stream", metadata.target(), metadata.windowSize(), metadata.targetMode(), 0.15,
                0.15, fit, metadata.intervals() == null ? 0 : metadata.intervals().level(),
                metadata.architecture(), metadata.features(), metadata.horizon(), metadata.calendar(), 0), quiet)
                : ClassificationTraining.train(training.stream().filter(r -> r.label() != null).toList(),
                new ClassificationTraining.Settings(name(metadata), "retrained on the stream", metadata.features(),
                        0.15, 0.15, fit), quiet);
        Files.createDirectories(candidateDir);
        candidate.save(candidateDir);
        Predictor trained = ModelArchive.of(candidateDir.toString()).load();
        HeldOut heldOut = HeldOut.of(records, cut, metadata);
        return decide(metadata.modelVersion(), trained.metadata().modelVersion(), heldOut.metric(), heldOut.size(),
                heldOut.error(serving), heldOut.error(trained), heldOut.baseline());
    }

    /**
     * The serving model's error over the naive baseline's on the most recent inputs (the held-out share of the
     * history): above 1 it does worse than "next = last" (or than always answering the majority class).
     */
    public double servingSkill(Predictor serving) {
        List<InputRecord> records = new ArrayList<>(recent.values());
        HeldOut heldOut = HeldOut.of(records, cutOff(records), serving.metadata());
        return heldOut.error(serving) / heldOut.baseline();
    }

    /** The rule, on its own: better than the serving model by the margin, and better than the baseline. */
    Decision decide(String serving, String candidate, String metric, long heldOut, double servingError,
                    double candidateError, double baselineError) {
        boolean beatsServing = candidateError < servingError
                && candidateError <= (1 - settings.margin()) * servingError;
        boolean beatsBaseline = candidateError < baselineError;
        String reason = String.format("candidate %s %.4g, serving %.4g, baseline %.4g over %d held-out inputs: %s",
                metric, candidateError, servingError, baselineError, heldOut,
                !beatsServing ? "not better than the serving model by " + Math.round(100 * settings.margin()) + "%"
                        : !beatsBaseline ? "not better than the naive baseline" : "better than both");
        return new Decision(Instant.now().toString(), serving, candidate, metric, heldOut, servingError,
                candidateError, baselineError, beatsServing && beatsBaseline, reason);
    }

    /** The time from which the most recent {@code heldOut} share of the inputs arrived. */
    private long cutOff(List<InputRecord> records) {
        long[] times = records.stream().mapToLong(InputRecord::timestamp).sorted().toArray();
        if (times.length < 100) {
            throw new IllegalStateException("only " + times.length + " inputs seen: too few to retrain");
        }
        return times[(int) (times.length * (1 - settings.heldOut()))];
    }

    /**
     * The most recent inputs, from {@code cut} on, as a model of the task reads them, with the task's error and naive
     * baseline on them.
     */
    private interface HeldOut {

        static HeldOut of(List<InputRecord> records, long cut, ModelMetadata like) {
            return like.task() == Task.REGRESSION ? new HeldOutWindows(records, cut, like)
                    : new HeldOutLabels(records, cut);
        }

        String metric();

        long size();

        double error(Predictor model);

        double baseline();
    }

    /** Forecasting: the windows that end after the cut (their older values may lie before it: inputs, not targets). */
    private static final class HeldOutWindows implements HeldOut {
        private final List<SeriesSample> windows;

        HeldOutWindows(List<InputRecord> records, long cut, ModelMetadata like) {
            windows = SeriesSamples.build(records, like.features(), like.calendar(), like.target(), like.windowSize(),
                    like.horizon()).stream()
                    .filter(s -> s.timestamp() >= cut).toList();
        }

        @Override
        public String metric() {
            return "MSE";
        }

        @Override
        public long size() {
            return windows.size();
        }

        @Override
        public double error(Predictor model) {
            double[][] rows = windows.stream().map(SeriesSample::inputs).toArray(double[][]::new);
            return ForecastErrors.of(windows, model.forecast(rows, rows.length)).mse();
        }

        /** "next = last". */
        @Override
        public double baseline() {
            return ForecastErrors.persistence(windows).mse();
        }
    }

    /** Classification: the labelled inputs after the cut. */
    private static final class HeldOutLabels implements HeldOut {
        private final List<InputRecord> labelled;
        /** The most frequent label before the cut. */
        private final String majority;

        HeldOutLabels(List<InputRecord> records, long cut) {
            labelled = records.stream().filter(r -> r.timestamp() >= cut && r.label() != null).toList();
            Map<String, Integer> counts = new HashMap<>();
            records.stream().filter(r -> r.timestamp() < cut && r.label() != null)
                    .forEach(r -> counts.merge(r.label(), 1, Integer::sum));
            majority = counts.entrySet().stream().max(Map.Entry.comparingByValue()).map(Map.Entry::getKey)
                    .orElse(null);
        }

        @Override
        public String metric() {
            return "error rate";
        }

        @Override
        public long size() {
            return labelled.size();
        }

        /** The share of wrong classes. */
        @Override
        public double error(Predictor model) {
            List<String> features = model.metadata().features();
            double[][] rows = labelled.stream()
                    .map(r -> features.stream().mapToDouble(f -> r.features().get(f)).toArray())
                    .toArray(double[][]::new);
            double[][] probabilities = model.classify(rows, rows.length);
            long wrong = 0;
            for (int i = 0; i < rows.length; i++) {
                String predicted = model.metadata().classes().get(Predictor.mostLikely(probabilities[i]));
                wrong += predicted.equals(labelled.get(i).label()) ? 0 : 1;
            }
            return (double) wrong / rows.length;
        }

        /** Always the most frequent class before the cut. */
        @Override
        public double baseline() {
            return labelled.stream().filter(r -> !r.label().equals(majority)).count() / (double) labelled.size();
        }
    }

    /** The serving version's name without its time and digest: {@code sp500-close-20261122T...-3fa2c1d0}. */
    private static String name(ModelMetadata serving) {
        return serving.modelVersion().replaceAll("-\\d{8}T\\d{6}Z-[0-9a-f]{8}$", "")
                .replaceAll("-retrained$", "") + "-retrained";
    }
}
