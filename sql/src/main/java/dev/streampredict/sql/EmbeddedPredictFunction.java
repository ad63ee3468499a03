package dev.streampredict.sql;

import dev.streampredict.model.ModelArchive;
import dev.streampredict.model.ModelLimits;
import dev.streampredict.model.Predictor;
import org.apache.flink.table.data.DecimalData;
import org.apache.flink.table.data.GenericRowData;
import org.apache.flink.table.data.RowData;
import org.apache.flink.table.data.StringData;
import org.apache.flink.table.functions.FunctionContext;
import org.apache.flink.table.functions.PredictFunction;
import org.apache.flink.table.types.logical.DecimalType;
import org.apache.flink.table.types.logical.LogicalType;

import java.util.Collection;
import java.util.List;

/**
 * Scores one row with the model, loaded once per task from the archive the statement was planned with. A row with
 * a NULL or non-finite feature gets NULL predictions (its model version still set): SQL keeps the row, and
 * {@code WHERE species IS NOT NULL} drops it. Public: the planner's generated code refers to it.
 */
public final class EmbeddedPredictFunction extends PredictFunction {

    private final byte[] archive;
    private final ModelColumns columns;
    private transient Predictor predictor;
    private transient double[][] row;

    EmbeddedPredictFunction(byte[] archive, ModelColumns columns) {
        this.archive = archive;
        this.columns = columns;
    }

    @Override
    public void open(FunctionContext context) throws Exception {
        super.open(context);
        predictor = ModelArchive.parse(archive).load(ModelLimits.ofThisProcess());
        row = new double[1][columns.inputTypes().size()];
    }

    @Override
    public Collection<RowData> predict(RowData input) {
        boolean complete = true;
        for (int i = 0; i < row[0].length; i++) {
            row[0][i] = input.isNullAt(i) ? Double.NaN : number(input, i, columns.inputTypes().get(i));
            complete &= Double.isFinite(row[0][i]);
        }
        double[] probabilities = complete ? predictor.classify(row, 1)[0] : null;
        int best = complete ? Predictor.mostLikely(probabilities) : -1;
        GenericRowData output = new GenericRowData(columns.outputs().size());
        for (int i = 0; i < columns.outputs().size(); i++) {
            output.setField(i, switch (columns.outputs().get(i)) {
                case PREDICTED_CLASS -> complete
                        ? StringData.fromString(predictor.metadata().classes().get(best)) : null;
                case PROBABILITY -> complete ? probabilities[best] : null;
                case MODEL_VERSION -> StringData.fromString(predictor.metadata().modelVersion());
            });
        }
        return List.of(output);
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
    public void close() throws Exception {
        if (predictor != null) {
            predictor.close();
        }
        super.close();
    }
}
