package dev.streampredict.job.promotion;

import dev.streampredict.registry.ModelCommand;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Optional;

/**
 * Sums the subtasks' latest reports of a trial (keyed by trial) and, once the {@link PromotionRule} decides, emits
 * one promote or rollback command. The command goes to the registry topic like any other, so the decision is in
 * the same log as the publications, takes effect at a checkpoint like any other, and is refused like any other if
 * the policy changed meanwhile.
 */
public final class PromotionJudge extends KeyedProcessFunction<Long, TrialReport, ModelCommand> {

    private static final Logger LOG = LoggerFactory.getLogger(PromotionJudge.class);

    private final PromotionRule rule;
    private transient MapState<Integer, TrialReport> latestBySubtask;
    private transient ValueState<Boolean> decided;

    public PromotionJudge(PromotionRule rule) {
        this.rule = rule;
    }

    @Override
    public void open(OpenContext context) {
        latestBySubtask = getRuntimeContext().getMapState(new MapStateDescriptor<>("latest-by-subtask", Types.INT,
                Types.POJO(TrialReport.class)));
        decided = getRuntimeContext().getState(new ValueStateDescriptor<>("decided", Types.BOOLEAN));
    }

    @Override
    public void processElement(TrialReport report, Context context, Collector<ModelCommand> out) throws Exception {
        if (Boolean.TRUE.equals(decided.value())) {
            return;
        }
        latestBySubtask.put(report.subtask(), report);
        TrialReport totals = null;
        for (TrialReport latest : latestBySubtask.values()) {
            totals = totals == null ? latest : totals.plus(latest);
        }
        Optional<ModelCommand> decision = rule.decide(totals);
        if (decision.isPresent()) {
            LOG.info("promotion judge, trial {}: {}", report.trial(), decision.get());
            out.collect(decision.get());
            decided.update(true);
            latestBySubtask.clear();
        }
    }
}
