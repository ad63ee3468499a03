package dev.streampredict.job;

import dev.streampredict.model.ModelArchive;
import dev.streampredict.model.ModelArtifactException;
import dev.streampredict.model.ModelLimits;
import dev.streampredict.registry.InputSchema;
import dev.streampredict.registry.ModelCheck;
import dev.streampredict.registry.ModelRegistry;
import dev.streampredict.registry.RecordSignature;
import dev.streampredict.registry.RegistryRecords;
import dev.streampredict.registry.RegistryState;
import dev.streampredict.registry.RegistryStatus;
import dev.streampredict.registry.Rejection;
import org.apache.kafka.common.TopicPartition;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;

/**
 * The models a job starts with, decided at submission so that a model that cannot serve fails the submission, not
 * the tasks: either {@code --model DIR} as the stable model, or the registry topic read to its end and replayed as
 * the job would replay it, skipping every record the job would refuse. Either way the job reads the registry on from
 * the offsets found here.
 *
 * @param schema          the inputs every model of this job must read, from the stable model
 * @param registry        the models and policy, as the scorer keeps them in state
 * @param registryOffsets where the job's registry source starts; empty without a registry
 * @param verifier        refuses registry records not signed for this registry, or {@code null}
 * @param signer          signs the job's own promotion decisions, or {@code null}
 * @param refused         the registry records the replay refused, as the job reports them
 */
record StartingModels(InputSchema schema, RegistryState registry, HashMap<TopicPartition, Long> registryOffsets,
                      RecordSignature.Verifier verifier, RecordSignature.Signer signer,
                      List<RegistryStatus> refused) {

    /**
     * @param modelDirectory a trained model's directory, or {@code null} to start from the registry's stable model
     * @param registry       the registry's client, or {@code null} without a registry
     */
    static StartingModels resolve(String modelDirectory, ModelRegistry registry, ModelLimits limits, String jobName)
            throws Exception {
        if (modelDirectory != null) {
            return fromDirectory(modelDirectory, registry, limits);
        }
        if (registry == null) {
            throw new IllegalArgumentException("give --model DIR (a trained model directory) or --model-registry "
                    + "TOPIC (a registry with a stable model), or both");
        }
        return fromRegistry(registry, limits, jobName);
    }

    private static StartingModels fromDirectory(String location, ModelRegistry registry, ModelLimits limits)
            throws Exception {
        ModelArchive archive = ModelArchive.of(location);
        InputSchema schema = InputSchema.of(archive.metadata());
        try (ModelCheck check = new ModelCheck(schema, limits)) {
            check.check(archive);
        } catch (Rejection e) {
            throw new ModelArtifactException(e.reason(), "model " + location + " cannot serve: " + e.getMessage(), e);
        }
        RegistryState state = RegistryState.withStable(archive);
        HashMap<TopicPartition, Long> offsets = new HashMap<>();
        if (registry == null) {
            return new StartingModels(schema, state, offsets, null, null, List.of());
        }
        registry.ensureTopic(); // later publications swap the model given here
        offsets.putAll(registry.endOffsets());
        return new StartingModels(schema, state, offsets, registry.verifier(), registry.signer(), List.of());
    }

    /**
     * Replays the registry as the job's tasks will, loading and probing every artifact: a record the job would
     * refuse is skipped with its offset, version and reason, and the last good state serves.
     */
    private static StartingModels fromRegistry(ModelRegistry registry, ModelLimits limits, String job)
            throws Exception {
        ModelRegistry.Snapshot snapshot = registry.read();
        List<RegistryStatus> refused = new ArrayList<>();
        ModelRegistry.Serving serving = snapshot.serving(limits, (record, rejection) -> refused.add(
                RegistryStatus.refused(job, record.offset(), RegistryRecords.parse(record, null), rejection)));
        if (serving.schema() == null || serving.state().policy().stable() == null) {
            throw new IllegalArgumentException("model registry '" + registry.topic() + "' has no valid stable model"
                    + (refused.isEmpty() ? "" : " (" + refused.size() + " records refused; the first: "
                    + refused.get(0) + ")") + ": publish one (scripts/model.sh publish DIR "
                    + "--as stable" + (snapshot.verifier() != null ? " --signing-key KEY" : "") + "), or start with "
                    + "--model DIR");
        }
        return new StartingModels(serving.schema(), serving.state(), new HashMap<>(snapshot.endOffsets()),
                snapshot.verifier(), registry.signer(), List.copyOf(refused));
    }

    HashMap<String, byte[]> registryEntries() {
        return new HashMap<>(registry.toEntries());
    }
}
