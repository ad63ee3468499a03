package dev.streampredict.job.pipeline;

import dev.streampredict.common.message.InputRecord;
import dev.streampredict.common.message.InputRecordCodec;
import dev.streampredict.common.message.InvalidRecordException;
import dev.streampredict.common.message.RejectReason;
import dev.streampredict.job.metrics.InputMetrics;
import dev.streampredict.model.ModelArtifact;
import dev.streampredict.model.ModelMetadata;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

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
    private transient InputRecordCodec codec;
    private transient List<String> modelFeatures;
    /** Position of each feature in the model's input: a wide model (hundreds of features) is checked in O(n). */
    private transient Map<String, Integer> featureIndex;
    private transient InputMetrics metrics;

    public ParseInput(PipelineSettings settings) {
        this.settings = settings;
    }

    @Override
    public void open(OpenContext context) {
        codec = new InputRecordCodec(settings.maxMessageBytes());
        ModelMetadata metadata = ModelArtifact.readMetadata(settings.modelLocation());
        modelFeatures = metadata.features();
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
        InputRecord record = codec.parse(raw.value());
        long now = System.currentTimeMillis();
        if (record.timestamp() < settings.earliestEventTime()
                || record.timestamp() > now + settings.maxClockSkew().toMillis()) {
            throw new InvalidRecordException(RejectReason.TIMESTAMP_OUT_OF_RANGE, "event time "
                    + java.time.Instant.ofEpochMilli(record.timestamp()) + " is outside the accepted range ["
                    + java.time.Instant.ofEpochMilli(settings.earliestEventTime()) + ", now + "
                    + settings.maxClockSkew() + "]");
        }
        double[] features = new double[modelFeatures.size()];
        for (Map.Entry<String, Double> feature : record.features().entrySet()) {
            Integer index = featureIndex.get(feature.getKey());
            if (index == null) {
                throw new InvalidRecordException(RejectReason.UNKNOWN_FEATURE, "feature '" + feature.getKey()
                        + "' is not one the model reads; it reads " + modelFeatures);
            }
            features[index] = feature.getValue();
        }
        if (record.features().size() < features.length) { // names are unique, so some are missing
            for (String name : modelFeatures) {
                if (!record.features().containsKey(name)) {
                    throw new InvalidRecordException(RejectReason.MISSING_FEATURE,
                            "feature '" + name + "' is missing; the model reads " + modelFeatures);
                }
            }
        }
        return new ScoringInput(record.id(), record.key(), record.timestamp(), raw.timestamp(), features,
                record.label(), raw);
    }
}
