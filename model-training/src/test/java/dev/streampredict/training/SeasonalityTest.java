package dev.streampredict.training;

import dev.streampredict.common.message.InputRecord;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.IntToDoubleFunction;

import static org.assertj.core.api.Assertions.assertThat;

class SeasonalityTest {

    @Test
    void aDailyCycleOfHourlyValuesWithATrendHasASeasonOf24() {
        Random random = new Random(2);
        assertThat(Seasonality.find(samples(t -> 0.01 * t + 5 * Math.sin(2 * Math.PI * t / 24)
                + 0.3 * random.nextGaussian()))).isEqualTo(24);
    }

    @Test
    void aRandomWalkHasNone() {
        Random random = new Random(3);
        double[] level = {100};
        assertThat(Seasonality.find(samples(t -> level[0] += random.nextGaussian()))).isZero();
    }

    @Test
    void theSeasonalNaiveForecastIsTheValueOneSeasonBeforeTheNext() {
        List<SeriesSample> samples = samples(t -> t);
        SeriesSample late = samples.get(100);

        assertThat(late.seasonAgo(24)).isEqualTo(late.next() - 24);
        assertThat(samples.get(0).seasonAgo(24)).as("before the series began").isNaN();
        assertThat(ForecastErrors.seasonalNaive(samples.subList(50, 60), 24).mse()).isEqualTo(24 * 24);
    }

    private static List<SeriesSample> samples(IntToDoubleFunction value) {
        List<InputRecord> records = new ArrayList<>();
        for (int t = 0; t < 2_000; t++) {
            records.add(new InputRecord("r" + t, "k", t * 3_600_000L, Map.of("v", value.applyAsDouble(t))));
        }
        return SeriesSamples.build(records, "v", 4);
    }
}
