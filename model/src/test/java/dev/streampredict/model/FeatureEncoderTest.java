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
    void severalSeriesAreEncodedSeriesAfterSeriesEachWithItsOwnStatisticsAndTheTargetDecoded() {
        // two series, the target second; each with its own step statistics
        ModelMetadata metadata = new ModelMetadata(1, "v", Task.REGRESSION, 3, List.of("load", "temp"), "temp",
                TargetMode.DIFFERENCE, new Standardizer(new double[]{0, 1}, new double[]{10, 2}), List.of(), "t", "d",
                Map.of());
        FeatureEncoder encoder = new FeatureEncoder(metadata);
        // a row as the job keeps it, one value wider than the model's window: the model reads the last 3 of each
        double[] window = {999, 0, 10, 30, -1, 20, 21, 25};
        float[] row = new float[4];

        encoder.encodeWindow(window, row, 0);

        assertThat(encoder.inputs()).isEqualTo(4);
        assertThat(row).containsExactly(1f, 2f, 0f, 1.5f); // load's steps 10, 20 /10; temp's steps 1, 4 (-1) /2
        assertThat(encoder.standardisedLatest(window)).isEqualTo(1.5);
        assertThat(encoder.decodeForecast(window, 0.5)).as("temp's last value plus a step of 0.5 * 2 + 1")
                .isEqualTo(27.0);
        assertThat(encoder.encodeNext(window, 27)).isEqualTo(0.5);
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
