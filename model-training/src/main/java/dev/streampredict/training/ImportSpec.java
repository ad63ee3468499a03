package dev.streampredict.training;

import dev.streampredict.common.csv.CsvTable;
import dev.streampredict.model.OutputKind;
import dev.streampredict.model.Standardizer;
import dev.streampredict.model.Task;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.IntStream;

/**
 * What a person says about a model file that the file cannot say: what the model does, which inputs it reads in
 * which order, what its outputs are, and how its inputs were scaled when it was trained.
 *
 * @param name            start of the version name
 * @param task            regression (a window of one series) or classification (one row of features)
 * @param features        classification: the input names in the model's input order, or empty for {@code f0 ...};
 *                        regression: the one series the window is read from
 * @param window          regression: values in the window, oldest first; classification: ignored
 * @param classes         classification: class names in output order, or empty for {@code 0 ...}
 * @param outputs         what the outputs are; {@code null}: values for regression, and for a classifier an error
 * @param standardizeFrom a CSV with a column per feature, the data the model was trained on, whose mean and
 *                        standard deviation the job applies to inputs (and, for a forecast, undoes on the output);
 *                        {@code null} feeds values as they come
 * @param onnxOutput      the ONNX output to read, where a model has several
 */
public record ImportSpec(String name, Task task, List<String> features, int window, List<String> classes,
                         OutputKind outputs, Path standardizeFrom, String onnxOutput) {

    public ImportSpec {
        if (task == null) {
            throw new IllegalArgumentException("give --task regression or --task classification: the file does not "
                    + "say what the model does");
        }
        features = features == null ? List.of() : List.copyOf(features);
        classes = classes == null ? List.of() : List.copyOf(classes);
        if (task == Task.REGRESSION) {
            if (features.size() != 1 || window < 1) {
                throw new IllegalArgumentException("a forecaster reads a window of one series: give --feature NAME "
                        + "and --window W (got " + features.size() + " features and window " + window + ")");
            }
            outputs = outputs == null ? OutputKind.VALUES : outputs;
        } else if (outputs == null) {
            throw new IllegalArgumentException("give --outputs probabilities or --outputs logits: the file does not "
                    + "say whether the classifier's outputs already sum to 1");
        }
        if (!outputs.fits(task)) {
            throw new IllegalArgumentException("a " + task.name().toLowerCase() + " model's outputs cannot be "
                    + outputs.name().toLowerCase() + (task == Task.REGRESSION ? ": a forecaster gives values"
                    : ": a classifier gives probabilities or logits"));
        }
    }

    /** The feature names of a model whose input rows hold {@code width} values. */
    List<String> featuresFor(int width) {
        if (task == Task.REGRESSION) {
            if (width != window) {
                throw new IllegalArgumentException("the model takes rows of " + width + " values, but --window is "
                        + window + ": give --window " + width);
            }
            return features;
        }
        if (features.isEmpty()) {
            return IntStream.range(0, width).mapToObj(i -> "f" + i).toList();
        }
        if (features.size() != width) {
            throw new IllegalArgumentException("the model takes rows of " + width + " values, but " + features.size()
                    + " feature names were given: give one name per input, in the model's input order");
        }
        return features;
    }

    /** The class names of a classifier with {@code width} outputs. */
    List<String> classesFor(int width) {
        if (task == Task.REGRESSION) {
            if (width != 1) {
                throw new IllegalArgumentException("a forecaster gives one value, but the model gives " + width
                        + " outputs per row");
            }
            return List.of();
        }
        if (classes.isEmpty()) {
            return IntStream.range(0, width).mapToObj(Integer::toString).toList();
        }
        if (classes.size() != width) {
            throw new IllegalArgumentException("the model has " + width + " outputs but " + classes.size()
                    + " class names were given: give one per output, in output order");
        }
        return classes;
    }

    /** The standardisation the job applies: none, or the statistics of {@code columns} in the CSV. */
    Standardizer standardizer(List<String> columns) throws IOException {
        if (standardizeFrom == null) {
            double[] ones = new double[columns.size()];
            Arrays.fill(ones, 1);
            return new Standardizer(new double[columns.size()], ones);
        }
        List<double[]> rows = new ArrayList<>();
        try (CsvTable csv = CsvTable.open(standardizeFrom)) {
            int[] at = columns.stream().mapToInt(csv::column).toArray();
            for (List<String> row = csv.next(); row != null; row = csv.next()) {
                double[] values = new double[at.length];
                for (int i = 0; i < at.length; i++) {
                    try {
                        values[i] = Double.parseDouble(row.get(at[i]).trim());
                    } catch (NumberFormatException | IndexOutOfBoundsException e) {
                        throw new IllegalArgumentException(standardizeFrom + " line " + csv.lineNumber() + ": column '"
                                + columns.get(i) + "' holds no number; --standardize-from needs numbers in every "
                                + "feature column", e);
                    }
                }
                rows.add(values);
            }
        }
        if (rows.size() < 2) {
            throw new IllegalArgumentException(standardizeFrom + " has " + rows.size() + " rows: a mean and a "
                    + "standard deviation need at least 2");
        }
        return Standardizer.fit(rows.toArray(double[][]::new));
    }
}
