package dev.streampredict.job.metrics;

import dev.streampredict.common.message.RejectReason;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.MetricGroup;

import java.util.EnumMap;
import java.util.Map;

/**
 * Metrics of the validation operator. Every reason is registered up front, so a dashboard shows 0 rather than
 * nothing before the first bad record.
 */
public final class InputMetrics {

    public static final String INPUT_RECORDS = "input_records_total";
    public static final String INVALID_RECORDS = "invalid_records_total";
    public static final String REASON = "reason";

    private final Counter input;
    private final Map<RejectReason, Counter> invalid = new EnumMap<>(RejectReason.class);

    public InputMetrics(MetricGroup group) {
        this.input = group.counter(INPUT_RECORDS);
        for (RejectReason reason : RejectReason.values()) {
            if (reason == RejectReason.DUPLICATE_ID) {
                continue; // only the keyed scorer knows a key's recent ids: ScoringMetrics counts these
            }
            invalid.put(reason, group.addGroup(REASON, reason.label()).counter(INVALID_RECORDS));
        }
    }

    public void received() {
        input.inc();
    }

    public void rejected(RejectReason reason) {
        invalid.get(reason).inc();
    }
}
