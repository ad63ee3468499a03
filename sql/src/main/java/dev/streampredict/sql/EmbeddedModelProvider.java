package dev.streampredict.sql;

import org.apache.flink.table.functions.PredictFunction;
import org.apache.flink.table.ml.ModelProvider;
import org.apache.flink.table.ml.PredictRuntimeProvider;

/** The model's archive, resolved at planning, and how its columns map: each task loads its own copy. */
final class EmbeddedModelProvider implements PredictRuntimeProvider {

    private final byte[] archive;
    private final ModelColumns columns;

    EmbeddedModelProvider(byte[] archive, ModelColumns columns) {
        this.archive = archive;
        this.columns = columns;
    }

    @Override
    public PredictFunction createPredictFunction(Context context) {
        return new EmbeddedPredictFunction(archive, columns);
    }

    @Override
    public ModelProvider copy() {
        return new EmbeddedModelProvider(archive, columns);
    }
}
