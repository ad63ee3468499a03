package dev.streampredict.training;

import dev.streampredict.common.csv.CsvRecordReader;
import dev.streampredict.common.csv.CsvSpec;
import dev.streampredict.common.message.InputRecord;
import dev.streampredict.model.ModelArtifact;
import dev.streampredict.model.Predictor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.offset;

class ClassificationTrainingTest {

    private static final PrintStream QUIET = new PrintStream(OutputStream.nullOutputStream());
    private static final Path DATA = Path.of("..", "data");

    @TempDir
    Path dir;

    @Test
    void irisIsClassifiedWellOnHeldOutData() throws Exception {
        List<InputRecord> iris = CsvRecordReader.readAll(
                new CsvSpec(DATA.resolve("iris.csv"), null, "iris", null, List.of(), "species"), r -> {
                    throw new AssertionError("iris has no bad rows: " + r);
                });

        TrainedModel model = ClassificationTraining.train(iris, settings(List.copyOf(iris.get(0).features().keySet())),
                QUIET);

        Map<String, Double> m = model.metadata().metrics();
        assertThat(model.metadata().classes()).containsExactly("setosa", "versicolor", "virginica");
        assertThat(m.get("test.accuracy")).isGreaterThanOrEqualTo(0.9);
        assertThat(m.get("test.accuracy")).isGreaterThan(m.get("test.majorityClass.accuracy") + 0.3);
        double confused = 0;
        for (String a : model.metadata().classes()) {
            for (String p : model.metadata().classes()) {
                confused += m.get("test.confusion." + a + "." + p);
            }
        }
        assertThat(confused).isEqualTo(m.get("test.samples"));
    }

    @Test
    void irisReachesWhatASmallNetworkShouldUnderCrossValidationWithTheDefaults() throws Exception {
        List<InputRecord> iris = CsvRecordReader.readAll(
                new CsvSpec(DATA.resolve("iris.csv"), null, "iris", null, List.of(), "species"), r -> {
                });
        ClassificationTraining.Settings settings = new ClassificationTraining.Settings("iris-species", "iris.csv",
                List.copyOf(iris.get(0).features().keySet()), 0.15, 0.15, FitOptions.CLASSIFICATION_DEFAULTS);

        ModelEvaluation.CrossValidation cv = ClassificationTraining.crossValidate(iris, settings, 5, 1, QUIET);

        assertThat(cv.results()).hasSize(5).allSatisfy(f -> assertThat(f.testSamples()).isEqualTo(30));
        assertThat(cv.summary().get("accuracy").mean()).isGreaterThanOrEqualTo(0.95);
        assertThat(cv.summary().get("majorityClass.accuracy").mean()).isCloseTo(1 / 3.0, offset(0.01));
        int predictions = 0;
        int right = 0;
        for (int a = 0; a < 3; a++) {
            for (int p = 0; p < 3; p++) {
                predictions += cv.confusion().counts()[a][p];
                right += a == p ? cv.confusion().counts()[a][p] : 0;
            }
        }
        assertThat(predictions).as("each flower predicted once").isEqualTo(150);
        assertThat(right / 150.0).isCloseTo(cv.summary().get("accuracy").mean(), offset(1e-9));
    }

    @Test
    void theSameSeedGivesTheSameMetrics() throws Exception {
        List<InputRecord> iris = CsvRecordReader.readAll(
                new CsvSpec(DATA.resolve("iris.csv"), null, "iris", null, List.of(), "species"), r -> {
                });
        List<String> features = List.copyOf(iris.get(0).features().keySet());

        Map<String, Double> first = ClassificationTraining.train(iris, settings(features), QUIET).metadata().metrics();
        Map<String, Double> second = ClassificationTraining.train(iris, settings(features), QUIET).metadata().metrics();

        assertThat(second).isEqualTo(first);
    }

    @Test
    void penguinRowsWithMissingValuesAreRejectedNotImputed() throws Exception {
        List<CsvRecordReader.RejectedRow> rejected = new ArrayList<>();
        List<InputRecord> penguins = CsvRecordReader.readAll(new CsvSpec(DATA.resolve("penguins.csv"), null,
                "penguins", null, List.of(), "species"), rejected::add);

        assertThat(rejected).isNotEmpty().allSatisfy(r -> assertThat(r.reason()).contains("is empty"));
        assertThat(penguins.size() + rejected.size()).isEqualTo(344);
        assertThat(penguins.get(0).features()).containsOnlyKeys("beak_length_mm", "beak_depth_mm",
                "flipper_length_mm", "body_mass_g");

        TrainedModel model = ClassificationTraining.train(penguins,
                settings(List.copyOf(penguins.get(0).features().keySet())), QUIET);
        assertThat(model.metadata().metrics().get("test.accuracy")).isGreaterThanOrEqualTo(0.9);
    }

    @Test
    void savedClassifierGivesProbabilitiesThatSumToOne() throws Exception {
        List<InputRecord> iris = CsvRecordReader.readAll(
                new CsvSpec(DATA.resolve("iris.csv"), null, "iris", null, List.of(), "species"), r -> {
                });
        ClassificationTraining.train(iris, settings(List.copyOf(iris.get(0).features().keySet())), QUIET).save(dir);

        Predictor loaded = ModelArtifact.load(dir.toString());
        double[][] probabilities = loaded.classify(new double[][]{{5.1, 3.5, 1.4, 0.2}, {6.7, 3.0, 5.2, 2.3}}, 2);

        for (double[] p : probabilities) {
            assertThat(Arrays.stream(p).sum()).isCloseTo(1.0, offset(1e-5));
        }
        assertThat(loaded.metadata().classes().get(Predictor.mostLikely(probabilities[0]))).isEqualTo("setosa");
        assertThat(loaded.metadata().classes().get(Predictor.mostLikely(probabilities[1]))).isEqualTo("virginica");
    }

    private static ClassificationTraining.Settings settings(List<String> features) {
        return new ClassificationTraining.Settings("iris-species", "iris.csv", features, 0.2, 0.2,
                new FitOptions(List.of(16, 16), 300, 20, 16, 0.01, 42));
    }
}
