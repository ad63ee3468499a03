package dev.streampredict.cli;

import dev.streampredict.model.ModelArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

class TrainCliTest {

    @TempDir
    Path dir;

    @Test
    void aFittingSettingNoModelCanUseIsOneLineAndExitCode2NotAStackTrace() {
        assertThat(train("--csv", "../data/iris.csv", "--label-column", "species", "--task", "classification",
                "--output", dir.resolve("model").toString(), "--batch-size", "0"))
                .isEqualTo("2|error: epochs, patience, batch size and learning rate must be positive"
                        + System.lineSeparator());
        assertThat(dir.resolve("model")).doesNotExist();
    }

    @Test
    void aMissingCsvFileIsOneLineAndExitCode2NotAStackTrace() {
        assertThat(train("--csv", "../data/no-such.csv", "--output", dir.resolve("model").toString()))
                .startsWith("2|error: CSV file ").contains("no-such.csv does not exist")
                .doesNotContain("\tat ").hasLineCount(1);
    }

    @Test
    void theFeatureColumnsAreTheForecastersInputSeriesTheTargetAmongThem() throws Exception {
        String seattle = "../data/seattle-weather-hourly-normals.csv";
        assertThat(train("--csv", seattle, "--timestamp-column", "date", "--feature-columns", "temperature,wind",
                "--target", "temperature", "--epochs", "1", "--hidden", "4", "--output", dir.resolve("two").toString()))
                .isEqualTo("0|");
        assertThat(ModelArchive.of(dir.resolve("two").toString()).metadata().features())
                .containsExactly("temperature", "wind");

        assertThat(train("--csv", seattle, "--timestamp-column", "date", "--feature-columns", "pressure,wind",
                "--target", "temperature", "--output", dir.resolve("none").toString()))
                .isEqualTo("2|error: target feature 'temperature' is not among the input features [pressure, wind]; "
                        + "add it to --feature-columns or choose another --target" + System.lineSeparator());
    }

    @Test
    void aSeasonIsForForecastersAndAPositiveNumberOfSteps() {
        assertThat(train("--csv", "../data/iris.csv", "--label-column", "species", "--task", "classification",
                "--season", "7", "--output", dir.resolve("model").toString()))
                .isEqualTo("2|error: --season is for regression: a classifier's baseline is the most frequent class"
                        + System.lineSeparator());
        assertThat(train("--csv", "../data/seattle-weather-hourly-normals.csv", "--season", "-24", "--output",
                dir.resolve("model").toString())).startsWith("2|error: --season is a number of steps").hasLineCount(1);
        assertThat(dir.resolve("model")).doesNotExist();
    }

    /** Exit code, '|', and what went to standard error. */
    private static String train(String... args) {
        PrintStream err = System.err;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        int exit;
        try {
            System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
            exit = new CommandLine(new TrainCli()).setCaseInsensitiveEnumValuesAllowed(true).execute(args);
        } finally {
            System.setErr(err);
        }
        return exit + "|" + captured.toString(StandardCharsets.UTF_8);
    }
}
