package dev.streampredict.local;

import dev.streampredict.common.kafka.TopicNames;
import dev.streampredict.common.message.InputFormat;
import dev.streampredict.registry.ModelRegistry;
import dev.streampredict.cli.RetrainCli;
import picocli.CommandLine;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** The retrainer beside the local stack's job, in a thread of its own, printing its decisions to the terminal. */
final class Retraining implements AutoCloseable {

    private final RetrainCli cli = new RetrainCli();
    private final Thread thread;

    /** Retrains every {@code every} new events on the latest {@code every}, from now on. */
    Retraining(String bootstrap, List<String> kafkaProperties, InputFormat format, int every, Path workDir) {
        List<String> args = new ArrayList<>(kafkaProperties);
        args.addAll(List.of("--bootstrap-servers", bootstrap,
                "--model-registry", ModelRegistry.DEFAULT_TOPIC, "--input-topic", TopicNames.INPUT, "--from", "latest",
                "--input-format", format.name(),
                "--every", Integer.toString(every), "--history", Integer.toString(every), "--epochs", "50",
                "--work-dir", workDir.toString()));
        thread = new Thread(() -> new CommandLine(cli).execute(args.toArray(String[]::new)), "retrainer");
        thread.setDaemon(true);
        thread.start();
    }

    /** Stops within about an epoch: a retraining under way is dropped, not finished. */
    @Override
    public void close() throws InterruptedException {
        cli.stop();
        thread.join(10_000);
    }
}
