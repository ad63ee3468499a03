package dev.streampredict.training;

import dev.streampredict.model.Task;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class FitOverridesTest {

    private static final FitOverrides NOTHING_GIVEN = new FitOverrides(null, null, null, null, null, null);

    @Test
    void whatIsNotGivenIsTheDefaultOfTheTaskBeingTrained() {
        assertThat(NOTHING_GIVEN.over(FitOptions.defaultsFor(Task.CLASSIFICATION)))
                .isEqualTo(FitOptions.CLASSIFICATION_DEFAULTS);
        assertThat(NOTHING_GIVEN.over(FitOptions.defaultsFor(Task.REGRESSION)))
                .isEqualTo(FitOptions.REGRESSION_DEFAULTS);
    }

    @Test
    void whatIsGivenWinsOverEveryTasksDefault() {
        FitOverrides given = new FitOverrides(List.of(4), 7, 3, 8, 0.5, 9L);
        FitOptions expected = new FitOptions(List.of(4), 7, 3, 8, 0.5, 9);
        assertThat(given.over(FitOptions.CLASSIFICATION_DEFAULTS)).isEqualTo(expected);
        assertThat(given.over(FitOptions.REGRESSION_DEFAULTS)).isEqualTo(expected);
        assertThat(new FitOverrides(null, null, null, 8, null, null).over(FitOptions.CLASSIFICATION_DEFAULTS))
                .as("one setting given").isEqualTo(new FitOptions(List.of(16, 16), 300, 30, 8, 0.01, 42));
    }

    @Test
    void aSettingNoDefaultCouldMendIsRefusedWhenGiven() {
        assertThatThrownBy(() -> new FitOverrides(null, null, null, 0, null, null))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("batch size");
        assertThatThrownBy(() -> new FitOverrides(null, null, null, null, -0.1, null))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new FitOverrides(List.of(8, 0), null, null, null, null, null))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("hidden layer sizes");
    }
}
