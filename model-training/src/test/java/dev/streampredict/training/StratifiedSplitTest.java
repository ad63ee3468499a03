package dev.streampredict.training;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Function;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class StratifiedSplitTest {

    /** 50 of class a, 30 of b, 10 of c: "a17" and so on. */
    private static final List<String> SAMPLES = samples();
    private static final Function<String, String> CLASS = s -> s.substring(0, 1);

    @Test
    void eachRepeatTestsEveryExampleOnceWithModelsThatNeverSawIt() {
        List<StratifiedSplit<String>> folds = StratifiedSplit.folds(SAMPLES, CLASS, 5, 3, 0.2, 7);

        assertThat(folds).hasSize(15);
        for (int repeat = 0; repeat < 3; repeat++) {
            List<String> tested = new ArrayList<>();
            for (StratifiedSplit<String> fold : folds.subList(repeat * 5, repeat * 5 + 5)) {
                tested.addAll(fold.test());
                Set<String> seen = new HashSet<>(fold.train());
                seen.addAll(fold.validation());
                assertThat(seen).hasSize(fold.train().size() + fold.validation().size())
                        .doesNotContainAnyElementsOf(fold.test());
                assertThat(seen.size() + fold.test().size()).isEqualTo(SAMPLES.size());
                assertThat(fold.test().stream().filter(s -> s.startsWith("c"))).as("class c in every test fold")
                        .hasSize(2);
                assertThat(fold.validation().stream().filter(s -> s.startsWith("a"))).hasSize(8);
            }
            assertThat(tested).containsExactlyInAnyOrderElementsOf(SAMPLES);
        }
        assertThat(folds.get(0).test()).as("another repeat, another shuffle").isNotEqualTo(folds.get(5).test());
    }

    @Test
    void saysHowManyFoldsASmallClassAllows() {
        assertThatThrownBy(() -> StratifiedSplit.folds(SAMPLES, CLASS, 10, 1, 0.2, 7))
                .hasMessageContaining("the smallest class has 10 examples").hasMessageContaining("use --cv 9");
        assertThat(StratifiedSplit.folds(SAMPLES, CLASS, 9, 1, 0.2, 7)).as("the advice, followed").hasSize(9);
    }

    @Test
    void aClassTooSmallForAnyFoldIsToldToLeaveCvOutAndOneFoldIsExplained() {
        List<String> tiny = new ArrayList<>(SAMPLES);
        tiny.removeIf(s -> s.startsWith("c") && !s.equals("c0") && !s.equals("c1"));

        assertThatThrownBy(() -> StratifiedSplit.folds(tiny, CLASS, 2, 1, 0.2, 7))
                .hasMessageContaining("the smallest class has 2 examples").hasMessageContaining("leave --cv out")
                .hasMessageNotContaining("use --cv");
        assertThatThrownBy(() -> StratifiedSplit.folds(SAMPLES, CLASS, 1, 1, 0.2, 7))
                .hasMessageContaining("one fold would test on the data it trains on");
    }

    private static List<String> samples() {
        List<String> samples = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            samples.add("a" + i);
        }
        for (int i = 0; i < 30; i++) {
            samples.add("b" + i);
        }
        for (int i = 0; i < 10; i++) {
            samples.add("c" + i);
        }
        return samples;
    }
}
