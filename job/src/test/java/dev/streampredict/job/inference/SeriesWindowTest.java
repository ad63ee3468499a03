package dev.streampredict.job.inference;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class SeriesWindowTest {

    @Test
    void beforeItIsFullTheWindowIsPaddedWithItsOldestValue() {
        SeriesWindow window = SeriesWindow.empty(4);
        double[] out = new double[4];

        window.add(7);
        window.copyTo(out);
        assertThat(out).containsExactly(7, 7, 7, 7);
        assertThat(window.fill()).isEqualTo(1);

        window.add(8);
        window.add(9);
        window.copyTo(out);
        assertThat(out).containsExactly(7, 7, 8, 9);
    }

    @Test
    void onceFullItKeepsTheLastValuesOldestFirst() {
        SeriesWindow window = SeriesWindow.empty(3);
        double[] out = new double[3];

        for (int v = 1; v <= 7; v++) {
            window.add(v);
        }
        window.copyTo(out);

        assertThat(out).containsExactly(5, 6, 7);
        assertThat(window.fill()).isEqualTo(3);
        assertThat(window.seen).isEqualTo(7);
    }
}
