package dev.streampredict.sql;

import dev.streampredict.model.ModelMetadata;
import dev.streampredict.model.Task;
import org.apache.flink.table.api.ValidationException;
import org.apache.flink.table.catalog.Column;
import org.apache.flink.table.catalog.ResolvedSchema;
import org.apache.flink.table.types.logical.LogicalType;
import org.apache.flink.table.types.logical.LogicalTypeFamily;
import org.apache.flink.table.types.logical.LogicalTypeRoot;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;

/**
 * How a model's declared INPUT and OUTPUT columns meet its metadata, checked when the statement is planned. INPUT
 * names the model's features, in its order, each of a numeric type. OUTPUT holds, by name and type: a STRING column
 * for the predicted class (any name but {@code model_version}), and optionally {@code probability DOUBLE} (the
 * class's probability) and {@code model_version STRING}.
 *
 * @param inputTypes the type of each input column, to read it as a double
 * @param outputs    what each output column holds, in order
 */
record ModelColumns(List<LogicalType> inputTypes, List<Output> outputs) implements Serializable {

    static final String PROBABILITY = "probability";
    static final String MODEL_VERSION = "model_version";

    /** What an output column holds. */
    enum Output { PREDICTED_CLASS, PROBABILITY, MODEL_VERSION }

    static ModelColumns of(ModelMetadata metadata, ResolvedSchema input, ResolvedSchema output, String model) {
        if (metadata.task() != Task.CLASSIFICATION) {
            throw new ValidationException("model " + model + ": version " + metadata.modelVersion() + " is a "
                    + metadata.task() + " model; ML_PREDICT serves classifiers from the registry so far (a forecaster "
                    + "needs its window as an array)");
        }
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
        List<Output> outputs = new ArrayList<>();
        for (Column column : output.getColumns()) {
            outputs.add(outputOf(column, model));
        }
        if (outputs.stream().filter(o -> o == Output.PREDICTED_CLASS).count() != 1) {
            throw new ValidationException("model " + model + ": its OUTPUT " + output.getColumnNames() + " needs one "
                    + "STRING column for the predicted class (and may have probability DOUBLE and model_version "
                    + "STRING)");
        }
        return new ModelColumns(types, outputs);
    }

    private static Output outputOf(Column column, String model) {
        LogicalTypeRoot type = column.getDataType().getLogicalType().getTypeRoot();
        boolean string = type == LogicalTypeRoot.VARCHAR || type == LogicalTypeRoot.CHAR;
        if (column.getName().equals(MODEL_VERSION) && string) {
            return Output.MODEL_VERSION;
        }
        if (column.getName().equals(PROBABILITY) && type == LogicalTypeRoot.DOUBLE) {
            return Output.PROBABILITY;
        }
        if (string && !column.getName().equals(PROBABILITY)) {
            return Output.PREDICTED_CLASS;
        }
        throw new ValidationException("model " + model + ": OUTPUT column " + column.getName() + " "
                + column.getDataType() + " is none of what the model gives: the class (STRING), probability DOUBLE, "
                + "model_version STRING");
    }
}
