package dev.ember.device;

/**
 * Receives the device work done on behalf of one consumer, usually one operator in one task: the
 * kernel launches and the time they ran on the device.
 *
 * <p>Calls come from the thread that made the launches (a Spark task's thread), never concurrently
 * for one task; an implementation shared between threads must be thread-safe itself.
 */
public interface DeviceActivitySink {

    /** One kernel was launched. */
    void kernelLaunched();

    /**
     * A launched kernel finished and ran for {@code nanoseconds} by the device's clock. Reported when
     * the launching thread waits for its stream, so after {@link #kernelLaunched()} and possibly while
     * another sink is current.
     */
    void kernelTimed(long nanoseconds);
}
