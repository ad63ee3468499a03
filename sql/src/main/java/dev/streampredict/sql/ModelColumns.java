package dev.streampredict.sql;

import dev.streampredict.model.ModelMetadata;
import dev.streampredict.model.Task;
import org.apache.flink.table.api.ValidationException;
import org.apache.flink.table.catalog.Column;
import org.apache.flink.table.catalog.ResolvedSchema;
import org.apache.flink.table.types.logical.ArrayType;
import org.apache.flink.table.types.logical.LogicalType;
import org.apache.flink.table.types.logical.LogicalTypeFamily;
import org.apache.flink.table.types.logical.LogicalTypeRoot;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;

/**
 * How a model's declared INPUT and OUTPUT columns meet its metadata, checked when the statement is planned.
 * A classifier's INPUT names the model's features, in its order, each of a numeric type; its OUTPUT holds, by name
 * and type, a STRING column for the predicted class (any name but {@code model_version}), and optionally
 * {@code probability DOUBLE} (the class's probability). A forecaster's INPUT is an array of numbers per series it
 * reads, in its features' order, each that series' window oldest first (SQL builds it with {@code ARRAY_AGG} over
 * the key's last rows), and its OUTPUT one DOUBLE column
 * for the forecast (any name), and with prediction intervals {@code lower_bound DOUBLE} and
 * {@code upper_bound DOUBLE}, its interval's bounds. Either may add {@code model_version STRING}.
 *
 * @param inputTypes the type of each input column, to read it as a double; a forecaster's arrays
 * @param outputs    what each output column holds, in order
 */
record ModelColumns(List<LogicalType> inputTypes, List<Output> outputs) implements Serializable {

    static final String PROBABILITY = "probability";
    static final String MODEL_VERSION = "model_version";
    static final String LOWER = "lower_bound";
    static final String UPPER = "upper_bound";

    /** What an output column holds. */
    enum Output { PREDICTED_CLASS, PROBABILITY, FORECAST, LOWER, UPPER, MODEL_VERSION }

    static ModelColumns of(ModelMetadata metadata, ResolvedSchema input, ResolvedSchema output, String model) {
        return metadata.task() == Task.CLASSIFICATION
                ? new ModelColumns(featureTypes(metadata, input, model), outputs(output, model, Output.PREDICTED_CLASS))
                : new ModelColumns(windowType(metadata, input, model), forecastOutputs(metadata, output, model));
    }

    private static List<Output> forecastOutputs(ModelMetadata metadata, ResolvedSchema output, String model) {
        if (!metadata.calendar().isEmpty()) {
            throw new ValidationException("model " + model + ": version " + metadata.modelVersion() + " reads the "
                    + "calendar " + metadata.calendar() + " of each value's event time beside its window; ML_PREDICT "
                    + "here takes the windows alone (train one without --calendar), and the DataStream job serves it");
        }
        if (metadata.horizon() > 1) {
            throw new ValidationException("model " + model + ": version " + metadata.modelVersion() + " forecasts "
                    + metadata.horizon() + " steps at once; ML_PREDICT serves forecasters of the next value (train "
                    + "one without --horizon), and the DataStream job serves every step");
        }
        List<Output> outputs = outputs(output, model, Output.FORECAST);
        if (metadata.intervals() == null && (outputs.contains(Output.LOWER) || outputs.contains(Output.UPPER))) {
            throw new ValidationException("model " + model + ": version " + metadata.modelVersion() + " has no "
                    + "prediction intervals for OUTPUT lower_bound and upper_bound: train it with --interval-level, or "
                    + "leave them out");
        }
        return outputs;
    }

    /** True for a forecaster, whose input columns are its series' windows. */
    boolean readsWindow() {
        return inputTypes.get(0).is(LogicalTypeRoot.ARRAY);
    }

    private static List<LogicalType> featureTypes(ModelMetadata metadata, ResolvedSchema input, String model) {
        List<String> names = input.getColumnNames();
        if (!names.equals(metadata.features())) {
            throw new ValidationException("model " + model + ": its INPUT " + names + " does not match the features "
                    + "of version " + metadata.modelVersion() + ", " + metadata.features() + ", in that order");
        }
        List<LogicalType> types = new ArrayList<>();
        for (Column column : input.getColumns()) {
            LogicalType type = column.getDataType().getLogicalType();
            if (!type.is(LogicalTypeFamily.NUMERIC)) {
                throw new ValidationException("model " + model + ": INPUT column " + column.getName() + " is "
                        + type + "; the model reads numbers (DOUBLE, FLOAT, INT, BIGINT, DECIMAL)");
            }
            types.add(type);
        }
        return types;
    }

    private static List<LogicalType> windowType(ModelMetadata metadata, ResolvedSchema input, String model) {
        List<Column> columns = input.getColumns();
        List<String> series = metadata.features();
        boolean arrays = columns.size() == series.size() && columns.stream().map(c -> c.getDataType()
                .getLogicalType()).allMatch(t -> t.is(LogicalTypeRoot.ARRAY)
                && ((ArrayType) t).getElementType().is(LogicalTypeRoot.DOUBLE));
        if (!arrays) {
            String frame = "OVER (PARTITION BY ... ORDER BY ... ROWS BETWEEN " + (metadata.windowSize() - 1)
                    + " PRECEDING AND CURRENT ROW)";
            throw new ValidationException("model " + model + ": version " + metadata.modelVersion() + " forecasts "
                    + metadata.target() + " from the last " + metadata.windowSize() + " values of " + series
                    + ": its INPUT must be " + (series.size() == 1 ? "one ARRAY<DOUBLE> column, the window"
                    : series.size() + " ARRAY<DOUBLE> columns, one window per series in that order, each")
                    + " oldest first (ARRAY_AGG(" + series.get(0) + ") " + frame + (series.size() > 1 ? ", ..." : "")
                    + "), got " + input.getColumns());
        }
        return columns.stream().map(c -> c.getDataType().getLogicalType()).toList();
    }

    private static List<Output> outputs(ResolvedSchema output, String model, Output prediction) {
        List<Output> outputs = new ArrayList<>();
        for (Column column : output.getColumns()) {
            outputs.add(outputOf(column, model, prediction));
        }
        if (outputs.stream().filter(o -> o == prediction).count() != 1) {
            throw new ValidationException("model " + model + ": its OUTPUT " + output.getColumnNames() + " needs "
                    + describe(prediction));
        }
        return outputs;
    }

    private static Output outputOf(Column column, String model, Output prediction) {
        LogicalTypeRoot type = column.getDataType().getLogicalType().getTypeRoot();
        boolean string = type == LogicalTypeRoot.VARCHAR || type == LogicalTypeRoot.CHAR;
        String name = column.getName();
        if (name.equals(MODEL_VERSION) && string) {
            return Output.MODEL_VERSION;
        }
        if (prediction == Output.PREDICTED_CLASS && name.equals(PROBABILITY) && type == LogicalTypeRoot.DOUBLE) {
            return Output.PROBABILITY;
        }
        if (prediction == Output.FORECAST && type == LogicalTypeRoot.DOUBLE && (name.equals(LOWER)
                || name.equals(UPPER))) {
            return name.equals(LOWER) ? Output.LOWER : Output.UPPER;
        }
        if (prediction == Output.PREDICTED_CLASS && string && !name.equals(PROBABILITY)
                || prediction == Output.FORECAST && type == LogicalTypeRoot.DOUBLE) {
            return prediction;
        }
        throw new ValidationException("model " + model + ": OUTPUT column " + name + " " + column.getDataType()
                + " is none of what the model gives; its OUTPUT needs " + describe(prediction));
    }

    private static String describe(Output prediction) {
        return prediction == Output.FORECAST
                ? "one DOUBLE column for the forecast (and may have lower_bound DOUBLE and upper_bound DOUBLE, its "
                        + "interval, and model_version STRING)"
                : "one STRING column for the predicted class (and may have probability DOUBLE and model_version "
                        + "STRING)";
    }
}
