package dev.streampredict.job;

import dev.streampredict.common.message.InputFormat;
import dev.streampredict.common.message.InputRecord;
import dev.streampredict.common.message.JsonInputCodec;
import dev.streampredict.common.message.Prediction;
import dev.streampredict.common.message.RejectReason;
import dev.streampredict.job.records.DeadLetter;
import dev.streampredict.job.records.InputEcho;
import dev.streampredict.job.pipeline.NoRecords;
import dev.streampredict.job.records.PipelineSettings;
import dev.streampredict.job.pipeline.PredictionPipeline;
import dev.streampredict.job.records.RawRecord;
import dev.streampredict.model.ModelArchive;
import dev.streampredict.registry.InputSchema;
import dev.streampredict.registry.RegistryState;
import dev.streampredict.testing.Await;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.sink2.SinkWriter;
import org.apache.flink.api.connector.sink2.WriterInitContext;
import org.apache.flink.api.connector.source.Boundedness;
import org.apache.flink.api.connector.source.Source;
import org.apache.flink.api.connector.source.SplitEnumerator;
import org.apache.flink.api.connector.source.SplitEnumeratorContext;
import org.apache.flink.api.connector.source.lib.NumberSequenceSource.NumberSequenceSplit;
import org.apache.flink.api.connector.source.lib.util.IteratorSourceEnumerator;
import org.apache.flink.connector.datagen.source.DataGeneratorSource;
import org.apache.flink.connector.datagen.source.GeneratorFunction;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.core.execution.SavepointFormatType;
import org.apache.flink.runtime.execution.ExecutionState;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.InjectMiniCluster;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import static dev.streampredict.job.PipelineTesting.assertForecastsUseEachKeysWholeHistory;
import static dev.streampredict.job.PipelineTesting.syntheticRecords;
import static dev.streampredict.job.PipelineTesting.trainSyntheticModel;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The middle layer of the tests: the production topology ({@link PredictionPipeline}) on a MiniCluster at
 * parallelism 2, fed by a bounded in-memory source and writing to collecting sinks, without a broker. What needs
 * Kafka (offsets, transactions, the registry topic) is tested against a broker in the ITs.
 */
class PredictionTopologyTest {

    private static final int KEYS = 5;
    private static final int VALID = 500;

    @RegisterExtension
    static final MiniClusterExtension FLINK = new MiniClusterExtension(new MiniClusterResourceConfiguration.Builder()
            .setNumberTaskManagers(1)
            .setNumberSlotsPerTaskManager(2)
            .build());

    @TempDir
    static Path dir;

    @Test
    void everyValidInputIsPredictedOnceFromItsKeysWholeHistoryAndEveryBadOneDeadLetteredWithItsReason()
            throws Exception {
        ModelArchive model = ModelArchive.of(trainSyntheticModel(dir, KEYS).toString());
        List<InputRecord> inputs = syntheticRecords(KEYS, VALID, 7);
        ArrayList<byte[]> messages = new ArrayList<>();
        inputs.forEach(input -> messages.add(JsonInputCodec.toJson(input)));
        messages.add(100, "{not json".getBytes(StandardCharsets.UTF_8));
        messages.add(200, ("{\"id\":\"odd\",\"key\":\"series-1\",\"timestamp\":1,\"features\":{\"temperature\":3}}")
                .getBytes(StandardCharsets.UTF_8));
        messages.add(300, JsonInputCodec.toJson(inputs.get(250))); // the same id again: a duplicate

        String run = UUID.randomUUID().toString();
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(2);
        env.getConfig().enableObjectReuse(); // as the job runs
        new PredictionPipeline(source(messages), null,
                new PredictionPipeline.Outputs(new Collecting<>(run + "/predictions"),
                        new Collecting<>(run + "/dead-letters"), null, null, null),
                settings(model)).build(env);
        env.execute("topology");

        List<Prediction> predictions = Collecting.results(run + "/predictions");
        Map<String, Long> perId = predictions.stream()
                .collect(Collectors.groupingBy(Prediction::id, Collectors.counting()));
        assertThat(perId.keySet()).containsExactlyInAnyOrderElementsOf(inputs.stream().map(InputRecord::id).toList());
        assertThat(perId.values()).allMatch(n -> n == 1);
        assertForecastsUseEachKeysWholeHistory(predictions, model.load());
        List<DeadLetter> deadLetters = Collecting.results(run + "/dead-letters");
        assertThat(deadLetters).extracting(DeadLetter::reason).containsExactlyInAnyOrder(
                RejectReason.MALFORMED_JSON, RejectReason.UNKNOWN_FEATURE, RejectReason.DUPLICATE_ID);
        assertThat(deadLetters).allSatisfy(d -> assertThat(d.source().offset())
                .isIn(100L, 200L, 300L)); // each with where it was read
    }

    @Test
    void withoutARegistryEveryTaskRunsAsLongAsTheInputSoAStopRightAfterTheStartSucceeds(
            @InjectMiniCluster MiniCluster cluster) throws Exception {
        ModelArchive model = ModelArchive.of(trainSyntheticModel(dir, KEYS).toString());
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.setParallelism(2);
        env.enableCheckpointing(100);
        new PredictionPipeline(new NoRecords<>(RawRecord.class, Boundedness.CONTINUOUS_UNBOUNDED), null,
                new PredictionPipeline.Outputs(new Collecting<>("unbounded/predictions"),
                        new Collecting<>("unbounded/dead-letters"), null, null, null),
                settings(model)).build(env);
        JobClient job = env.executeAsync("unbounded-topology");

        // a task that ends in an unbounded job makes a savepoint fail if it is triggered while that task finishes
        Await.until("three checkpoints", Duration.ofSeconds(60),
                () -> cluster.getArchivedExecutionGraph(job.getJobID()).get().getCheckpointStatsSnapshot()
                        .getCounts().getNumberOfCompletedCheckpoints() >= 3);
        assertThat(cluster.getArchivedExecutionGraph(job.getJobID()).get().getAllExecutionVertices())
                .extracting(vertex -> vertex.getTaskNameWithSubtaskIndex() + " " + vertex.getExecutionState())
                .allMatch(task -> task.endsWith(" " + ExecutionState.RUNNING));
        assertThat(job.stopWithSavepoint(false, dir.resolve("savepoints").toUri().toString(),
                SavepointFormatType.CANONICAL).get(60, TimeUnit.SECONDS)).isNotBlank();
    }

    private static PipelineSettings settings(ModelArchive model) {
        return new PipelineSettings(InputSchema.of(model.metadata()),
                new HashMap<>(RegistryState.withStable(model).toEntries()), TinyModels.LIMITS, null, "test",
                new ArrayList<>(), false, InputFormat.JSON,
                InputEcho.Mode.COPY, 64 * 1024, 0, Duration.ofHours(1), Duration.ofSeconds(2), 32, 64,
                Duration.ofMillis(2), null, Duration.ZERO, null);
    }

    /** The messages in their order, as one partition of a topic would hold them, offsets from 0. */
    private static Source<RawRecord, ?, ?> source(ArrayList<byte[]> messages) {
        long now = System.currentTimeMillis();
        return new OnePartition(offset -> new RawRecord(null, messages.get(offset.intValue()), "in", 0, offset, now),
                messages.size());
    }

    /**
     * Generated records in a single split: a key's inputs must arrive in their order, as from one Kafka partition,
     * while the generator's own splits would divide them among the source's subtasks.
     */
    private static final class OnePartition extends DataGeneratorSource<RawRecord> {

        private final long count;

        OnePartition(GeneratorFunction<Long, RawRecord> records, long count) {
            super(records, count, TypeInformation.of(RawRecord.class));
            this.count = count;
        }

        @Override
        public SplitEnumerator<NumberSequenceSplit, Collection<NumberSequenceSplit>> createEnumerator(
                SplitEnumeratorContext<NumberSequenceSplit> context) {
            return new IteratorSourceEnumerator<>(context, List.of(new NumberSequenceSplit("0", 0, count - 1)));
        }
    }

    /** Keeps what it is given, for the test to read after the job ends; named per run, as tests share the JVM. */
    private static final class Collecting<T> implements Sink<T> {

        private static final Map<String, Queue<Object>> RESULTS = new ConcurrentHashMap<>();
        private final String name;

        Collecting(String name) {
            this.name = name;
            RESULTS.put(name, new ConcurrentLinkedQueue<>());
        }

        @SuppressWarnings("unchecked")
        static <T> List<T> results(String name) {
            return new ArrayList<>((Queue<T>) RESULTS.get(name));
        }

        @Override
        public SinkWriter<T> createWriter(WriterInitContext context) {
            Queue<Object> results = RESULTS.get(name);
            return new SinkWriter<>() {
                @Override
                public void write(T element, Context context) {
                    results.add(element);
                }

                @Override
                public void flush(boolean endOfInput) {
                }

                @Override
                public void close() {
                }
            };
        }
    }
}
