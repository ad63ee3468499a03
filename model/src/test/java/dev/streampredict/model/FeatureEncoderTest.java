package dev.streampredict.model;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class FeatureEncoderTest {

    @Test
    void levelModeStandardisesEveryValue() {
        FeatureEncoder encoder = new FeatureEncoder(ModelArtifactTest.regression(3, TargetMode.LEVEL));
        float[] row = new float[3];

        encoder.encodeWindow(new double[]{5, 7, 1}, row, 0);

        assertThat(row).containsExactly(0f, 1f, -2f);
        assertThat(encoder.encodeNext(new double[]{5, 7, 1}, 9)).isEqualTo(2.0);
        assertThat(encoder.decodeForecast(new double[]{5, 7, 1}, 2.0)).isEqualTo(9.0);
    }

    @Test
    void differenceModeForecastsLastValuePlusStep() {
        FeatureEncoder encoder = new FeatureEncoder(ModelArtifactTest.regression(3, TargetMode.DIFFERENCE));
        float[] row = new float[2];
        double[] window = {100, 105, 111};

        encoder.encodeWindow(window, row, 0);

        assertThat(row).containsExactly(0f, 0.5f); // steps 5 and 6, mean 5, std 2
        double target = encoder.encodeNext(window, 120);
        assertThat(encoder.decodeForecast(window, target)).isCloseTo(120.0, within(1e-12));
        assertThat(encoder.inputs()).isEqualTo(2);
    }

    @Test
    void classificationStandardisesEachFeatureWithItsOwnStatistics() {
        ModelMetadata metadata = new ModelMetadata(1, "v", Task.CLASSIFICATION, 1, List.of("a", "b"), null, null,
                new Standardizer(new double[]{1, 10}, new double[]{1, 5}), List.of("x", "y"), "t", "d", Map.of());
        float[] row = new float[2];

        new FeatureEncoder(metadata).encodeFeatures(new double[]{3, 0}, row, 0);

        assertThat(row).containsExactly(2f, -2f);
    }

    @Test
    void standardizerFitsMeanAndSampleStd() {
        Standardizer s = Standardizer.fit(new double[][]{{1, 4}, {2, 4}, {3, 4}});

        assertThat(s.mean()).containsExactly(2.0, 4.0);
        assertThat(s.std()).containsExactly(1.0, 1.0); // constant column: std 1, not 0
    }
}
