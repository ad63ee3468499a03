package dev.streampredict.testing;

import java.util.concurrent.Callable;

/**
 * The named steps of a long end-to-end test: a failure says first which step broke (the job starting, predictions
 * arriving, Prometheus scraping, Ctrl-C), then what broke in it.
 */
public final class Steps {

    /** A step's body, which may throw. */
    @FunctionalInterface
    public interface Body {
        void run() throws Exception;
    }

    private Steps() {
    }

    public static void step(String name, Body body) {
        value(name, () -> {
            body.run();
            return null;
        });
    }

    /** A step whose outcome the next steps use. */
    public static <T> T value(String name, Callable<T> body) {
        try {
            return body.call();
        } catch (AssertionError e) {
            throw new AssertionError("step '" + name + "': " + e.getMessage(), e);
        } catch (Exception e) {
            throw new AssertionError("step '" + name + "' failed: " + e, e);
        }
    }
}
