package dev.streampredict.testing;

import java.time.Duration;

/**
 * Work on a thread of its own (a producer feeding a running job, say) whose failure fails the test that waits for
 * it, rather than ending up in a log while the test times out on a count.
 */
public final class InBackground {

    /** The work; it may throw. */
    @FunctionalInterface
    public interface Work {
        void run() throws Exception;
    }

    private final Thread thread;
    private volatile Throwable failure;

    private InBackground(String name, Work work) {
        thread = new Thread(() -> {
            try {
                work.run();
            } catch (Throwable t) {
                failure = t;
            }
        }, name);
        thread.setDaemon(true);
    }

    /** Starts {@code work} on a thread of this name. */
    public static InBackground start(String name, Work work) {
        InBackground background = new InBackground(name, work);
        background.thread.start();
        return background;
    }

    /** Waits for the work to end: fails if it is still running after {@code timeout}, or if it threw. */
    public void await(Duration timeout) throws InterruptedException {
        thread.join(timeout.toMillis());
        if (thread.isAlive()) {
            throw new AssertionError(thread.getName() + " still running after " + timeout.toSeconds() + " s");
        }
        if (failure != null) {
            throw new AssertionError(thread.getName() + " failed: " + failure, failure);
        }
    }
}
