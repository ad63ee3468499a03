package dev.streampredict.testing;

import org.junit.jupiter.api.Test;

import java.io.IOException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class StepsTest {

    @Test
    void aFailureNamesItsStepBeforeWhatFailedInIt() {
        assertThatThrownBy(() -> Steps.step("predictions on the topic", () -> assertThat(3).isEqualTo(4)))
                .isInstanceOf(AssertionError.class)
                .hasMessageStartingWith("step 'predictions on the topic': ")
                .hasMessageContaining("expected: 4");
        assertThatThrownBy(() -> Steps.value("upload the job jar", () -> {
            throw new IOException("connection refused");
        })).isInstanceOf(AssertionError.class)
                .hasMessage("step 'upload the job jar' failed: java.io.IOException: connection refused")
                .hasCauseInstanceOf(IOException.class);
    }

    @Test
    void aStepThatHoldsGivesItsValue() {
        assertThat(Steps.value("a step", () -> "its value")).isEqualTo("its value");
    }
}
