package dev.streampredict.model;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class PredictionIntervalsTest {

    private static final double[] ERRORS = {-1, 2, -3, 4, -5, 6, -7, 8, -9, 10};

    @Test
    void theHalfWidthIsTheAbsoluteErrorOfRankCeilingOfNPlusOneTimesTheLevel() {
        assertThat(PredictionIntervals.halfWidth(ERRORS, 0.8)).as("rank ceil(11 x 0.8) = 9").isEqualTo(9);
        assertThat(PredictionIntervals.halfWidth(ERRORS, 0.5)).as("rank ceil(5.5) = 6").isEqualTo(6);
    }

    @Test
    void tooFewErrorsForTheLevelAreRefusedSayingHowManyItNeeds() {
        assertThatThrownBy(() -> PredictionIntervals.halfWidth(ERRORS, 0.95))
                .hasMessageContaining("a 0.95 interval needs at least 19 held-out errors, there are 10");
    }

    @Test
    void aLevelOutsideZeroToOneOrANegativeHalfWidthIsRefusedNamingTheField() {
        assertThatThrownBy(() -> new PredictionIntervals(1.0, List.of(1.0))).hasMessageContaining("intervals.level");
        assertThatThrownBy(() -> new PredictionIntervals(0.9, List.of(-1.0)))
                .hasMessageContaining("intervals.halfWidths");
    }
}
