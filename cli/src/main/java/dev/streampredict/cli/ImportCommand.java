package dev.streampredict.cli;

import dev.streampredict.model.ModelArchive;
import dev.streampredict.model.ModelMetadata;
import dev.streampredict.model.OutputKind;
import dev.streampredict.model.Task;
import dev.streampredict.training.ImportSpec;
import dev.streampredict.training.ModelImport;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;

/** {@code model import}: a model trained elsewhere becomes an artifact, and with {@code --publish} a version. */
@Command(name = "import", description = "Makes an artifact of a model trained elsewhere: ONNX (.onnx, served by ONNX "
        + "Runtime) or Keras (.h5, Sequential or functional, served by DL4J). Shapes and names are read from the "
        + "file and checked against the options; with --publish it is published as well.")
final class ImportCommand extends ModelCli.Subcommand {

    @Parameters(paramLabel = "FILE", description = "The model file: .onnx or .h5.")
    Path file;

    @Option(names = "--task", required = true,
            description = "regression (forecasts a series' next value from a window of it) or classification (one "
                    + "row of features).")
    Task task;

    @Option(names = "--features", split = ",", paramLabel = "NAME",
            description = "Classification: the input feature names in the model's input order (default: f0, f1, …).")
    List<String> features = List.of();

    @Option(names = "--feature", paramLabel = "NAME",
            description = "Regression: the series the window is read from and forecast.")
    String feature;

    @Option(names = "--window", description = "Regression: values in the model's input window, oldest first.")
    int window;

    @Option(names = "--classes", split = ",", paramLabel = "NAME",
            description = "Classification: the class names in output order (default: 0, 1, …).")
    List<String> classes = List.of();

    @Option(names = "--outputs",
            description = "What the outputs are: probabilities, logits (a softmax is applied) or values (a forecast; "
                    + "the default for regression).")
    OutputKind outputs;

    @Option(names = "--standardize-from", paramLabel = "CSV",
            description = "Standardise inputs with the mean and standard deviation of the feature columns of this "
                    + "CSV, as the model's training did (default: values as they come).")
    Path standardizeFrom;

    @Option(names = "--onnx-output", paramLabel = "NAME",
            description = "The ONNX output that holds the predictions, where the model has several.")
    String onnxOutput;

    @Option(names = "--name", description = "Start of the version name (default: the file's name).")
    String name;

    @Option(names = "--output", required = true, paramLabel = "DIR", description = "Where the artifact is written.")
    Path output;

    @Option(names = "--publish", description = "Publish the artifact to the registry too, in the role --as gives.")
    boolean publish;

    @CommandLine.Mixin
    ModelCli.Role as = new ModelCli.Role();

    @Override
    void run(PrintWriter out) throws Exception {
        String stem = file.getFileName().toString().replaceFirst("\\.[^.]*$", "");
        ImportSpec spec = new ImportSpec(name != null ? name : stem, task,
                feature != null ? List.of(feature) : features, window, classes, outputs, standardizeFrom, onnxOutput);
        ModelMetadata metadata;
        try {
            metadata = ModelImport.write(file, spec, output);
        } catch (IOException e) { // a file that is missing or unreadable is the person's to fix, not the registry's
            throw new IllegalArgumentException(e.getMessage(), e);
        }
        out.printf("imported %s as %s: %s, run by %s; artifact in %s%n", file.getFileName(), metadata.modelVersion(),
                metadata.task() == Task.REGRESSION ? "forecasts " + metadata.target() + " from a window of "
                        + metadata.windowSize() : "classifies " + metadata.features().size() + " features into "
                        + metadata.classes().size() + " classes", metadata.runtime().label(), output.toAbsolutePath());
        if (publish) {
            ModelCli.publish(where.registry(), where.limits(), ModelArchive.of(output.toString()), as.role, as.percent,
                    out);
        }
    }
}
