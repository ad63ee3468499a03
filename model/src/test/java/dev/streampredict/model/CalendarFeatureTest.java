package dev.streampredict.model;

import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class CalendarFeatureTest {

    @Test
    void eachCycleIsTheSineAndCosineOfTheTimesPlaceInItInUtc() {
        double[] out = new double[2];

        CalendarFeature.HOUR_OF_DAY.write(Instant.parse("2026-12-07T06:00:00Z").toEpochMilli(), out, 0);
        assertThat(out).containsExactly(new double[]{1, 0}, within(1e-12));
        CalendarFeature.HOUR_OF_DAY.write(Instant.parse("2026-12-07T18:00:00Z").toEpochMilli(), out, 0);
        assertThat(out).containsExactly(new double[]{-1, 0}, within(1e-12));

        CalendarFeature.DAY_OF_WEEK.write(Instant.parse("2026-12-07T00:00:00Z").toEpochMilli(), out, 0); // Monday
        assertThat(out).containsExactly(new double[]{0, 1}, within(1e-12));
        CalendarFeature.DAY_OF_WEEK.write(Instant.parse("1970-01-01T00:00:00Z").toEpochMilli(), out, 0); // Thursday
        assertThat(out).containsExactly(new double[]{Math.sin(2 * Math.PI * 3 / 7), Math.cos(2 * Math.PI * 3 / 7)},
                within(1e-12));
        CalendarFeature.DAY_OF_WEEK.write(Instant.parse("1969-12-29T00:00:00Z").toEpochMilli(), out, 0); // Monday
        assertThat(out).as("before 1970 too").containsExactly(new double[]{0, 1}, within(1e-12));
    }

    @Test
    void aForecasterReadsTwoSeriesPerCycleAfterItsFeatures() {
        ModelMetadata metadata = new ModelMetadata(1, "v", Task.REGRESSION, 4, List.of("load"), "load",
                TargetMode.LEVEL, new Standardizer(new double[5], new double[5]), List.of(), "t", "d",
                Map.of(), ModelRuntime.DL4J, null, null, Architecture.MLP, 1,
                List.of(CalendarFeature.HOUR_OF_DAY, CalendarFeature.DAY_OF_WEEK));

        assertThat(metadata.seriesCount()).isEqualTo(5);
        assertThat(metadata.networkInputs()).isEqualTo(20);
        assertThat(CalendarFeature.DAY_OF_WEEK.seriesNames()).containsExactly("day_of_week_sin", "day_of_week_cos");
    }
}
