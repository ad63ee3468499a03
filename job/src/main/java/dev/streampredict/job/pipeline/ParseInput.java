package dev.streampredict.job.pipeline;

import dev.streampredict.common.message.InputDecoder;
import dev.streampredict.common.message.InputHeader;
import dev.streampredict.common.message.InvalidRecordException;
import dev.streampredict.common.message.RejectReason;
import dev.streampredict.job.metrics.InputMetrics;
import dev.streampredict.job.records.DeadLetter;
import dev.streampredict.job.records.PipelineSettings;
import dev.streampredict.job.records.RawRecord;
import dev.streampredict.job.records.ScoringInput;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Parses and validates raw input against the message format and the model's features. Valid input goes on as a
 * {@link ScoringInput}; everything else goes to {@link #DEAD_LETTERS} with its reason. Nothing throws.
 */
public final class ParseInput extends ProcessFunction<RawRecord, ScoringInput> {

    public static final OutputTag<DeadLetter> DEAD_LETTERS = new OutputTag<>("dead-letters") {
    };

    private final PipelineSettings settings;
    private transient InputDecoder decoder;
    private transient List<String> modelFeatures;
    /** Position of each feature in the model's input: a wide input goes straight into the model's vector. */
    private transient Map<String, Integer> featureIndex;
    private transient InputMetrics metrics;

    public ParseInput(PipelineSettings settings) {
        this.settings = settings;
    }

    @Override
    public void open(OpenContext context) {
        modelFeatures = settings.schema().features();
        decoder = settings.inputFormat().decoder(modelFeatures, settings.maxMessageBytes());
        featureIndex = new HashMap<>();
        for (int i = 0; i < modelFeatures.size(); i++) {
            featureIndex.put(modelFeatures.get(i), i);
        }
        metrics = new InputMetrics(getRuntimeContext().getMetricGroup());
    }

    @Override
    public void processElement(RawRecord raw, Context ctx, Collector<ScoringInput> out) {
        metrics.received();
        try {
            out.collect(validate(raw));
        } catch (InvalidRecordException e) {
            metrics.rejected(e.reason());
            ctx.output(DEAD_LETTERS, new DeadLetter(raw, e.reason(), e.detail(), System.currentTimeMillis()));
        }
    }

    private ScoringInput validate(RawRecord raw) throws InvalidRecordException {
        double[] features = new double[modelFeatures.size()];
        boolean[] present = new boolean[features.length];
        int[] next = {0};
        InputHeader header = decoder.parse(raw.value(), (name, value) -> {
            // inputs usually name their features in the model's order: one comparison instead of a hash lookup
            int index = next[0] < features.length && name.equals(modelFeatures.get(next[0])) ? next[0]
                    : indexOf(name);
            if (present[index]) {
                throw new InvalidRecordException(RejectReason.MALFORMED_JSON, "feature '" + name + "' appears twice");
            }
            present[index] = true;
            features[index] = value;
            next[0] = index + 1;
        });
        for (int i = 0; i < present.length; i++) {
            if (!present[i]) {
                throw new InvalidRecordException(RejectReason.MISSING_FEATURE,
                        "feature '" + modelFeatures.get(i) + "' is missing; the model reads " + modelFeatures);
            }
        }
        long now = System.currentTimeMillis();
        if (header.timestamp() < settings.earliestEventTime()
                || header.timestamp() > now + settings.maxClockSkew().toMillis()) {
            throw new InvalidRecordException(RejectReason.TIMESTAMP_OUT_OF_RANGE, "event time "
                    + Instant.ofEpochMilli(header.timestamp()) + " is outside the accepted range ["
                    + Instant.ofEpochMilli(settings.earliestEventTime()) + ", now + "
                    + settings.maxClockSkew() + "]");
        }
        return new ScoringInput(header.id(), header.key(), header.timestamp(), raw.timestamp(), features,
                header.label(), raw);
    }

    private int indexOf(String feature) throws InvalidRecordException {
        Integer index = featureIndex.get(feature);
        if (index == null) {
            throw new InvalidRecordException(RejectReason.UNKNOWN_FEATURE, "feature '" + feature
                    + "' is not one the model reads; it reads " + modelFeatures);
        }
        return index;
    }
}
