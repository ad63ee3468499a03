package dev.streampredict.common;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class PercentilesTest {

    @Test
    void nearestRank() {
        long[] sorted = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10};

        assertThat(Percentiles.of(sorted, 0.5)).isEqualTo(5);
        assertThat(Percentiles.of(sorted, 0.99)).isEqualTo(10);
        assertThat(Percentiles.of(sorted, 0.1)).isEqualTo(1);
        assertThat(Percentiles.of(new long[0], 0.5)).isEqualTo(-1);
    }
}
