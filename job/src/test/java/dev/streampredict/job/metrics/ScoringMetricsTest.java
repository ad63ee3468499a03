package dev.streampredict.job.metrics;

import dev.streampredict.model.Task;
import org.apache.flink.metrics.Gauge;
import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/** Each version's error next to the naive baseline's on the same outcomes. */
class ScoringMetricsTest {

    private final RecordingMetricGroup group = new RecordingMetricGroup();
    private final ModelMetrics metrics = new ModelMetrics(group, Task.REGRESSION);
    private final RecordingMetricGroup classifierGroup = new RecordingMetricGroup();
    private final ModelMetrics classifierMetrics = new ModelMetrics(classifierGroup, Task.CLASSIFICATION);

    @Test
    void skillRatioIsTheRecentModelErrorOverThePersistenceErrorOfTheSameOutcomes() {
        metrics.of("v1").forecastError(1.0, 2.0);
        metrics.of("v1").forecastError(-1.0, 2.0);
        metrics.of("v2").forecastError(4.0, 2.0);

        assertThat(gauge("model_version_recent_mse|v1")).isEqualTo(1.0);
        assertThat(gauge("model_version_recent_persistence_mse|v1")).isEqualTo(4.0);
        assertThat(gauge("model_version_skill_ratio|v1")).isEqualTo(0.25);
        assertThat(gauge("model_version_skill_ratio|v2")).as("worse than persistence").isEqualTo(4.0);
    }

    @Test
    void intervalCoverageIsTheShareOfErrorsWithinTheHalfWidthCountedOnceTheVersionToldIt() {
        metrics.of("v1").forecastError(5.0, 1.0); // before any prediction with an interval: not counted
        metrics.of("v1").intervals(0.9, 1.0);
        metrics.of("v1").forecastError(0.5, 1.0);
        metrics.of("v1").forecastError(-1.0, 1.0); // on the bound: inside
        metrics.of("v1").forecastError(-1.5, 1.0);
        metrics.of("v1").forecastError(2.0, 1.0);
        metrics.of("v2").forecastError(0.1, 1.0);

        assertThat(gauge("model_version_interval_coverage|v1")).isEqualTo(0.5);
        assertThat(gauge("model_version_interval_level|v1")).isEqualTo(0.9);
        assertThat(gauge("model_version_interval_coverage|v2")).as("a version without intervals").isNaN();
    }

    @Test
    void aClassifiersRecentAccuracyStandsBesideTheMajorityClassBaseline() {
        for (String label : new String[]{"a", "a", "a", "b"}) {
            classifierMetrics.of("v1").classified(label.equals("a"), label);
        }
        assertThat(gauge(classifierGroup, "model_version_recent_accuracy|v1")).isCloseTo(0.75, within(1e-12));
        assertThat(gauge(classifierGroup, "model_version_recent_majority_accuracy|v1")).isCloseTo(0.75,
                within(1e-12));
    }

    @Test
    void eachVersionReportsItsTasksErrorsAndBaselineOnly() {
        metrics.of("v1");
        classifierMetrics.of("v1");

        assertThat(group.metrics()).containsKeys("model_version_recent_mse|v1", "model_version_skill_ratio|v1")
                .doesNotContainKeys("model_version_accuracy|v1", "model_version_recent_majority_accuracy|v1");
        assertThat(classifierGroup.metrics()).containsKeys("model_version_accuracy|v1",
                "model_version_recent_majority_accuracy|v1")
                .doesNotContainKeys("model_version_recent_mse|v1", "model_version_skill_ratio|v1");
        assertThat(classifierGroup.metrics()).as("what every version reports")
                .containsKeys("model_version_predictions_total|v1", "model_version_input_drift|v1");
    }

    @Test
    void inputDriftIsAboutOneOnInputsLikeTheTrainingDataAndGrowsWhenTheyShift() {
        Random random = new Random(3);
        for (int i = 0; i < 5_000; i++) {
            metrics.of("v1").input(new double[]{random.nextGaussian(), random.nextGaussian()});
            metrics.of("v2").input(new double[]{random.nextGaussian(), 3 + random.nextGaussian()});
        }
        assertThat(gauge("model_version_input_drift|v1")).isCloseTo(1.0, within(0.15));
        // the second feature's level moved 3 spreads: root mean square sqrt(1 + 9)
        assertThat(gauge("model_version_input_drift|v2")).isCloseTo(Math.sqrt(10), within(0.3));
    }

    private double gauge(String name) {
        return gauge(group, name);
    }

    private static double gauge(RecordingMetricGroup group, String name) {
        assertThat(group.metrics()).containsKey(name);
        return ((Number) ((Gauge<?>) group.metrics().get(name)).getValue()).doubleValue();
    }
}
