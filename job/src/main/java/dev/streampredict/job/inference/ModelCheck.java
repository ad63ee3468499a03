package dev.streampredict.job.inference;

import dev.streampredict.model.ModelArchive;
import dev.streampredict.model.ModelArtifactException;
import dev.streampredict.model.ModelMetadata;
import dev.streampredict.model.Predictor;
import dev.streampredict.model.Task;
import dev.streampredict.model.registry.RegistryState;
import dev.streampredict.model.registry.Rejection;

import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/**
 * Decides whether a published archive may serve this job, by using it: it must open, fit the job's inputs, load, and
 * give finite outputs on probe rows around its training data. Keeps what it loaded, so that a version is loaded once
 * per subtask however often it is checked and activated. Not thread-safe, like the networks it holds.
 */
public final class ModelCheck implements RegistryState.ArtifactCheck {

    private static final double[] PROBE_SPREADS = {0, -3, 3, -10, 10};

    private final InputSchema schema;
    private final Map<String, Predictor> loaded = new HashMap<>();

    public ModelCheck(InputSchema schema) {
        this.schema = schema;
    }

    @Override
    public void check(String version, byte[] bytes) throws Rejection {
        ModelArchive archive;
        try {
            archive = ModelArchive.parse(bytes);
        } catch (ModelArtifactException e) {
            throw new Rejection("unreadable", "archive of " + version + ": " + e.getMessage(), e);
        }
        if (!archive.version().equals(version)) {
            throw new Rejection("unreadable", "record says version " + version + " but its archive holds "
                    + archive.version());
        }
        schema.check(archive.metadata());
        Predictor predictor;
        try {
            predictor = archive.load();
        } catch (ModelArtifactException e) {
            throw new Rejection("corrupt", e.getMessage(), e);
        }
        probe(predictor);
        loaded.put(version, predictor);
    }

    /** The loaded model of a version that passed {@link #check}, loading it again after a restore. */
    public Predictor predictor(String version, RegistryState registry) {
        Predictor predictor = loaded.get(version);
        if (predictor == null) {
            // it passed this check when it arrived: only a changed build could make it fail now
            predictor = ModelArchive.parse(registry.archive(version)).load();
            loaded.put(version, predictor);
        }
        return predictor;
    }

    /** Forgets loaded models of versions the registry no longer holds. */
    public void retainOnly(Set<String> versions) {
        loaded.keySet().retainAll(versions);
    }

    /**
     * Inputs at the training mean and at several spreads from it: a network whose weights hold NaN, or which
     * overflows just outside its training range, fails here rather than on live data.
     */
    private static void probe(Predictor predictor) throws Rejection {
        ModelMetadata metadata = predictor.metadata();
        boolean regression = metadata.task() == Task.REGRESSION;
        int width = regression ? metadata.windowSize() : metadata.features().size();
        double[][] rows = new double[PROBE_SPREADS.length][width];
        for (int r = 0; r < rows.length; r++) {
            for (int c = 0; c < width; c++) {
                int column = regression ? 0 : c;
                double step = regression ? (c % 2 == 0 ? 1 : -1) : 1; // a zig-zag series has non-zero differences
                rows[r][c] = metadata.standardizer().restore(column, PROBE_SPREADS[r] * step);
            }
        }
        double[][] outputs = regression ? new double[][]{predictor.forecast(rows, rows.length)}
                : predictor.classify(rows, rows.length);
        for (double[] output : outputs) {
            for (double value : output) {
                if (!Double.isFinite(value)) {
                    throw new Rejection("non_finite_output", "model " + metadata.modelVersion()
                            + " gives " + value + " on probe inputs around its training data; retrain it");
                }
            }
        }
    }
}
