package dev.streampredict.training;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.stream.LongStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TimeSplitTest {

    @Test
    void everyLaterPartIsStrictlyLaterThanEveryEarlierOne() {
        List<Long> times = LongStream.range(0, 100).map(i -> (i * 37) % 100).boxed().toList();

        TimeSplit<Long> split = TimeSplit.of(times, t -> t, 0.2, 0.1);

        assertThat(split.train()).hasSize(70).allMatch(t -> t < 70);
        assertThat(split.validation()).hasSize(20).allMatch(t -> t >= 70 && t < 90);
        assertThat(split.test()).hasSize(10).allMatch(t -> t >= 90);
    }

    @Test
    void refusesFractionsThatLeaveNoTrainingData() {
        assertThatThrownBy(() -> TimeSplit.of(List.of(1L, 2L), t -> t, 0.5, 0.5))
                .hasMessageContaining("leave room for training");
    }
}
