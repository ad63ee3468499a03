package dev.streampredict.producer;

import dev.streampredict.common.message.InputRecord;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class SyntheticSeriesTest {

    @Test
    void visitsKeysRoundRobinWithUniqueIdsAndIsReproducible() {
        List<InputRecord> a = take(new SyntheticSeries(3, 20, 0.5, 7, () -> 1000L), 9);
        List<InputRecord> b = take(new SyntheticSeries(3, 20, 0.5, 7, () -> 1000L), 9);

        assertThat(a).extracting(InputRecord::key).containsExactly(
                "series-0", "series-1", "series-2", "series-0", "series-1", "series-2",
                "series-0", "series-1", "series-2");
        assertThat(a).extracting(InputRecord::id).doesNotHaveDuplicates();
        assertThat(a).isEqualTo(b);
        assertThat(a.get(0).features()).containsOnlyKeys(SyntheticSeries.FEATURE);
    }

    @Test
    void seriesFollowsItsSeasonWithinTheNoise() {
        SyntheticSeries noiseless = new SyntheticSeries(1, 4, 0.0, 1, () -> 0L);
        double[] v = take(noiseless, 8).stream().mapToDouble(r -> r.features().get("value")).toArray();

        for (int t = 0; t < 4; t++) {
            assertThat(v[t + 4]).isCloseTo(v[t], Offset.offset(1e-9)); // period 4
        }
        assertThat(v[0]).isNotEqualTo(v[1]);
    }

    static List<InputRecord> take(SyntheticSeries series, int n) {
        List<InputRecord> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(series.next());
        }
        return out;
    }

    @Test
    void aRegimeChangeMovesEverySeriesToItsNewPeriodAndLevelAfterTheGivenRecords() {
        List<InputRecord> before = take(new SyntheticSeries(1, 4, 0.0, 1, () -> 0L), 12);
        List<InputRecord> changed = take(new SyntheticSeries(1, 4, 0.0, 1, () -> 0L).regimeChangeAt(8, 8, 100), 12);

        for (int t = 0; t < 8; t++) {
            assertThat(changed.get(t).features()).isEqualTo(before.get(t).features());
        }
        for (int t = 8; t < 12; t++) {
            assertThat(changed.get(t).features().get(SyntheticSeries.FEATURE))
                    .isGreaterThan(before.get(t).features().get(SyntheticSeries.FEATURE) + 50);
        }
    }
}
