package dev.streampredict.sql;

import dev.streampredict.model.ModelArchive;
import dev.streampredict.model.ModelLimits;
import dev.streampredict.model.ModelMetadata;
import dev.streampredict.model.Predictor;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.table.data.DecimalData;
import org.apache.flink.table.data.GenericRowData;
import org.apache.flink.table.data.RowData;
import org.apache.flink.table.data.StringData;
import org.apache.flink.table.types.logical.DecimalType;
import org.apache.flink.table.types.logical.LogicalType;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A model loaded in a task, and the rows it reads and writes for ML_PREDICT: input rows become feature vectors,
 * and a batch of them becomes output rows, in one model call. A row with a NULL or non-finite feature gets NULL
 * predictions (its model version still set): SQL keeps the row, and {@code WHERE species IS NOT NULL} drops it.
 * Not thread-safe, like the model.
 */
final class RowScorer implements AutoCloseable {

    /** Model calls, and the rows they scored: their ratio is the micro-batches' size. */
    static final String MODEL_CALLS = "ml_predict_model_calls";
    static final String ROWS_SCORED = "ml_predict_rows_scored";

    private final ModelColumns columns;
    /** Only the scoring thread uses it; a newer stable version waits in {@link #next} until the next call. */
    private Predictor predictor;
    private final AtomicReference<Predictor> next = new AtomicReference<>();
    private final Counter calls;
    private final Counter rows;

    RowScorer(byte[] archive, ModelColumns columns, MetricGroup metrics) {
        this.predictor = ModelArchive.parse(archive).load(ModelLimits.ofThisProcess());
        this.columns = columns;
        this.calls = metrics.counter(MODEL_CALLS);
        this.rows = metrics.counter(ROWS_SCORED);
    }

    /** The model serving at start. */
    ModelMetadata metadata() {
        return predictor.metadata();
    }

    /** Serves {@code newer} from the next call on; any thread may call it. */
    void offer(Predictor newer) {
        Predictor unused = next.getAndSet(newer);
        if (unused != null) {
            unused.close();
        }
    }

    /** The row's features, read at once: Flink may reuse the row object after the call. Any thread may call it. */
    static double[] features(RowData input, ModelColumns columns) {
        double[] features = new double[columns.inputTypes().size()];
        for (int i = 0; i < features.length; i++) {
            features[i] = input.isNullAt(i) ? Double.NaN : number(input, i, columns.inputTypes().get(i));
        }
        return features;
    }

    /** The output row of each of the first {@code count} feature vectors, scored in one model call. */
    List<RowData> score(double[][] features, int count) {
        Predictor newer = next.getAndSet(null);
        if (newer != null) {
            predictor.close();
            predictor = newer;
        }
        double[][] complete = new double[count][];
        int scored = 0;
        for (int i = 0; i < count; i++) {
            if (isComplete(features[i])) {
                complete[scored++] = features[i];
            }
        }
        double[][] probabilities = new double[0][];
        if (scored > 0) {
            probabilities = predictor.classify(complete, scored);
            calls.inc();
            rows.inc(scored);
        }
        List<RowData> outputs = new ArrayList<>(count);
        int next = 0;
        for (int i = 0; i < count; i++) {
            outputs.add(output(isComplete(features[i]) ? probabilities[next++] : null));
        }
        return outputs;
    }

    private RowData output(double[] probabilities) {
        int best = probabilities == null ? -1 : Predictor.mostLikely(probabilities);
        GenericRowData output = new GenericRowData(columns.outputs().size());
        for (int i = 0; i < columns.outputs().size(); i++) {
            output.setField(i, switch (columns.outputs().get(i)) {
                case PREDICTED_CLASS -> best < 0 ? null
                        : StringData.fromString(predictor.metadata().classes().get(best));
                case PROBABILITY -> best < 0 ? null : probabilities[best];
                case MODEL_VERSION -> StringData.fromString(predictor.metadata().modelVersion());
            });
        }
        return output;
    }

    private static boolean isComplete(double[] features) {
        for (double feature : features) {
            if (!Double.isFinite(feature)) {
                return false;
            }
        }
        return true;
    }

    private static double number(RowData input, int i, LogicalType type) {
        return switch (type.getTypeRoot()) {
            case DOUBLE -> input.getDouble(i);
            case FLOAT -> input.getFloat(i);
            case TINYINT -> input.getByte(i);
            case SMALLINT -> input.getShort(i);
            case INTEGER -> input.getInt(i);
            case BIGINT -> input.getLong(i);
            case DECIMAL -> {
                DecimalType decimal = (DecimalType) type;
                DecimalData value = input.getDecimal(i, decimal.getPrecision(), decimal.getScale());
                yield value.toBigDecimal().doubleValue();
            }
            default -> throw new IllegalStateException("planning allows only numeric inputs, got " + type);
        };
    }

    @Override
    public void close() {
        predictor.close();
        offer(null);
    }
}
