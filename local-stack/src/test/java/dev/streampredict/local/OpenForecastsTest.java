package dev.streampredict.local;

import dev.streampredict.common.message.Prediction;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class OpenForecastsTest {

    /** A three-step forecast made after value {@code last}: steps last+1, last+2, last+3, each with an interval. */
    private static Prediction threeSteps(String version, double last) {
        List<Prediction.Step> steps = new ArrayList<>();
        for (int k = 1; k <= 3; k++) {
            steps.add(new Prediction.Step(k, null, last + k, new Prediction.Interval(0.9, last, last + 2 * k)));
        }
        return Prediction.regression("id", "k", "{}", "x", last + 1, version, 0, 0, 16, steps.get(0).interval(),
                steps, 0);
    }

    @Test
    void eachStepMeetsTheValueThatManyArrivalsLaterAndTheForecastThenCloses() {
        OpenForecasts open = new OpenForecasts(true);
        List<OpenForecasts.Met> met = new ArrayList<>();
        for (int value = 10; value <= 14; value++) {
            open.arrived(value, threeSteps("v1", value), met::add);
        }
        // values 11-14 meet the forecasts made after 10-13: the one after 10 at steps 1, 2 and 3, and so on
        assertThat(met).extracting(OpenForecasts.Met::step).containsExactly(1, 2, 1, 3, 2, 1, 3, 2, 1);
        assertThat(met).allSatisfy(m -> {
            assertThat(m.persistence()).isEqualTo(m.actual() - m.step()); // the value the forecast's input carried
            assertThat(m.forecast()).isEqualTo(m.actual()); // these forecasts are exact
            assertThat(m.interval().upper() - m.interval().lower()).isEqualTo(2.0 * m.step());
            assertThat(m.version()).isEqualTo("v1");
        });
        assertThat(open.size()).as("the forecasts after 12, 13 and 14 wait for values").isEqualTo(3);
    }

    @Test
    void aNextValueForecastIsMetByTheNextValueOnly() {
        OpenForecasts open = new OpenForecasts(true);
        List<OpenForecasts.Met> met = new ArrayList<>();
        open.arrived(1.0, Prediction.regression("a", "k", "{}", "x", 1.5, "v1", 0, 0, 16, null), met::add);
        open.arrived(2.0, Prediction.regression("b", "k", "{}", "x", 2.5, "v2", 0, 0, 16, null), met::add);
        assertThat(met).containsExactly(new OpenForecasts.Met("v1", 1, 1.5, 2.0, 1.0, null));
        assertThat(open.size()).isEqualTo(1);
    }

    @Test
    void aKeyKeptForItsNextValuesMeetsTheFirstStepOnly() {
        OpenForecasts open = new OpenForecasts(false);
        List<OpenForecasts.Met> met = new ArrayList<>();
        for (int value = 10; value <= 14; value++) {
            open.arrived(value, threeSteps("v1", value), met::add);
        }
        assertThat(met).extracting(OpenForecasts.Met::step).containsExactly(1, 1, 1, 1);
        assertThat(open.size()).isEqualTo(1);
    }

    @Test
    void aClassOpensNoForecast() {
        OpenForecasts open = new OpenForecasts(true);
        open.arrived(1.0, Prediction.classification("a", "k", "{}", "setosa", Map.of("setosa", 1.0), "v1", 0, 0),
                m -> {
                });
        assertThat(open.size()).isZero();
    }

    @Test
    void theLiveHistoryKeepsEachVersionsErrorByStepBesidePersistence() {
        LiveHistory history = new LiveHistory("http://localhost:8081/");
        OpenForecasts served = new OpenForecasts(true);
        for (int value = 10; value <= 14; value++) {
            served.arrived(value, threeSteps("mlp", value + 1), m -> history.stepMet(m.version(), m.step(),
                    Math.abs(m.forecast() - m.actual()), Math.abs(m.persistence() - m.actual())));
        }
        history.stepMet("lstm", 2, 0.5, Double.NaN);
        Map<String, double[]> byStep = history.view().errorByStep();
        assertThat(byStep.get("mlp")).containsExactly(1.0, 1.0, 1.0); // each forecast one above its value
        assertThat(byStep.get(LiveHistory.PERSISTENCE)).containsExactly(1.0, 2.0, 3.0);
        assertThat(byStep.get("lstm")).containsExactly(Double.NaN, 0.5);

        PredictionMonitor.Snapshot idle = new PredictionMonitor.Snapshot(0, 0, -1, -1, 0, 0, 0, 0, 0, "-");
        for (int second = 1; second < LiveHistory.STEP_SECONDS; second++) {
            history.endSecond(second * 1000L, idle);
        }
        assertThat(history.view().errorByStep()).as("still within the last minute").containsKey("lstm");
        history.endSecond(LiveHistory.STEP_SECONDS * 1000L, idle);
        assertThat(history.view().errorByStep()).as("a minute later").isEmpty();
    }
}
