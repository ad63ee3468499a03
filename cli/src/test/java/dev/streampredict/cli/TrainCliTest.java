package dev.streampredict.cli;

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
        PrintStream err = System.err;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        int exit;
        try {
            System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
            exit = new CommandLine(new TrainCli()).setCaseInsensitiveEnumValuesAllowed(true).execute(
                    "--csv", "../data/iris.csv", "--label-column", "species", "--task", "classification",
                    "--output", dir.resolve("model").toString(), "--batch-size", "0");
        } finally {
            System.setErr(err);
        }
        assertThat(exit).isEqualTo(2);
        assertThat(captured.toString(StandardCharsets.UTF_8)).isEqualTo(
                "error: epochs, patience, batch size and learning rate must be positive" + System.lineSeparator());
        assertThat(dir.resolve("model")).doesNotExist();
    }
}
