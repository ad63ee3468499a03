package dev.streampredict.registry;

import dev.streampredict.model.ModelArchive;
import dev.streampredict.model.ModelArtifactException;
import dev.streampredict.model.ModelLimits;
import dev.streampredict.model.ModelMetadata;
import dev.streampredict.model.Predictor;
import dev.streampredict.model.RefusalReason;

import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/**
 * Decides whether a published archive may serve a job, by using it: it must open, fit the job's inputs, load within
 * the memory budget, and give finite outputs on probe rows around its training data. The job checks every artifact
 * so, and so do the tools that must agree with it ({@code model.sh publish}, {@code list}). Keeps what it loaded, so
 * that a version is loaded once per subtask however often it is checked and activated. Not thread-safe, like the
 * networks it holds.
 */
public final class ModelCheck implements RegistryState.ArtifactCheck, AutoCloseable {

    private static final double[] PROBE_SPREADS = {0, -3, 3, -10, 10};

    /** The inputs every model must read, or {@code null} for a model of any inputs. */
    private final InputSchema schema;
    private final ModelLimits limits;
    private final Map<String, Predictor> loaded = new HashMap<>();

    public ModelCheck(InputSchema schema, ModelLimits limits) {
        this.schema = schema;
        this.limits = limits;
    }

    /** A check of everything but the inputs: to find a registry's stable model before its inputs are known. */
    public static ModelCheck ofAnyInputs(ModelLimits limits) {
        return new ModelCheck(null, limits);
    }

    @Override
    public void check(String version, byte[] bytes) throws Rejection {
        check(open(version, bytes));
    }

    /** As {@link #check(String, byte[])}, for an archive already parsed: its bytes are not parsed again. */
    public void check(ModelArchive archive) throws Rejection {
        if (schema != null) {
            schema.check(archive.metadata());
        }
        Predictor predictor;
        try {
            predictor = archive.load(limits);
        } catch (ModelArtifactException e) {
            throw new Rejection(e.reason(), e.getMessage(), e);
        }
        try {
            probe(predictor);
        } catch (Rejection e) {
            predictor.close();
            throw e;
        }
        Predictor before = loaded.put(archive.version(), predictor);
        if (before != null && before != predictor) {
            before.close();
        }
    }

    /** The archive of a record, whose version must be the one its metadata names. */
    private static ModelArchive open(String version, byte[] bytes) throws Rejection {
        ModelArchive archive;
        try {
            archive = ModelArchive.parse(bytes);
        } catch (ModelArtifactException e) {
            throw new Rejection(e.reason(), "archive of " + version + ": " + e.getMessage(), e);
        }
        if (!archive.version().equals(version)) {
            throw new Rejection(RefusalReason.UNREADABLE, "record says version " + version + " but its archive holds "
                    + archive.version());
        }
        return archive;
    }

    /**
     * The loaded model of a version that passed {@link #check}, loading it again after a restore. Not against the
     * budget: a job restored with a smaller {@code --model-memory-budget} holds it to what arrives from now on, and
     * must not refuse to serve what it accepted before.
     */
    public Predictor predictor(String version, RegistryState registry) {
        Predictor predictor = loaded.get(version);
        if (predictor == null) {
            // it passed this check when it arrived: only a changed build could make it fail now
            predictor = ModelArchive.parse(registry.archive(version))
                    .load(ModelLimits.accepted(limits.batchRows(), limits.threads()));
            loaded.put(version, predictor);
        }
        return predictor;
    }

    /** Forgets, and closes, loaded models of versions the registry no longer holds. */
    @Override
    public void retainOnly(Set<String> versions) {
        loaded.entrySet().removeIf(entry -> {
            if (versions.contains(entry.getKey())) {
                return false;
            }
            entry.getValue().close();
            return true;
        });
    }

    /** Closes every loaded model: a runtime's native memory is not the garbage collector's to free. */
    @Override
    public void close() {
        loaded.values().forEach(Predictor::close);
        loaded.clear();
    }

    /**
     * Inputs at the training mean and at several spreads from it: a network whose weights hold NaN, or which
     * overflows just outside its training range, fails here rather than on live data.
     */
    private static void probe(Predictor predictor) throws Rejection {
        ModelMetadata metadata = predictor.metadata();
        double[][] rows = metadata.probeRows(PROBE_SPREADS);
        double[][] outputs;
        try {
            outputs = predictor.outputs(rows, rows.length);
        } catch (RuntimeException e) {
            throw new Rejection(RefusalReason.CORRUPT, "model " + metadata.modelVersion() + " fails on probe inputs ("
                    + e.getClass().getSimpleName() + ": " + e.getMessage() + "); retrain it", e);
        }
        for (double[] output : outputs) {
            for (double value : output) {
                if (!Double.isFinite(value)) {
                    throw new Rejection(RefusalReason.NON_FINITE_OUTPUT, "model " + metadata.modelVersion()
                            + " gives " + value + " on probe inputs around its training data; retrain it");
                }
            }
        }
    }
}
