package dev.streampredict.job.metrics;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class SlidingMeanTest {

    @Test
    void averagesOnlyTheLastValues() {
        SlidingMean mean = new SlidingMean(3);
        assertThat(mean.mean()).isNaN();

        mean.add(1);
        mean.add(2);
        assertThat(mean.mean()).isEqualTo(1.5);
        mean.add(3);
        mean.add(10);
        assertThat(mean.mean()).isCloseTo(5.0, within(1e-12)); // 2, 3, 10
    }

    @Test
    void staysExactOverManyLaps() {
        SlidingMean mean = new SlidingMean(7);
        for (int i = 0; i < 1_000_000; i++) {
            mean.add(i % 2 == 0 ? 1e9 : 1e-3);
        }
        mean.add(0.1);
        double expected = (3 * 1e9 + 3 * 1e-3 + 0.1) / 7; // last seven: ... 1e-3, 1e9, 1e-3, 1e9, 1e-3, 1e9? then 0.1
        assertThat(mean.mean()).isCloseTo(expected, within(1e-3));
    }
}
