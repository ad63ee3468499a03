package dev.streampredict.job.inference;

import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.java.typeutils.PojoTypeInfo;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class SeriesWindowTest {

    @Test
    void beforeItIsFullTheWindowIsPaddedWithItsOldestValue() {
        SeriesWindow window = SeriesWindow.empty(1, 4);
        double[] out = new double[4];

        window.add(new double[]{7});
        window.copyTo(out);
        assertThat(out).containsExactly(7, 7, 7, 7);
        assertThat(window.fill()).isEqualTo(1);

        window.add(new double[]{8});
        window.add(new double[]{9});
        window.copyTo(out);
        assertThat(out).containsExactly(7, 7, 8, 9);
    }

    @Test
    void onceFullItKeepsTheLastValuesOldestFirst() {
        SeriesWindow window = SeriesWindow.empty(1, 3);
        double[] out = new double[3];

        for (int v = 1; v <= 7; v++) {
            window.add(new double[]{v});
        }
        window.copyTo(out);

        assertThat(out).containsExactly(5, 6, 7);
        assertThat(window.fill()).isEqualTo(3);
        assertThat(window.seen).isEqualTo(7);
    }

    @Test
    void severalSeriesAreCopiedSeriesAfterSeriesEachPaddedWithItsOwnOldest() {
        SeriesWindow window = SeriesWindow.empty(2, 3);
        double[] out = new double[6];

        window.add(new double[]{1, 10});
        window.add(new double[]{2, 20});
        window.copyTo(out);
        assertThat(out).containsExactly(1, 1, 2, 10, 10, 20);
        assertThat(window.last(0)).isEqualTo(2);
        assertThat(window.last(1)).isEqualTo(20);

        for (int v = 3; v <= 5; v++) {
            window.add(new double[]{v, 10 * v});
        }
        window.copyTo(out);
        assertThat(out).containsExactly(3, 4, 5, 30, 40, 50);
        double[] shorter = new double[4];
        window.copyTo(shorter);
        assertThat(shorter).as("a model of a smaller window reads each series' latest").containsExactly(4, 5, 40, 50);
    }

    @Test
    void growingKeepsEachSeriesOldestFirst() {
        SeriesWindow window = SeriesWindow.empty(2, 2);
        for (int v = 1; v <= 3; v++) { // wraps the ring once
            window.add(new double[]{v, -v});
        }
        window.growTo(4);
        window.add(new double[]{4, -4});
        double[] out = new double[8];
        window.copyTo(out);
        assertThat(out).containsExactly(2, 2, 3, 4, -2, -2, -3, -4);
    }

    /** Kept in state by Flink's POJO serializer, not Kryo: fields can be added and old state still restores. */
    @Test
    void theWindowAndItsPendingForecastsArePojosToFlink() {
        assertThat(TypeInformation.of(SeriesWindow.class)).isInstanceOf(PojoTypeInfo.class);
        assertThat(((PojoTypeInfo<?>) TypeInformation.of(SeriesWindow.class)).getTypeAt("served"))
                .isInstanceOf(PojoTypeInfo.class);
    }

    @Test
    void aPendingForecastOfStateFromBeforeHorizonsWaitsForTheNextValueAsOneStep() {
        SeriesWindow restored = SeriesWindow.empty(1, 3);
        restored.add(new double[]{4});
        restored.add(new double[]{5});
        restored.count = 0; // as a savepoint without the field restores it
        restored.pendingForecast = 5.5;
        restored.pendingVersion = "v1";

        restored.upgrade(0);
        List<String> met = new ArrayList<>();
        restored.served.meet(3, (version, step, forecast, last) -> met.add(version + " " + step + " " + forecast
                + " " + last));

        assertThat(restored.count).isEqualTo(2);
        assertThat(met).containsExactly("v1 1 5.5 5.0");
        assertThat(restored.pendingForecast).isNaN();
        restored.add(new double[]{6}, 1_765_000_000_000L);
        assertThat(restored.spacing).as("no spacing from a time the old state never kept").isZero();
        restored.add(new double[]{7}, 1_765_000_060_000L);
        assertThat(restored.spacing).isEqualTo(60_000);
    }

    @Test
    void stateFromBeforeSeveralSeriesReadsAsOne() {
        SeriesWindow restored = new SeriesWindow(); // as a savepoint without the field restores it
        restored.values = new double[]{6, 4, 5}; // 4, 5, 6 written, the ring wrapped once
        restored.seen = 4;
        double[] out = new double[3];
        restored.copyTo(out);
        assertThat(restored.series()).isEqualTo(1);
        assertThat(out).containsExactly(4, 5, 6);
    }
}
