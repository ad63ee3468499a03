package dev.streampredict.testing;

import java.time.Duration;
import java.util.function.Supplier;

/** Waiting for something that happens in another thread or process, with a deadline that fails the test. */
public final class Await {

    private static final long POLL_MILLIS = 100;

    /** A check that may throw: an assertion inside it (a process that died, say) fails the wait at once. */
    @FunctionalInterface
    public interface Condition {
        boolean holds() throws Exception;
    }

    private Await() {
    }

    /** Returns once {@code condition} holds; fails with "{@code what} within {@code timeout}" if it never does. */
    public static void until(String what, Duration timeout, Condition condition) throws Exception {
        until(() -> what, timeout, condition);
    }

    /** As above, the failure's words made when it fails: they may tell the state seen last. */
    public static void until(Supplier<String> what, Duration timeout, Condition condition) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.holds()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("expected " + what.get() + " within " + seconds(timeout));
            }
            Thread.sleep(POLL_MILLIS);
        }
    }

    private static String seconds(Duration timeout) {
        return timeout.toMillis() % 1_000 == 0 ? timeout.toSeconds() + " s" : timeout.toMillis() + " ms";
    }
}
