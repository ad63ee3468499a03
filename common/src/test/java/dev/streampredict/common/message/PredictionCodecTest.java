package dev.streampredict.common.message;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class PredictionCodecTest {

    private final PredictionCodec codec = new PredictionCodec();
    private final String input = "{\"id\":\"7\",\"key\":\"k\",\"timestamp\":3,\"features\":{\"close\":2.5}}";

    @Test
    void regressionRoundTripEmbedsTheInputVerbatim() {
        Prediction p = Prediction.regression("7", "k", input, "close", 2.75, "v1", 1000L, 12L, 16,
                new Prediction.Interval(0.9, 2.5, 3.0));

        byte[] json = codec.toJson(p);

        assertThat(new String(json)).contains("\"input\":" + input);
        assertThat(codec.parse(json)).isEqualTo(p);
    }

    @Test
    void aForecastOfSeveralStepsRoundTripsWithEachStepsTimeAndInterval() {
        Prediction p = Prediction.regression("7", "k", input, "close", 2.75, "v1", 1000L, 12L, 16,
                new Prediction.Interval(0.9, 2.5, 3.0), List.of(
                        new Prediction.Step(1, 4L, 2.75, new Prediction.Interval(0.9, 2.5, 3.0)),
                        new Prediction.Step(2, null, 2.8, null)), 3);

        byte[] json = codec.toJson(p);

        assertThat(new String(json)).contains("\"steps\":[{\"step\":1,\"time\":4,\"forecast\":2.75,\"interval\":")
                .contains("{\"step\":2,\"forecast\":2.8}").contains("\"missingSteps\":3");
        assertThat(codec.parse(json)).isEqualTo(p);
        assertThatThrownBy(() -> Prediction.regression("7", "k", input, "close", 2.75, "v1", 1000L, 12L, 16, null,
                List.of(new Prediction.Step(1, null, 3.0, null)), 0)).hasMessageContaining("the first being");
    }

    @Test
    void aNonAsciiInputIsEmbeddedAsItsUtf8Bytes() {
        String zurich = "{\"id\":\"8\",\"key\":\"Zürich\",\"timestamp\":3,\"features\":{\"°C\":-2.5}}";
        Prediction p = Prediction.regression("8", "Zürich", zurich, "°C", -2.0, "v1", 1000L, 12L, 16, null);

        byte[] json = codec.toJson(p);

        assertThat(new String(json, StandardCharsets.UTF_8)).endsWith(",\"input\":" + zurich + "}");
        assertThat(codec.parse(json)).isEqualTo(p);
    }

    @Test
    void classificationRoundTrip() {
        Map<String, Double> probabilities = new LinkedHashMap<>();
        probabilities.put("setosa", 0.9);
        probabilities.put("virginica", 0.1);
        Prediction p = Prediction.classification("7", "k", input, "setosa", probabilities, "v2", 5L, 1L);

        Prediction back = codec.parse(codec.toJson(p));

        assertThat(back).isEqualTo(p);
        assertThat(back.classProbabilities().keySet()).containsExactly("setosa", "virginica");
    }

    @Test
    void aPredictionIsANumberOrAClassNotBoth() {
        assertThatThrownBy(() -> new Prediction("1", "k", input, "t", 1.0, "c", Map.of(), "v", 0, 0, 1, null))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
