package dev.streampredict.job.inference;

import dev.streampredict.common.message.InputFormat;
import dev.streampredict.common.message.Prediction;
import dev.streampredict.job.records.InputEcho;
import dev.streampredict.job.records.RawRecord;
import dev.streampredict.job.records.ScoringInput;
import dev.streampredict.model.ModelArchive;
import dev.streampredict.model.Predictor;
import dev.streampredict.model.TestArtifacts;
import dev.streampredict.registry.ServingPolicy;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/** Classification as the scorer runs it on a batch: the class, every class's probability, labels met, a shadow. */
class ClassifyingTest {

    static final List<String> FEATURES = List.of("sepal_length", "sepal_width", "petal_length", "petal_width");
    static final List<String> CLASSES = List.of("setosa", "versicolor", "virginica");
    private static final double[][] FLOWERS = {{5.1, 3.5, 1.4, 0.2}, {6.4, 3.2, 4.5, 1.5}, {6.3, 3.3, 6.0, 2.5},
        {-4.0, 9.0, -2.0, 7.0}, {0.0, 0.0, 0.0, 0.0}};

    @TempDir
    static Path dir;
    private static ModelArchive stable;
    private static ModelArchive shadow;

    @BeforeAll
    static void classifiers() {
        stable = TestArtifacts.classifier("iris-a", FEATURES, CLASSES, 1, dir);
        shadow = TestArtifacts.classifier("iris-b", FEATURES, CLASSES, 2, dir);
    }

    @Test
    void eachInputGetsTheModelsMostLikelyClassAndTheProbabilityOfEveryClass() throws Exception {
        Predictor model = stable.load();
        RecordedScores scored = new RecordedScores(Double.NaN);
        score(scored, model, null, labels(null, null, null, null, null));

        double[][] expected = model.classify(FLOWERS, FLOWERS.length);
        assertThat(scored.served).hasSize(FLOWERS.length);
        for (int i = 0; i < FLOWERS.length; i++) {
            Prediction p = scored.served.get(i);
            assertThat(p.id()).isEqualTo("f" + i);
            assertThat(p.modelVersion()).isEqualTo("iris-a");
            assertThat(p.predictedClass()).as("flower %d", i)
                    .isEqualTo(CLASSES.get(Predictor.mostLikely(expected[i])));
            assertThat(p.classProbabilities()).containsOnlyKeys(CLASSES);
            for (int c = 0; c < CLASSES.size(); c++) {
                assertThat(p.classProbabilities().get(CLASSES.get(c))).isCloseTo(expected[i][c], within(1e-6));
            }
            assertThat(p.classProbabilities().values().stream().mapToDouble(Double::doubleValue).sum())
                    .isCloseTo(1.0, within(1e-5));
        }
        assertThat(scored.classified).as("no input carried a label").isEmpty();
    }

    @Test
    void aLabelledInputCountsRightOrWrongForTheVersionThatClassifiedIt() throws Exception {
        Predictor model = stable.load();
        RecordedScores scored = new RecordedScores(Double.NaN);
        String[] labels = new String[FLOWERS.length];
        double[][] expected = model.classify(FLOWERS, FLOWERS.length);
        for (int i = 0; i < FLOWERS.length; i++) {
            String predicted = CLASSES.get(Predictor.mostLikely(expected[i]));
            // right for the even flowers, wrong for the odd ones, none for the last
            labels[i] = i == FLOWERS.length - 1 ? null
                    : i % 2 == 0 ? predicted : CLASSES.get((CLASSES.indexOf(predicted) + 1) % CLASSES.size());
        }
        score(scored, model, null, labels);

        assertThat(scored.classified).containsExactly(
                new RecordedScores.Classified("iris-a", true, labels[0]),
                new RecordedScores.Classified("iris-a", false, labels[1]),
                new RecordedScores.Classified("iris-a", true, labels[2]),
                new RecordedScores.Classified("iris-a", false, labels[3]));
    }

    @Test
    void aShadowClassifiesEveryInputBesideTheServedModelAndItsLabelsCountForItself() throws Exception {
        Predictor served = stable.load();
        Predictor shadowModel = shadow.load();
        RecordedScores scored = new RecordedScores(Double.NaN);
        score(scored, served, shadowModel, labels("setosa", "setosa", "setosa", "setosa", "setosa"));

        double[][] expected = shadowModel.classify(FLOWERS, FLOWERS.length);
        assertThat(scored.served).extracting(Prediction::modelVersion).containsOnly("iris-a").hasSize(5);
        assertThat(scored.shadowed).extracting(Prediction::id).containsExactly("f0", "f1", "f2", "f3", "f4");
        assertThat(scored.shadowed).extracting(Prediction::modelVersion).containsOnly("iris-b");
        for (int i = 0; i < FLOWERS.length; i++) {
            assertThat(scored.shadowed.get(i).predictedClass()).as("shadow's class of flower %d", i)
                    .isEqualTo(CLASSES.get(Predictor.mostLikely(expected[i])));
        }
        assertThat(scored.classified).extracting(RecordedScores.Classified::version)
                .as("each version's accuracy from its own classes").containsOnly("iris-a", "iris-b").hasSize(10);
    }

    private static void score(Scored scored, Predictor model, Predictor shadowModel, String[] labels)
            throws Exception {
        ServingPolicy policy = shadowModel == null
                ? new ServingPolicy("iris-a", null, ServingPolicy.Mode.NONE, 0, List.of())
                : new ServingPolicy("iris-a", "iris-b", ServingPolicy.Mode.SHADOW, 0, List.of());
        ServingModels serving = new ServingModels(policy, model, shadowModel);
        Classifying task = new Classifying(FEATURES.size(), scored,
                new InputEcho(InputEcho.Mode.REFERENCE, InputFormat.JSON, FEATURES), 8);
        Batch batch = new Batch(8);
        batch.width(task.width(serving));
        for (int i = 0; i < FLOWERS.length; i++) {
            ScoringInput input = flower(i, labels[i]);
            task.add(input, batch.add(input, i, serving.serving(input.key())), batch);
        }
        task.score(batch, serving);
    }

    private static ScoringInput flower(int i, String label) {
        String json = "{\"id\":\"f" + i + "\"}";
        return new ScoringInput("f" + i, "flower-" + i, i, i, FLOWERS[i].clone(), label, new RawRecord(
                ("flower-" + i).getBytes(StandardCharsets.UTF_8), json.getBytes(StandardCharsets.UTF_8), "in", 0, i,
                i));
    }

    private static String[] labels(String... labels) {
        return labels;
    }
}
