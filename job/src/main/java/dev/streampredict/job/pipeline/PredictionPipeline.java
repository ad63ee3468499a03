package dev.streampredict.job.pipeline;

import dev.streampredict.common.message.Prediction;
import dev.streampredict.job.inference.ModelScorer;
import dev.streampredict.job.promotion.PromotionJudge;
import dev.streampredict.job.promotion.TrialReport;
import dev.streampredict.job.records.DeadLetter;
import dev.streampredict.job.records.PipelineSettings;
import dev.streampredict.job.records.RawRecord;
import dev.streampredict.job.records.RegistryMessage;
import dev.streampredict.job.records.ScoringInput;
import dev.streampredict.registry.ModelCommand;
import dev.streampredict.registry.RegistryStatus;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.source.Source;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

import java.time.Duration;

/**
 * The job's topology, built in one place that never knows where its data comes from or goes to:
 * <pre>
 * source -> parse-and-validate -+-> event-time -> keyBy(key) -> model-scorer -+-> predictions sink
 *                               |                                 ^            |
 *                               |          model registry --(broadcast)        +-> shadow predictions sink
 *                               |                                              |
 *                               |                                              +-> (trial reports) -> promotion-judge
 *                               |                                              |      -> decisions sink (the registry)
 *                               +-> (invalid) ------------> dead-letter sink <-+ (duplicate id)
 * </pre>
 * Without a registry source the job serves the model it started with; without a shadow sink, shadow predictions
 * are only counted; without a decisions sink or a promotion rule, nothing is promoted automatically.
 * Every operator has a fixed uid, so savepoints stay restorable as the code evolves.
 */
public final class PredictionPipeline {

    /**
     * Where the job's results go.
     *
     * @param shadow    a shadow model's predictions, or {@code null}
     * @param decisions automatic promotions and rollbacks, written to the registry, or {@code null}
     * @param status    what the job did with each registry record, or {@code null}
     */
    public record Outputs(Sink<Prediction> predictions, Sink<DeadLetter> deadLetters, Sink<Prediction> shadow,
                          Sink<ModelCommand> decisions, Sink<RegistryStatus> status) {
    }

    private final Source<RawRecord, ?, ?> source;
    private final Source<RegistryMessage, ?, ?> registry;
    private final Outputs outputs;
    private final PipelineSettings settings;

    /** @param registry the model registry topic from where the job started, or {@code null} */
    public PredictionPipeline(Source<RawRecord, ?, ?> source, Source<RegistryMessage, ?, ?> registry,
                              Outputs outputs, PipelineSettings settings) {
        this.source = source;
        this.registry = registry;
        this.outputs = outputs;
        this.settings = settings;
    }

    public void build(StreamExecutionEnvironment env) {
        SingleOutputStreamOperator<ScoringInput> valid = env
                .fromSource(source, WatermarkStrategy.noWatermarks(), "input")
                .uid("input")
                .process(new ParseInput(settings))
                .name("parse-and-validate")
                .uid("parse-and-validate");

        SingleOutputStreamOperator<RegistryMessage> models = registry != null
                ? env.fromSource(registry, WatermarkStrategy.noWatermarks(), "model-registry")
                .setParallelism(1)
                .uid("model-registry")
                // without a registry, the model the job started with serves for good
                : env.fromSource(new NoRecords<>(RegistryMessage.class, source.getBoundedness()),
                        WatermarkStrategy.noWatermarks(), "no-model-registry")
                .setParallelism(1)
                .uid("no-model-registry");

        SingleOutputStreamOperator<Prediction> predictions = valid
                .assignTimestampsAndWatermarks(WatermarkStrategy
                        .<ScoringInput>forBoundedOutOfOrderness(settings.outOfOrderness())
                        .withTimestampAssigner((input, kafkaTime) -> input.eventTimestamp())
                        .withIdleness(Duration.ofSeconds(30)))
                .name("event-time")
                .uid("event-time")
                .keyBy(ScoringInput::key)
                // one registry reader, broadcast: every subtask sees the same records in the same order
                .connect(models.broadcast())
                .transform("model-scorer", TypeInformation.of(Prediction.class), new ModelScorer(settings))
                .uid("model-scorer");

        if (outputs.shadow() != null) {
            predictions.getSideOutput(ModelScorer.SHADOW_PREDICTIONS)
                    .sinkTo(outputs.shadow())
                    .name("shadow-predictions")
                    .uid("shadow-predictions");
        }
        if (outputs.status() != null) {
            predictions.getSideOutput(ModelScorer.STATUS)
                    .sinkTo(outputs.status())
                    .setParallelism(1)
                    .name("registry-status")
                    .uid("registry-status");
        }
        if (outputs.decisions() != null && settings.promotion() != null) {
            predictions.getSideOutput(ModelScorer.TRIALS)
                    .keyBy(TrialReport::trial)
                    .process(new PromotionJudge(settings.promotion()))
                    .returns(ModelCommand.class)
                    .setParallelism(1)
                    .name("promotion-judge")
                    .uid("promotion-judge")
                    .sinkTo(outputs.decisions())
                    .setParallelism(1)
                    .name("promotion-decisions")
                    .uid("promotion-decisions");
        }

        predictions
                .sinkTo(outputs.predictions())
                .name("predictions")
                .uid("predictions");

        valid.getSideOutput(ParseInput.DEAD_LETTERS)
                .union(predictions.getSideOutput(ModelScorer.DEAD_LETTERS))
                .sinkTo(outputs.deadLetters())
                .name("dead-letters")
                .uid("dead-letters");
    }
}
