package dev.streampredict.training;

import dev.streampredict.common.message.InputRecord;
import dev.streampredict.model.Dl4jRuntime;
import dev.streampredict.model.FeatureEncoder;
import dev.streampredict.model.ModelMetadata;
import dev.streampredict.model.Predictor;
import dev.streampredict.model.Standardizer;
import dev.streampredict.model.Task;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;

import java.io.OutputStream;
import java.io.PrintStream;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Trains a classifier of feature vectors and measures it against always answering the most common class. */
public final class ClassificationTraining {

    /**
     * @param features names of the input features, in the order the model reads them
     */
    public record Settings(String name, String trainingData, List<String> features, double validationFraction,
                           double testFraction, FitOptions fit) {
    }

    private static final PrintStream QUIET = new PrintStream(OutputStream.nullOutputStream());

    private ClassificationTraining() {
    }

    public static TrainedModel train(List<InputRecord> records, Settings settings, PrintStream log) {
        List<InputRecord> labelled = labelled(records);
        List<String> classes = classes(labelled);
        StratifiedSplit<InputRecord> split = StratifiedSplit.of(labelled, InputRecord::label,
                settings.validationFraction(), settings.testFraction(), settings.fit().seed());
        log.printf("%d examples of %d classes %s: %d train, %d validation, %d test (stratified)%n",
                labelled.size(), classes.size(), classes, split.train().size(), split.validation().size(),
                split.test().size());

        Fitted fitted = fit(split, classes, settings, log);
        Scores validation = fitted.score(split.validation(), settings.features(), classes);
        Scores test = fitted.score(split.test(), settings.features(), classes);
        double majority = majorityAccuracy(split.train(), split.test());
        Map<String, Double> metrics = new LinkedHashMap<>();
        metrics.put("test.accuracy", test.accuracy());
        metrics.put("test.majorityClass.accuracy", majority);
        metrics.put("test.crossEntropy", test.crossEntropy());
        metrics.put("validation.accuracy", validation.accuracy());
        metrics.put("train.samples", (double) split.train().size());
        metrics.put("test.samples", (double) split.test().size());
        for (int a = 0; a < classes.size(); a++) {
            for (int p = 0; p < classes.size(); p++) {
                metrics.put("test.confusion." + classes.get(a) + "." + classes.get(p), (double) test.confusion()[a][p]);
            }
        }
        log.printf("%nheld-out test part (%d examples, never used for training or early stopping):%n",
                split.test().size());
        log.printf("  accuracy %.4f (always answering the most common training class: %.4f)%n",
                test.accuracy(), majority);
        log.println("  confusion matrix (rows: actual, columns: predicted):");
        log.printf("  %-14s", "");
        classes.forEach(c -> log.printf(" %12s", c));
        log.println();
        for (int a = 0; a < classes.size(); a++) {
            log.printf("  %-14s", classes.get(a));
            for (int p = 0; p < classes.size(); p++) {
                log.printf(" %12d", test.confusion()[a][p]);
            }
            log.println();
        }
        String version = ModelVersions.of(settings.name(), Instant.now(), fitted.network());
        ModelMetadata metadata = metadata(settings, version, classes, fitted.standardizer(), metrics);
        ModelEvaluation evaluation = new ModelEvaluation(version, "classification", settings.trainingData(), metrics,
                null, new ModelEvaluation.ConfusionMatrix(classes, test.confusion()), null);
        return new TrainedModel(metadata, fitted.network(), evaluation);
    }

    /**
     * Repeated stratified k-fold cross-validation with the same settings: a model per fold, each scored on the one
     * fold it never saw, next to the majority class of its training folds. On 150 examples one test split of 24
     * moves by 4 points per error; the spread over folds says how much a single split can be trusted.
     */
    public static ModelEvaluation.CrossValidation crossValidate(List<InputRecord> records, Settings settings, int k,
                                                                int repeats, PrintStream log) {
        List<InputRecord> labelled = labelled(records);
        List<String> classes = classes(labelled);
        double validationShare = settings.validationFraction() / (1 - settings.testFraction());
        List<StratifiedSplit<InputRecord>> splits = StratifiedSplit.folds(labelled, InputRecord::label, k, repeats,
                validationShare, settings.fit().seed());
        log.printf("cross-validation: %d repeats of stratified %d-fold over %d examples%n", repeats, k,
                labelled.size());
        List<ModelEvaluation.Fold> folds = new ArrayList<>();
        ModelEvaluation.ConfusionMatrix confusion =
                new ModelEvaluation.ConfusionMatrix(classes, new int[classes.size()][classes.size()]);
        for (int i = 0; i < splits.size(); i++) {
            StratifiedSplit<InputRecord> split = splits.get(i);
            Fitted fitted = fit(split, classes, settings, QUIET);
            Scores test = fitted.score(split.test(), settings.features(), classes);
            Map<String, Double> metrics = new LinkedHashMap<>();
            metrics.put("accuracy", test.accuracy());
            metrics.put("majorityClass.accuracy", majorityAccuracy(split.train(), split.test()));
            metrics.put("validation.accuracy",
                    fitted.score(split.validation(), settings.features(), classes).accuracy());
            confusion = confusion.plus(test.confusion());
            folds.add(new ModelEvaluation.Fold(i / k + 1, i % k + 1, split.train().size(), split.test().size(),
                    metrics));
            log.printf("  repeat %d fold %2d: accuracy %.4f on %d (validation %.4f, majority class %.4f)%n",
                    i / k + 1, i % k + 1, metrics.get("accuracy"), split.test().size(),
                    metrics.get("validation.accuracy"), metrics.get("majorityClass.accuracy"));
        }
        Map<String, ModelEvaluation.Summary> summary = CrossValidationSummary.of(folds, log);
        return new ModelEvaluation.CrossValidation("repeated stratified k-fold", k, repeats, folds, summary,
                confusion);
    }

    private static List<InputRecord> labelled(List<InputRecord> records) {
        List<InputRecord> labelled = records.stream().filter(r -> r.label() != null).toList();
        if (labelled.size() != records.size()) {
            throw new IllegalArgumentException((records.size() - labelled.size())
                    + " records have no label: name the class column with --label-column");
        }
        return labelled;
    }

    private static List<String> classes(List<InputRecord> labelled) {
        return labelled.stream().map(InputRecord::label).distinct().sorted().toList();
    }

    /** A network fitted on one split's training part, early-stopped on its validation part. */
    private record Fitted(MultiLayerNetwork network, Predictor predictor, Standardizer standardizer) {

        Scores score(List<InputRecord> examples, List<String> features, List<String> classes) {
            return ClassificationTraining.score(predictor, examples, features, classes);
        }
    }

    private static Fitted fit(StratifiedSplit<InputRecord> split, List<String> classes, Settings settings,
                              PrintStream log) {
        double[][] trainFeatures = features(split.train(), settings.features());
        ModelMetadata draft = metadata(settings, "draft", classes, Standardizer.fit(trainFeatures), Map.of());
        FeatureEncoder encoder = new FeatureEncoder(draft);
        MultiLayerNetwork network = Networks.classifier(encoder.inputs(), classes.size(), settings.fit());
        float[][] x = new float[trainFeatures.length][encoder.inputs()];
        float[][] y = new float[trainFeatures.length][classes.size()];
        for (int i = 0; i < x.length; i++) {
            encoder.encodeFeatures(trainFeatures[i], x[i], 0);
            y[i][classes.indexOf(split.train().get(i).label())] = 1f;
        }
        Predictor predictor = new Predictor(draft, new Dl4jRuntime(network));
        EarlyStoppingFit.fit(network, x, y,
                net -> score(predictor, split.validation(), settings.features(), classes).crossEntropy(),
                "cross-entropy", 0, settings.fit(), log);
        return new Fitted(network, predictor, draft.standardizer());
    }

    /** Accuracy, mean cross-entropy and confusion counts ({@code [actual][predicted]}). */
    record Scores(double accuracy, double crossEntropy, int[][] confusion) {
    }

    static Scores score(Predictor predictor, List<InputRecord> examples, List<String> features,
                        List<String> classes) {
        double[][] x = features(examples, features);
        double[][] probabilities = predictor.classify(x, x.length);
        int[][] confusion = new int[classes.size()][classes.size()];
        double crossEntropy = 0;
        int right = 0;
        for (int i = 0; i < x.length; i++) {
            int actual = classes.indexOf(examples.get(i).label());
            int predicted = Predictor.mostLikely(probabilities[i]);
            confusion[actual][predicted]++;
            right += actual == predicted ? 1 : 0;
            crossEntropy -= Math.log(Math.max(1e-12, probabilities[i][actual]));
        }
        return new Scores((double) right / x.length, crossEntropy / x.length, confusion);
    }

    private static double majorityAccuracy(List<InputRecord> train, List<InputRecord> test) {
        Map<String, Long> counts = new LinkedHashMap<>();
        train.forEach(r -> counts.merge(r.label(), 1L, Long::sum));
        String majority = counts.entrySet().stream().max(Map.Entry.comparingByValue()).orElseThrow().getKey();
        return (double) test.stream().filter(r -> r.label().equals(majority)).count() / test.size();
    }

    private static double[][] features(List<InputRecord> records, List<String> names) {
        double[][] x = new double[records.size()][names.size()];
        for (int i = 0; i < records.size(); i++) {
            for (int f = 0; f < names.size(); f++) {
                Double value = records.get(i).features().get(names.get(f));
                if (value == null) {
                    throw new IllegalArgumentException("feature '" + names.get(f) + "' is missing from a record");
                }
                x[i][f] = value;
            }
        }
        return x;
    }

    private static ModelMetadata metadata(Settings settings, String version, List<String> classes,
                                          Standardizer standardizer, Map<String, Double> metrics) {
        return new ModelMetadata(ModelMetadata.CURRENT_FORMAT, version, Task.CLASSIFICATION, 1, settings.features(),
                null, null, standardizer, classes, Instant.now().toString(), settings.trainingData(), metrics);
    }
}
