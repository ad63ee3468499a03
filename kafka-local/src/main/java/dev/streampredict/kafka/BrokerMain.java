package dev.streampredict.kafka;

import sun.misc.Signal;

/**
 * Entry point of the broker JVM: runs Kafka and exits when the JVM that started it is gone, so that a killed test
 * or launcher never leaves a broker holding its ports and data folder.
 */
public final class BrokerMain {

    private BrokerMain() {
    }

    public static void main(String[] args) throws Exception {
        // Ctrl-C in a terminal reaches the whole process group, this JVM too: the broker must outlive the clients
        // that its launcher stops first, so it stops only when told (SIGTERM) or when the launcher is gone. Kafka
        // logs the signal and hands it on to this handler, which does nothing.
        Signal.handle(new Signal("INT"), signal -> {
        });
        long parentPid = Long.parseLong(args[0]);
        Thread watchdog = new Thread(() -> {
            while (ProcessHandle.of(parentPid).map(ProcessHandle::isAlive).orElse(false)) {
                try {
                    Thread.sleep(500);
                } catch (InterruptedException e) {
                    return;
                }
            }
            System.exit(0); // runs Kafka's shutdown hook: a clean shutdown, locks released
        }, "parent-watchdog");
        watchdog.setDaemon(true);
        watchdog.start();
        kafka.Kafka.main(new String[]{args[1]});
    }
}
