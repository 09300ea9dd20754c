package dev.ember.device.cuda;

import java.util.concurrent.Semaphore;

/**
 * Bounds how many Spark tasks use the GPU at once ({@code spark.ember.concurrentGpuTasks}), so that
 * their working sets fit in the managed-memory pool. A task acquires a permit before its first
 * kernel and closes it when it stops using the device. Fair: waiting tasks enter in order.
 */
public final class GpuTaskSemaphore {

    /** A held permit; closing it twice releases once. */
    public final class Permit implements AutoCloseable {
        private boolean released;

        private Permit() {}

        @Override
        public synchronized void close() {
            if (!released) {
                released = true;
                semaphore.release();
            }
        }
    }

    private final Semaphore semaphore;
    private final int permits;

    public GpuTaskSemaphore(int concurrentGpuTasks) {
        if (concurrentGpuTasks < 1) {
            throw new IllegalArgumentException("spark.ember.concurrentGpuTasks must be at least 1, not "
                    + concurrentGpuTasks);
        }
        this.permits = concurrentGpuTasks;
        this.semaphore = new Semaphore(concurrentGpuTasks, true);
    }

    /** Waits for a permit. */
    public Permit acquire() throws InterruptedException {
        semaphore.acquire();
        return new Permit();
    }

    /** The configured number of concurrent GPU tasks. */
    public int permits() {
        return permits;
    }

    /** Permits not held now (for metrics and tests). */
    public int availablePermits() {
        return semaphore.availablePermits();
    }
}
