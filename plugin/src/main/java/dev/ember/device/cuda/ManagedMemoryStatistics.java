package dev.ember.device.cuda;

/**
 * A snapshot of the managed-memory pool's counters (see {@link ManagedMemoryPool}). All byte counts
 * are of size-class blocks as taken from the driver, which may exceed the bytes Arrow asked for.
 *
 * @param capBytes the most bytes the pool may hold from the driver at once
 * @param heldBytes bytes held from the driver now: blocks in use plus cached blocks
 * @param cachedBytes bytes of freed blocks kept for reuse (part of {@code heldBytes})
 * @param peakHeldBytes the most bytes held from the driver at once since the pool opened
 * @param driverAllocations {@code cuMemAllocManaged} calls that succeeded
 * @param driverFrees {@code cuMemFree} calls
 * @param reuseHits allocations served from the cache without a driver call
 * @param trims times cached blocks were given back to the driver to make room under the cap
 */
public record ManagedMemoryStatistics(long capBytes, long heldBytes, long cachedBytes, long peakHeldBytes,
        long driverAllocations, long driverFrees, long reuseHits, long trims) {

    /** Bytes held from the driver for blocks that back live Arrow buffers. */
    public long inUseBytes() {
        return heldBytes - cachedBytes;
    }

    /** One line for logs and the device report. */
    public String describe() {
        return String.format("managed memory pool: %,d of %,d bytes held from the driver (%,d cached for reuse,"
                + " peak %,d); %,d driver allocations, %,d driver frees, %,d reuse hits, %,d cache trims",
                heldBytes, capBytes, cachedBytes, peakHeldBytes, driverAllocations, driverFrees, reuseHits, trims);
    }
}
