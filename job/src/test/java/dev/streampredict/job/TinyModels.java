package dev.streampredict.job;

import dev.streampredict.common.message.InputRecord;
import dev.streampredict.model.Architecture;
import dev.streampredict.model.CalendarFeature;
import dev.streampredict.model.ModelLimits;
import dev.streampredict.model.TargetMode;
import dev.streampredict.producer.SyntheticSeries;
import dev.streampredict.training.FitOptions;
import dev.streampredict.training.RegressionTraining;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Small regression models of the synthetic series, trained in a second or two, and the series the tests send them:
 * one period and one noise level for every test, so that a model is sent the kind of series it learnt.
 */
public final class TinyModels {

    public static final double PERIOD = 25;
    public static final double NOISE = 0.5;
    /** Room for every model of the tests, at the batch sizes they use. */
    public static final ModelLimits LIMITS = new ModelLimits(256L * 1024 * 1024, 256);
    private static final int HISTORY = 3_000;
    /** The second series of the models of two series. */
    public static final String TWIN = "twin";
    /** Every test forecaster has prediction intervals, so that each test sees them served too. */
    public static final double INTERVAL_LEVEL = 0.9;

    private TinyModels() {
    }

    /** The tests' series, time-stamped with the wall clock as a producer would. */
    public static SyntheticSeries series(int keys, long seed) {
        return new SyntheticSeries(keys, PERIOD, NOISE, seed, System::currentTimeMillis);
    }

    /**
     * Trains on {@value #HISTORY} values of {@code keys} series, its values named {@code feature}, and saves the
     * model, with {@value #INTERVAL_LEVEL} prediction intervals, in {@code dir/name}.
     */
    public static Path train(Path dir, String name, String feature, int keys, int window, TargetMode mode,
                             FitOptions fit) throws IOException {
        return train(dir, name, feature, keys, window, mode, fit, Architecture.MLP);
    }

    /** As above, a network of {@code architecture}. */
    public static Path train(Path dir, String name, String feature, int keys, int window, TargetMode mode,
                             FitOptions fit, Architecture architecture) throws IOException {
        SyntheticSeries history = new SyntheticSeries(keys, PERIOD, NOISE, 1, new AtomicLong()::incrementAndGet);
        List<InputRecord> records = new ArrayList<>();
        for (int i = 0; i < HISTORY; i++) {
            InputRecord r = history.next();
            records.add(new InputRecord(r.id(), r.key(), r.timestamp(),
                    Map.of(feature, r.features().get(SyntheticSeries.FEATURE)), null));
        }
        return save(dir, name, records, new RegressionTraining.Settings(name, "generated", feature, window, mode,
                0.15, 0.15, fit, INTERVAL_LEVEL, architecture));
    }

    /**
     * A forecaster of the synthetic series that also reads a second series beside it, {@value #TWIN} (see
     * {@link #withTwin}): two input series, the target first.
     */
    public static Path trainOnTwoSeries(Path dir, String name, int keys, int window, FitOptions fit,
                                        Architecture architecture) throws IOException {
        return trainOnTwoSeries(dir, name, keys, window, fit, architecture, 1, List.of());
    }

    /** As above, forecasting {@code horizon} steps at once, reading {@code calendar} beside the series. */
    public static Path trainOnTwoSeries(Path dir, String name, int keys, int window, FitOptions fit,
                                        Architecture architecture, int horizon, List<CalendarFeature> calendar)
            throws IOException {
        SyntheticSeries history = new SyntheticSeries(keys, PERIOD, NOISE, 1, new AtomicLong()::incrementAndGet);
        Random random = new Random(1);
        List<InputRecord> records = new ArrayList<>();
        for (int i = 0; i < HISTORY; i++) {
            records.add(withTwin(history.next(), random));
        }
        return save(dir, name, records, new RegressionTraining.Settings(name, "generated", SyntheticSeries.FEATURE,
                window, TargetMode.DIFFERENCE, 0.15, 0.15, fit, INTERVAL_LEVEL, architecture,
                List.of(SyntheticSeries.FEATURE, TWIN), horizon, calendar, 0));
    }

    /** The record with a second series, {@value #TWIN}: the value's mirror image with noise of its own. */
    public static InputRecord withTwin(InputRecord record, Random random) {
        double value = record.features().get(SyntheticSeries.FEATURE);
        return new InputRecord(record.id(), record.key(), record.timestamp(),
                Map.of(SyntheticSeries.FEATURE, value, TWIN, 100 - value + random.nextGaussian()), null);
    }

    private static Path save(Path dir, String name, List<InputRecord> records, RegressionTraining.Settings settings)
            throws IOException {
        Path modelDir = dir.resolve(name);
        RegressionTraining.train(records, settings, new PrintStream(OutputStream.nullOutputStream())).save(modelDir);
        return modelDir;
    }
}
