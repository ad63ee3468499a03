package dev.streampredict.local;

import dev.streampredict.model.registry.ModelRegistry;
import dev.streampredict.training.RetrainCli;
import picocli.CommandLine;

import java.nio.file.Path;

/** The retrainer beside the local stack's job, in a thread of its own, printing its decisions to the terminal. */
final class Retraining implements AutoCloseable {

    private final RetrainCli cli = new RetrainCli();
    private final Thread thread;

    /** Retrains every {@code every} new events on the latest {@code every}, from now on. */
    Retraining(String bootstrap, int every, Path workDir) {
        thread = new Thread(() -> new CommandLine(cli).execute("--bootstrap-servers", bootstrap,
                "--registry-topic", ModelRegistry.DEFAULT_TOPIC, "--input-topic", "input-data", "--from", "latest",
                "--every", Integer.toString(every), "--history", Integer.toString(every), "--epochs", "50",
                "--work-dir", workDir.toString()), "retrainer");
        thread.setDaemon(true);
        thread.start();
    }

    @Override
    public void close() throws InterruptedException {
        cli.stop();
        thread.join(60_000); // a retraining under way finishes first
    }
}
