package dev.ember.exec.spill;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The guard every spillable consumer takes before the memory manager may spill it: the consumer's own
 * task holds {@code lock} while it uses its state, so a request from that thread (in the middle of a
 * step) is skipped, and a request from another thread waits at most {@link #WAIT_MILLIS} for the step to
 * end and otherwise skips the consumer (docs/operators.md, memory pressure, step 2).
 */
public final class SpillLock {
    /** How long a spill request from another task waits for the owner's step. */
    public static final long WAIT_MILLIS = 50;

    private SpillLock() {}

    /**
     * Takes {@code lock} for a spill; the caller unlocks it when this returns true.
     *
     * @return false when the spill must be skipped: the calling thread is the owner in mid-step, the
     *     owner did not finish its step in time, or the wait was interrupted (the flag is restored)
     */
    public static boolean tryAcquire(ReentrantLock lock) {
        if (lock.isHeldByCurrentThread()) {
            return false;
        }
        try {
            return lock.tryLock(WAIT_MILLIS, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
