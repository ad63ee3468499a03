package dev.streampredict.job.promotion;

import dev.streampredict.registry.ModelCommand;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class PromotionJudgeTest {

    private static final PromotionRule RULE = new PromotionRule(100, 0.10, 0.20);

    private KeyedOneInputStreamOperatorTestHarness<Long, TrialReport, ModelCommand> harness;

    @BeforeEach
    void open() throws Exception {
        harness = new KeyedOneInputStreamOperatorTestHarness<>(new KeyedProcessOperator<>(new PromotionJudge(RULE)),
                TrialReport::trial, Types.LONG);
        harness.open();
    }

    @AfterEach
    void close() throws Exception {
        harness.close();
    }

    @Test
    void aCandidateBetterByTheMarginOverEnoughOutcomesOfAllSubtasksIsPromotedOnce() throws Exception {
        report(0, 60, 60.0, 60, 48.0); // too few outcomes yet
        assertThat(harness.extractOutputValues()).isEmpty();
        report(1, 60, 60.0, 60, 48.0); // 120 each across subtasks, MSE 0.8 vs 1.0
        report(1, 90, 90.0, 90, 72.0); // a later report of a subtask replaces its earlier one

        assertThat(harness.extractOutputValues()).singleElement().satisfies(command -> {
            assertThat(command.action()).isEqualTo(ModelCommand.Action.PROMOTE);
            assertThat(command.reason()).contains("v2 MSE 0.8000 over 120 outcomes vs stable v1 1.000 over 120");
        });
    }

    @Test
    void aCandidateWorseByTheMarginIsRolledBackAndOneInBetweenKeepsBeingTried() throws Exception {
        report(0, 200, 200.0, 200, 220.0); // 10% worse: inside both margins
        assertThat(harness.extractOutputValues()).isEmpty();
        report(0, 300, 300.0, 300, 390.0); // 30% worse

        assertThat(harness.extractOutputValues()).extracting(ModelCommand::action)
                .containsExactly(ModelCommand.Action.ROLLBACK);
    }

    @Test
    void aTieOfPerfectModelsIsNeverPromoted() {
        assertThat(RULE.decide(new TrialReport(1, 0, "v1", "v2", true, 500, 0, 500, 0))).isEmpty();
    }

    private void report(int subtask, long stableN, double stableError, long candidateN, double candidateError)
            throws Exception {
        harness.processElement(new StreamRecord<>(new TrialReport(7, subtask, "v1", "v2", false, stableN,
                stableError, candidateN, candidateError)));
    }
}
