package dev.streampredict.cli;

import dev.streampredict.common.csv.CsvColumnOptions;
import dev.streampredict.common.csv.CsvRecordReader;
import dev.streampredict.common.csv.CsvSpec;
import dev.streampredict.common.message.InputRecord;
import dev.streampredict.model.Architecture;
import dev.streampredict.model.CalendarFeature;
import dev.streampredict.model.ModelArchive;
import dev.streampredict.model.TargetMode;
import dev.streampredict.model.Task;
import dev.streampredict.training.ClassificationTraining;
import dev.streampredict.training.FitOptions;
import dev.streampredict.training.ModelEvaluation;
import dev.streampredict.training.RegressionTraining;
import dev.streampredict.training.TrainedModel;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

/** {@code train}: reads a CSV file, trains, evaluates on held-out data, writes the model artifact. */
@Command(name = "train", mixinStandardHelpOptions = true, showDefaultValues = true, sortOptions = false,
        description = "Trains a DL4J model on a CSV file and writes a versioned model artifact.")
public final class TrainCli implements Callable<Integer> {

    @Mixin
    CsvColumnOptions csv = new CsvColumnOptions();

    @Option(names = "--task", defaultValue = "regression",
            description = "regression (next value of a series from a sliding window) or classification (class "
                    + "of a feature vector; needs --label-column).")
    Task task;

    @Option(names = "--target", description = "Regression: the feature to forecast (default: the first feature "
            + "column). The model reads the window of each --feature-columns column, the target among them; without "
            + "--feature-columns, of the target alone.")
    String target;

    @Option(names = "--window", defaultValue = "16", description = "Regression: past values per input.")
    int window;

    @Option(names = "--horizon", defaultValue = "1", paramLabel = "H",
            description = "Regression: forecast the next H values at once; each step is evaluated against "
                    + "persistence and the seasonal naive forecast at that step, and gets its own interval.")
    int horizon;

    @Option(names = "--season", defaultValue = "0", paramLabel = "STEPS",
            description = "Regression: the season of the seasonal naive baseline, in steps (24 for hourly values and "
                    + "a day, 365 for daily values and a year); it may reach back beyond the window. 0: found in the "
                    + "training part's step-to-step changes, if they repeat.")
    int season;

    @Option(names = "--calendar", split = ",", paramLabel = "hour_of_day,day_of_week",
            description = "Regression: also read these cycles of each value's event time (UTC), each as the sine "
                    + "and cosine of its place in the cycle: known in advance, they tell a daily or weekly pattern "
                    + "from the window's values. The job computes them from each input's timestamp.")
    List<CalendarFeature> calendar;

    @Option(names = "--target-mode", defaultValue = "DIFFERENCE",
            description = "Regression: LEVEL (forecast the value) or DIFFERENCE (forecast the step from the "
                    + "last value).")
    TargetMode targetMode;

    @Mixin
    FitArguments fitting = new FitArguments();

    @Option(names = "--validation-fraction", defaultValue = "0.15", description = "Latest-but-one part of the "
            + "data, for early stopping.")
    double validationFraction;

    @Option(names = "--test-fraction", defaultValue = "0.15", description = "Latest part of the data, for the "
            + "reported metrics only.")
    double testFraction;

    @Option(names = "--architecture", defaultValue = "mlp", paramLabel = "mlp|lstm|cnn",
            description = "Regression: the network that reads the window: mlp (dense layers over the window), lstm "
                    + "(an LSTM of the first --hidden size, read at its last step) or cnn (two causal 1-D "
                    + "convolutions of that many filters, whose last step sees the last 16 values); further --hidden "
                    + "sizes are dense layers.")
    Architecture architecture;

    @Option(names = "--interval-level", paramLabel = "LEVEL", defaultValue = "0",
            description = "Regression: give each forecast a prediction interval meant to hold this share of actual "
                    + "values (e.g. 0.9), by split conformal prediction on the validation part; its coverage on the "
                    + "test part is reported. 0: none.")
    double intervalLevel;

    @Option(names = "--cv", paramLabel = "K",
            description = "Also cross-validate before the final training: classification, stratified K-fold "
                    + "(repeated, see --repeats); regression, K rolling origins over the later half of the series. "
                    + "Mean and spread go to the log and to evaluation.json.")
    Integer crossValidationFolds;

    @Option(names = "--repeats", defaultValue = "1",
            description = "With --cv, classification: repeats of the K-fold, each with another shuffle.")
    int repeats;

    @Option(names = "--name", description = "Start of the model version (default: file name and target).")
    String name;

    @Option(names = "--output", required = true, description = "Directory to write the model artifact to.")
    Path output;

    @Option(names = "--publish", description = "After training, publish the model to the registry topic.")
    boolean publish;

    @Option(names = {"--as", "--publish-as"}, defaultValue = "stable",
            description = "With --publish: stable, shadow, canary or none.")
    String publishAs;

    @Option(names = "--canary-percent", defaultValue = "10",
            description = "With --as canary: share of keys.")
    int canaryPercent;

    @CommandLine.Mixin
    ModelCli.RegistryOptions registry = new ModelCli.RegistryOptions();

    public static void main(String[] args) {
        System.exit(new CommandLine(new TrainCli()).setCaseInsensitiveEnumValuesAllowed(true).execute(args));
    }

    @Override
    public Integer call() throws Exception {
        FitOptions fit;
        CsvSpec spec;
        List<InputRecord> records;
        try {
            fit = fitting.overrides().over(FitOptions.defaultsFor(task));
            spec = csv.toSpec();
            int[] skipped = {0};
            records = CsvRecordReader.readAll(spec, row -> {
                skipped[0]++;
                System.err.println("skipping line " + row.line() + ": " + row.reason());
            });
            System.out.printf("read %d records from %s%s%n", records.size(), spec.file(),
                    skipped[0] > 0 ? " (" + skipped[0] + " rows skipped)" : "");
        } catch (IllegalArgumentException | IOException e) { // a bad option or an unreadable file: say which
            System.err.println("error: " + e.getMessage());
            return 2;
        }
        if (records.isEmpty()) {
            System.err.println("error: no usable rows in " + spec.file());
            return 2;
        }
        String source = spec.file().getFileName().toString();
        TrainedModel model;
        try {
            if (task == Task.CLASSIFICATION) {
                if (spec.labelColumn() == null) {
                    throw new IllegalArgumentException("classification needs --label-column naming the class column");
                }
                if (intervalLevel != 0) {
                    throw new IllegalArgumentException("--interval-level is for regression: a classifier gives each "
                            + "class's probability");
                }
                if (calendar != null) {
                    throw new IllegalArgumentException("--calendar is for regression: a classifier reads its "
                            + "features only");
                }
                if (season != 0) {
                    throw new IllegalArgumentException("--season is for regression: a classifier's baseline is the "
                            + "most frequent class");
                }
                if (horizon != 1) {
                    throw new IllegalArgumentException("--horizon is for regression: a classifier labels the input "
                            + "it reads");
                }
                if (architecture != Architecture.MLP) {
                    throw new IllegalArgumentException("--architecture " + architecture.name().toLowerCase(
                            Locale.ROOT) + " reads a window: a classifier reads one feature vector (mlp)");
                }
                List<String> features = List.copyOf(records.get(0).features().keySet());
                var settings = new ClassificationTraining.Settings(
                        name != null ? name : spec.keyForFile() + "-" + spec.labelColumn(), source, features,
                        validationFraction, testFraction, fit);
                var cv = crossValidationFolds == null ? null
                        : ClassificationTraining.crossValidate(records, settings, crossValidationFolds, repeats,
                        System.out);
                model = ClassificationTraining.train(records, settings, System.out);
                model = cv == null ? model : model.withCrossValidation(cv);
            } else {
                if (intervalLevel < 0 || intervalLevel >= 1) {
                    throw new IllegalArgumentException("--interval-level is the share of actual values an interval "
                            + "should hold, above 0 and below 1 (e.g. 0.9), or 0 for none; got " + intervalLevel);
                }
                String targetFeature = target != null ? target : records.get(0).features().keySet().iterator().next();
                // the named columns are the input series; without them, the target alone (as before there were more)
                List<String> series = csv.featureColumns() != null ? List.copyOf(csv.featureColumns())
                        : List.of(targetFeature);
                var settings = new RegressionTraining.Settings(
                        name != null ? name : spec.keyForFile() + "-" + targetFeature, source, targetFeature, window,
                        targetMode, validationFraction, testFraction, fit, intervalLevel, architecture, series,
                        horizon, calendar, season);
                if (crossValidationFolds != null && repeats != 1) {
                    throw new IllegalArgumentException("--repeats is for classification: rolling origins are fixed "
                            + "by time, so a repeat would train the same models again");
                }
                var cv = crossValidationFolds == null ? null
                        : RegressionTraining.crossValidate(records, settings, crossValidationFolds, System.out);
                model = RegressionTraining.train(records, settings, System.out);
                model = cv == null ? model : model.withCrossValidation(cv);
            }
        } catch (IllegalArgumentException e) {
            System.err.println("error: " + e.getMessage());
            return 2;
        }
        model.save(output);
        System.out.printf("wrote model %s to %s (and its evaluation to %s)%n", model.metadata().modelVersion(),
                output.toAbsolutePath(), ModelEvaluation.FILE);
        if (publish) {
            try {
                ModelCli.publish(registry.registry(), registry.limits(), ModelArchive.of(output.toString()), publishAs,
                        canaryPercent, new PrintWriter(System.out, true));
            } catch (IllegalArgumentException e) {
                System.err.println("error: " + e.getMessage());
                return 2;
            }
        }
        return 0;
    }
}
