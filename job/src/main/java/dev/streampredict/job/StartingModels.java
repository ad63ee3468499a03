package dev.streampredict.job;

import dev.streampredict.job.inference.InputSchema;
import dev.streampredict.job.inference.ModelCheck;
import dev.streampredict.model.ModelArchive;
import dev.streampredict.model.ModelArtifactException;
import dev.streampredict.model.registry.ModelRegistry;
import dev.streampredict.model.registry.RegistryRecords;
import dev.streampredict.model.registry.RegistryState;
import dev.streampredict.model.registry.Rejection;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;

import java.util.HashMap;

/**
 * The models a job starts with, decided at submission so that a model that cannot serve fails the submission, not
 * the tasks: either {@code --model DIR} as the stable model, or the registry topic read to its end and replayed as
 * the job would replay it. Either way the job reads the registry on from the offsets found here.
 *
 * @param schema          the inputs every model of this job must read, from the stable model
 * @param registry        the models and policy, as the scorer keeps them in state
 * @param registryOffsets where the job's registry source starts; empty without a registry
 */
record StartingModels(InputSchema schema, RegistryState registry, HashMap<TopicPartition, Long> registryOffsets) {

    static StartingModels resolve(JobOptions options) throws Exception {
        String topic = options.kafka().registryTopic();
        ModelRegistry registry = topic == null ? null : new ModelRegistry(options.kafka().bootstrapServers(), topic,
                options.kafka().clientSettings());
        if (options.model() != null) {
            return fromDirectory(options.model(), registry);
        }
        if (registry == null) {
            throw new IllegalArgumentException("give --model DIR (a trained model directory) or --model-registry "
                    + "TOPIC (a registry with a stable model), or both");
        }
        return fromRegistry(registry);
    }

    private static StartingModels fromDirectory(String location, ModelRegistry registry) throws Exception {
        ModelArchive archive = ModelArchive.of(location);
        InputSchema schema = InputSchema.of(archive.metadata());
        try {
            new ModelCheck(schema).check(archive.version(), archive.bytes());
        } catch (Rejection e) {
            throw new ModelArtifactException("model " + location + " cannot serve: " + e.getMessage(), e);
        }
        RegistryState state = RegistryState.withStable(archive);
        HashMap<TopicPartition, Long> offsets = new HashMap<>();
        if (registry != null) { // later publications swap the model given here
            registry.ensureTopic();
            offsets.putAll(registry.endOffsets());
        }
        return new StartingModels(schema, state, offsets);
    }

    /**
     * Replays the registry twice: once reading only metadata, to learn the stable model and with it the inputs,
     * then checking every artifact against those inputs by loading it, exactly as the job's tasks will.
     */
    private static StartingModels fromRegistry(ModelRegistry registry) throws Exception {
        ModelRegistry.Snapshot snapshot = registry.read();
        RegistryState metadataOnly = snapshot.replay(RegistryState.METADATA_ONLY, StartingModels::report);
        String stable = metadataOnly.policy().stable();
        if (stable == null) {
            throw new IllegalArgumentException("model registry '" + registry.topic() + "' names no stable model "
                    + "yet: publish one (scripts/model.sh publish DIR --bootstrap-servers ...), or start with "
                    + "--model DIR");
        }
        InputSchema schema = InputSchema.of(ModelArchive.parse(metadataOnly.archive(stable)).metadata());
        RegistryState checked = snapshot.replay(new ModelCheck(schema), StartingModels::report);
        if (checked.policy().stable() == null) {
            throw new IllegalArgumentException("model registry '" + registry.topic() + "': the stable model "
                    + stable + " cannot serve (see the log above); publish a good model as stable");
        }
        return new StartingModels(schema, checked, new HashMap<>(snapshot.endOffsets()));
    }

    private static void report(ConsumerRecord<byte[], byte[]> record, Rejection refused) {
        System.err.printf("model registry: refused %s (%s): %s%n", RegistryRecords.where(record), refused.reason(),
                refused.getMessage());
    }

    HashMap<String, byte[]> registryEntries() {
        return new HashMap<>(registry.toEntries());
    }
}
