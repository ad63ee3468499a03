package dev.streampredict.sql;

import dev.streampredict.model.ModelArchive;
import dev.streampredict.model.ModelLimits;
import dev.streampredict.model.ModelMetadata;
import dev.streampredict.model.PredictionIntervals;
import dev.streampredict.model.Predictor;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.table.data.ArrayData;
import org.apache.flink.table.data.DecimalData;
import org.apache.flink.table.data.GenericRowData;
import org.apache.flink.table.data.RowData;
import org.apache.flink.table.data.StringData;
import org.apache.flink.table.types.logical.DecimalType;
import org.apache.flink.table.types.logical.LogicalType;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A model loaded in a task, and the rows it reads and writes for ML_PREDICT: input rows become feature vectors (or a
 * forecaster's windows), and a batch of them becomes output rows, in one model call. A row with a NULL or
 * non-finite feature, or an empty window, gets NULL predictions (its model version still set): SQL keeps the row,
 * and {@code WHERE species IS NOT NULL} drops it. A window shorter than the model's (a key's first rows) is padded
 * with its oldest value, as the DataStream job pads a new key's, so both forecast alike. Not thread-safe, like the
 * model.
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

    /**
     * The row's features, or a forecaster's window, read at once: Flink may reuse the row object after the call.
     * Any thread may call it.
     */
    static double[] features(RowData input, ModelColumns columns) {
        if (columns.readsWindow()) {
            return windows(input, columns.inputTypes().size());
        }
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
            if (columns.readsWindow()) {
                features[i] = padded(features[i], columns.inputTypes().size(), predictor.metadata().windowSize());
            }
            if (isComplete(features[i])) {
                complete[scored++] = features[i];
            }
        }
        double[][] answers = new double[0][];
        if (scored > 0) {
            answers = predictor.outputs(complete, scored);
            calls.inc();
            rows.inc(scored);
        }
        List<RowData> outputs = new ArrayList<>(count);
        int next = 0;
        for (int i = 0; i < count; i++) {
            outputs.add(output(isComplete(features[i]) ? answers[next++] : null));
        }
        return outputs;
    }

    /** @param answer a forecast, or each class's probability; {@code null} for a row the model could not read */
    private RowData output(double[] answer) {
        int best = answer == null || columns.readsWindow() ? -1 : Predictor.mostLikely(answer);
        GenericRowData output = new GenericRowData(columns.outputs().size());
        for (int i = 0; i < columns.outputs().size(); i++) {
            output.setField(i, switch (columns.outputs().get(i)) {
                case PREDICTED_CLASS -> best < 0 ? null
                        : StringData.fromString(predictor.metadata().classes().get(best));
                case PROBABILITY -> best < 0 ? null : answer[best];
                case FORECAST -> answer == null ? null : answer[0];
                case LOWER -> bound(answer, -1);
                case UPPER -> bound(answer, 1);
                case MODEL_VERSION -> StringData.fromString(predictor.metadata().modelVersion());
            });
        }
        return output;
    }

    /** A bound of the forecast's interval; NULL when there is no forecast, or a newly stable version has none. */
    private Double bound(double[] answer, int side) {
        PredictionIntervals intervals = predictor.metadata().intervals();
        return answer == null || intervals == null ? null : answer[0] + side * intervals.nextHalfWidth();
    }

    private static boolean isComplete(double[] features) {
        if (features.length == 0) {
            return false;
        }
        for (double feature : features) {
            if (!Double.isFinite(feature)) {
                return false;
            }
        }
        return true;
    }

    /**
     * Windows of {@code series} series, series after series, each of at least {@code size} values, the missing older
     * ones its oldest; an empty one stays empty.
     */
    private static double[] padded(double[] windows, int series, int size) {
        int length = windows.length / series;
        if (length == 0 || length >= size) {
            return windows;
        }
        double[] padded = new double[series * size];
        for (int s = 0; s < series; s++) {
            Arrays.fill(padded, s * size, s * size + size - length, windows[s * length]);
            System.arraycopy(windows, s * length, padded, s * size + size - length, length);
        }
        return padded;
    }

    /**
     * The windows of the row's {@code series} arrays, series after series; empty when one is NULL or they differ in
     * length (one frame builds them all: a row whose arrays differ was not built so, and gets NULL predictions).
     */
    private static double[] windows(RowData input, int series) {
        for (int s = 0; s < series; s++) {
            if (input.isNullAt(s) || input.getArray(s).size() != input.getArray(0).size()) {
                return new double[0];
            }
        }
        int length = input.getArray(0).size();
        double[] windows = new double[series * length];
        for (int s = 0; s < series; s++) {
            ArrayData array = input.getArray(s);
            for (int i = 0; i < length; i++) {
                windows[s * length + i] = array.isNullAt(i) ? Double.NaN : array.getDouble(i);
            }
        }
        return windows;
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
