package dev.ember.device.conformance;

import static java.util.Objects.requireNonNull;

import dev.ember.device.Device;
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
}
