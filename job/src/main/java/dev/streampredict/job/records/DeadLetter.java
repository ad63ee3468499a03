package dev.streampredict.job.records;

import dev.streampredict.common.message.RejectReason;

/** An input that was not scored: the original record, why, and when it was rejected. */
public record DeadLetter(RawRecord source, RejectReason reason, String detail, long rejectedAt) {
}
