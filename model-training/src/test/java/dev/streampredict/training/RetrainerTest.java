package dev.streampredict.training;

import dev.streampredict.common.message.InputRecord;
import dev.streampredict.model.Architecture;
import dev.streampredict.model.ModelArchive;
import dev.streampredict.model.ModelMetadata;
import dev.streampredict.model.ModelRuntime;
import dev.streampredict.model.Predictor;
import dev.streampredict.model.TestArtifacts;
import dev.streampredict.model.TargetMode;
import dev.streampredict.producer.SyntheticSeries;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/** Retraining decides on data neither model was trained on, and publishes only what is better. */
class RetrainerTest {

    private static final FitOptions FIT = new FitOptions(List.of(16, 16), 30, 5, 64, 0.003, 7);

    @TempDir
    static Path dir;
    private static Predictor servingOldRegime;

    @BeforeAll
    static void trainOnTheOldRegime() throws Exception {
        List<InputRecord> history = series(null).subList(0, 3_000);
        RegressionTraining.train(history, new RegressionTraining.Settings("series", "generated",
                SyntheticSeries.FEATURE, 8, TargetMode.DIFFERENCE, 0.15, 0.15, FIT),
                new PrintStream(OutputStream.nullOutputStream())).save(dir.resolve("serving"));
        servingOldRegime = ModelArchive.of(dir.resolve("serving").toString()).load();
    }

    @Test
    void afterARegimeChangeTheCandidateBeatsTheStaleModelAndIsPublished() throws Exception {
        Retrainer retrainer = new Retrainer(new Retrainer.Settings(3_000, 0.2, 0.05, FitOverrides.exactly(FIT)));
        series(0L).subList(0, 3_000).forEach(retrainer::observe); // the new regime from the first record

        Retrainer.Decision decision = retrainer.retrain(servingOldRegime, dir.resolve("after-change"));

        assertThat(decision.publish()).as(decision.reason()).isTrue();
        assertThat(decision.candidateError()).isLessThan(0.95 * decision.servingError())
                .isLessThan(decision.baselineError());
        assertThat(decision.candidate()).startsWith("series-retrained-");
    }

    @Test
    void aCandidateWorseThanTheServingModelIsNeverPublished() throws Exception {
        // a candidate that cannot learn: one hidden unit, one epoch, on the regime the serving model knows well
        Retrainer retrainer = new Retrainer(new Retrainer.Settings(3_000, 0.2, 0.05,
                FitOverrides.exactly(new FitOptions(List.of(1), 1, 1, 64, 0.0001, 7))));
        series(null).subList(3_000, 6_000).forEach(retrainer::observe);

        Retrainer.Decision decision = retrainer.retrain(servingOldRegime, dir.resolve("crippled"));

        assertThat(decision.publish()).as(decision.reason()).isFalse();
        assertThat(decision.reason()).contains("not better than the serving model");
    }

    @Test
    void anOnnxModelThatServesIsComparedAndReplacedByADl4jCandidate() throws Exception {
        // an ONNX forecaster that answers the last value: exactly the persistence baseline
        float[] last = new float[8];
        last[7] = 1;
        Predictor persistence = TestArtifacts.onnxForecaster("onnx-persistence", SyntheticSeries.FEATURE, last, 0,
                dir).load(TestArtifacts.LIMITS);
        Retrainer retrainer = new Retrainer(new Retrainer.Settings(3_000, 0.2, 0.05, FitOverrides.exactly(FIT)));
        series(null).subList(3_000, 6_000).forEach(retrainer::observe);

        Retrainer.Decision decision = retrainer.retrain(persistence, dir.resolve("onnx-candidate"));

        // the same forecasts as "next = last", but through float32
        assertThat(retrainer.servingSkill(persistence)).isEqualTo(1.0, within(1e-6));
        assertThat(decision.serving()).isEqualTo("onnx-persistence");
        assertThat(decision.servingError()).isEqualTo(decision.baselineError(),
                within(1e-6 * decision.baselineError()));
        assertThat(decision.publish()).as(decision.reason()).isTrue();
        assertThat(ModelArchive.of(dir.resolve("onnx-candidate").toString()).metadata().runtime())
                .isEqualTo(ModelRuntime.DL4J);
    }

    @Test
    void theRuleNeedsTheMarginOverTheServingModelAndABetterThanNaiveError() {
        Retrainer retrainer = new Retrainer(new Retrainer.Settings(1_000, 0.2, 0.10, FitOverrides.exactly(FIT)));
        assertThat(retrainer.decide("v1", "v2", "MSE", 100, 1.0, 0.95, 5.0).publish()).as("5% < 10%").isFalse();
        assertThat(retrainer.decide("v1", "v2", "MSE", 100, 1.0, 0.80, 0.70).publish()).as("naive").isFalse();
        assertThat(retrainer.decide("v1", "v2", "MSE", 100, 1.0, 0.80, 5.0).publish()).isTrue();
        assertThat(retrainer.decide("v1", "v2", "MSE", 100, 0.0, 0.0, 5.0).publish()).as("tie").isFalse();
    }

    @Test
    void theServingModelsSkillOnRecentInputsShowsWhenItHasGoneStale() {
        Retrainer before = new Retrainer(new Retrainer.Settings(3_000, 0.2, 0.05, FitOverrides.exactly(FIT)));
        series(null).subList(3_000, 6_000).forEach(before::observe);
        Retrainer after = new Retrainer(new Retrainer.Settings(3_000, 0.2, 0.05, FitOverrides.exactly(FIT)));
        series(0L).subList(0, 3_000).forEach(after::observe);

        assertThat(before.servingSkill(servingOldRegime)).as("beats next = last").isLessThan(0.8);
        assertThat(after.servingSkill(servingOldRegime)).as("worse than next = last").isGreaterThan(1.0);
    }

    @Test
    void aClassifierWhoseClassesMovedIsReplacedByOneTrainedOnTheNewLabels() throws Exception {
        FitOptions fit = new FitOptions(List.of(8), 40, 5, 32, 0.01, 7);
        ClassificationTraining.train(blobs(0, 1_000, false), new ClassificationTraining.Settings("blobs",
                "generated", List.of("x", "y"), 0.15, 0.15, fit), new PrintStream(OutputStream.nullOutputStream()))
                .save(dir.resolve("classifier"));
        Predictor serving = ModelArchive.of(dir.resolve("classifier").toString()).load();
        Retrainer retrainer = new Retrainer(new Retrainer.Settings(1_000, 0.2, 0.05, FitOverrides.exactly(fit)));
        blobs(1_000, 1_000, true).forEach(retrainer::observe); // the classes swapped places

        Retrainer.Decision decision = retrainer.retrain(serving, dir.resolve("classifier-candidate"));

        assertThat(decision.metric()).isEqualTo("error rate");
        assertThat(decision.servingError()).isGreaterThan(0.8);
        assertThat(decision.publish()).as(decision.reason()).isTrue();
        assertThat(decision.candidateError()).isLessThan(0.1);
    }

    @Test
    void labelsThatArriveAfterOrBeforeTheirInputsJoinThem() throws Exception {
        FitOptions fit = new FitOptions(List.of(8), 40, 5, 32, 0.01, 7);
        ClassificationTraining.train(blobs(0, 1_000, false), new ClassificationTraining.Settings("blobs",
                "generated", List.of("x", "y"), 0.15, 0.15, fit), new PrintStream(OutputStream.nullOutputStream()))
                .save(dir.resolve("late-labels"));
        Predictor serving = ModelArchive.of(dir.resolve("late-labels").toString()).load();
        Retrainer retrainer = new Retrainer(new Retrainer.Settings(1_000, 0.2, 0.05, FitOverrides.exactly(fit)));
        List<InputRecord> swapped = blobs(1_000, 1_000, true);
        for (int i = 0; i < swapped.size(); i++) {
            InputRecord r = swapped.get(i);
            if (i % 2 == 0) { // the label comes first
                retrainer.label(r.id(), r.label());
            }
            retrainer.observe(new InputRecord(r.id(), r.key(), r.timestamp(), r.features(), null));
            if (i % 2 == 1) { // the label comes later
                retrainer.label(r.id(), r.label());
            }
        }

        Retrainer.Decision decision = retrainer.retrain(serving, dir.resolve("late-labels-candidate"));

        assertThat(decision.heldOut()).as("every held-out input has its label").isEqualTo(200);
        assertThat(decision.publish()).as(decision.reason()).isTrue();
    }

    /** Two classes in two well separated clouds; {@code swapped} exchanges which class is where. */
    private static List<InputRecord> blobs(int from, int count, boolean swapped) {
        Random random = new Random(from + 1);
        List<InputRecord> records = new ArrayList<>();
        for (int i = from; i < from + count; i++) {
            boolean left = random.nextBoolean();
            double x = (left ? -2 : 2) + 0.5 * random.nextGaussian();
            records.add(new InputRecord("b" + i, "k", i, Map.of("x", x, "y", 0.5 * random.nextGaussian()),
                    left != swapped ? "left" : "right"));
        }
        return records;
    }

    /** Ten keys; with {@code changeAt}, the regime changes after that many records. */
    @Test
    void aCandidateReadsTheServingModelsSeriesAndForecastsItsHorizon() throws Exception {
        FitOptions quick = new FitOptions(List.of(8), 3, 2, 64, 0.01, 7);
        List<InputRecord> data = RegressionTrainingTest.drivenSeries(3_000, 9);
        RegressionTraining.train(data.subList(0, 1_500), new RegressionTraining.Settings("driven", "generated", "load",
                8, TargetMode.DIFFERENCE, 0.15, 0.15, quick, 0.9, Architecture.CNN, List.of("speed", "load"), 3),
                new PrintStream(OutputStream.nullOutputStream())).save(dir.resolve("driven"));
        Retrainer retrainer = new Retrainer(new Retrainer.Settings(1_500, 0.2, 0.05, FitOverrides.exactly(quick)));
        data.subList(1_500, 3_000).forEach(retrainer::observe);

        Retrainer.Decision decision = retrainer.retrain(ModelArchive.of(dir.resolve("driven").toString()).load(),
                dir.resolve("driven-candidate"));

        ModelMetadata candidate = ModelArchive.of(dir.resolve("driven-candidate").toString()).metadata();
        assertThat(candidate.features()).containsExactly("speed", "load");
        assertThat(candidate.horizon()).isEqualTo(3);
        assertThat(candidate.architecture()).isEqualTo(Architecture.CNN);
        assertThat(candidate.intervals().halfWidths()).hasSize(3);
        assertThat(decision.candidateError()).as(decision.reason()).isFinite();
    }

    private static List<InputRecord> series(Long changeAt) {
        SyntheticSeries series = new SyntheticSeries(10, 25, 0.5, 3, new AtomicLong()::incrementAndGet);
        if (changeAt != null) {
            series.regimeChangeAt(changeAt, 9, 20);
        }
        return Stream.generate(series::next).limit(6_000).toList();
    }
}
