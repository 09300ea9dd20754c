package dev.ember.device;

/**
 * Receives the device work done on behalf of one consumer, usually one operator in one task: the
 * kernel launches, the time they ran on the device, and the primitive calls a GPU device ran on the
 * host instead.
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

    /**
     * A GPU device ran one call of {@code primitive} on the host (over the same unified-memory buffers)
     * instead of with kernels, for the reason {@link Device#implementationOf} names. The host device
     * itself never reports this: running on the host is what it is for.
     */
    void primitiveOnHost(Primitive primitive);
}
