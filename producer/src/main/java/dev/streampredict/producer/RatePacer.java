package dev.streampredict.producer;

import java.util.concurrent.locks.LockSupport;

/**
 * Spaces events evenly at a target rate, measured from the start so that pauses (GC, a slow send) are caught up
 * instead of lowering the average. A rate of 0 or less means as fast as possible.
 */
public final class RatePacer {

    private final double nanosPerEvent;
    private final long start = System.nanoTime();
    private long events;

    public RatePacer(double eventsPerSecond) {
        this.nanosPerEvent = eventsPerSecond > 0 ? 1e9 / eventsPerSecond : 0;
    }

    /** Waits until the next event is due. */
    public void awaitNext() {
        if (nanosPerEvent == 0) {
            return;
        }
        long due = start + (long) (events++ * nanosPerEvent);
        long wait;
        while ((wait = due - System.nanoTime()) > 0) {
            LockSupport.parkNanos(wait);
            if (Thread.interrupted()) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }
}
