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
    void rollingOriginTestsTheLaterHalfInConsecutiveBlocksEachAfterItsTraining() {
        List<Long> times = LongStream.range(0, 200).map(i -> (i * 37) % 200).boxed().toList();

        List<TimeSplit<Long>> folds = TimeSplit.rollingOrigin(times, t -> t, 4, 0.2);

        assertThat(folds).hasSize(4);
        assertThat(folds.stream().flatMap(f -> f.test().stream()).sorted().toList())
                .as("every sample of the later half tested exactly once")
                .isEqualTo(LongStream.range(100, 200).boxed().toList());
        for (TimeSplit<Long> fold : folds) {
            long firstTest = fold.test().stream().min(Long::compare).orElseThrow();
            assertThat(fold.test()).hasSize(25);
            assertThat(fold.train().size() + fold.validation().size()).as("everything before the block")
                    .isEqualTo((int) firstTest);
            assertThat(fold.validation()).allMatch(t -> t >= (long) (firstTest * 0.8) && t < firstTest);
            assertThat(fold.train()).allMatch(t -> t < (long) (firstTest * 0.8));
        }
    }

    @Test
    void rollingOriginSaysHowManyFoldsTheDataAllow() {
        List<Long> times = LongStream.range(0, 50).boxed().toList();

        assertThatThrownBy(() -> TimeSplit.rollingOrigin(times, t -> t, 5, 0.2))
                .hasMessageContaining("50 samples are too few for --cv 5").hasMessageContaining("use --cv 2 or fewer");
        assertThat(TimeSplit.rollingOrigin(times, t -> t, 2, 0.2)).as("the advice, followed").hasSize(2);
    }

    @Test
    void tooFewSamplesForAnyFoldAreToldToLeaveCvOutNotToUseCv1() {
        List<Long> times = LongStream.range(0, 15).boxed().toList();

        assertThatThrownBy(() -> TimeSplit.rollingOrigin(times, t -> t, 1, 0.2))
                .hasMessageContaining("15 samples are too few for --cv 1").hasMessageContaining("leave --cv out")
                .hasMessageNotContaining("use --cv");
    }

    @Test
    void refusesFractionsThatLeaveNoTrainingData() {
        assertThatThrownBy(() -> TimeSplit.of(List.of(1L, 2L), t -> t, 0.5, 0.5))
                .hasMessageContaining("leave room for training");
    }
}
