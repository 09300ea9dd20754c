package dev.ember.device.conformance;

import static java.util.Objects.requireNonNull;

import dev.ember.device.Device;
import dev.ember.device.Primitive;
import dev.ember.device.cuda.CudaDevice;
import org.apache.arrow.memory.BufferAllocator;

/**
 * What one conformance check compares: the reference {@code host} device and the {@code device} under
 * test, over inputs in {@code allocator} (managed memory of the device under test, so both devices read
 * the same buffers), drawn from {@code seed}. The caller owns the allocator and closes it after the
 * check, so a leaked buffer fails the check.
 */
public record DevicePair(Device host, Device device, BufferAllocator allocator, long seed) {
    public DevicePair {
        requireNonNull(host, "host is null");
        requireNonNull(device, "device is null");
        requireNonNull(allocator, "allocator is null");
    }

    /**
     * How many calls of {@code primitive} the device under test has run on the host since it opened
     * ({@link CudaDevice#hostCalls()}); 0 for a device that does not count them.
     */
    public long hostCalls(Primitive primitive) {
        return device instanceof CudaDevice cuda ? cuda.hostCalls().getOrDefault(primitive, 0L) : 0L;
    }
}
