package dev.ember.device.cuda;

import static java.util.Objects.requireNonNull;

import java.nio.ByteBuffer;
import org.apache.arrow.memory.AllocationManager;
import org.apache.arrow.memory.ArrowBuf;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.ReferenceManager;
import org.apache.arrow.memory.util.MemoryUtil;

/**
 * Arrow's allocation seam for Ember on CUDA: every Arrow buffer of a root allocator configured
 * with this factory ({@code RootAllocator.configBuilder().allocationManagerFactory(factory)}) is
 * CUDA managed memory, which the CPU and the GPU address with the same pointer. The memory comes
 * from the device's {@link ManagedMemoryPool}, which caches freed blocks per size class instead of
 * calling {@code cuMemFree} and {@code cuMemAllocManaged} for every buffer.
 *
 * <p>Arrow's accounting stays exact: each allocation manager reports the size Arrow asked for, not
 * its block's size class, so allocator limits and leak checks see Arrow's own numbers. The root
 * allocator's limit bounds the buffers in use; the pool's cap (the same number, see
 * {@link CudaDevices.Opened#memoryLimitBytes()}) bounds what is held from the driver, cache included.
 *
 * <p>Thread-safe. {@link #statistics()} reports the pool's counters for logs and the device report.
 */
public final class ManagedMemoryFactory implements AllocationManager.Factory {

    // Arrow's zero-length buffer: never read or written, but it needs a valid address, which a
    // direct byte buffer held here for the life of the class provides.
    private static final ByteBuffer EMPTY_BACKING = ByteBuffer.allocateDirect(1);
    private static final ArrowBuf EMPTY =
            new ArrowBuf(ReferenceManager.NO_OP, null, 0, MemoryUtil.getByteBufferAddress(EMPTY_BACKING));

    private final ManagedMemoryPool pool;

    ManagedMemoryFactory(ManagedMemoryPool pool) {
        this.pool = requireNonNull(pool, "pool is null");
    }

    @Override
    public AllocationManager create(BufferAllocator accountingAllocator, long size) {
        requireNonNull(accountingAllocator, "accountingAllocator is null");
        if (size < 0) {
            throw new IllegalArgumentException("allocation size must not be negative: " + size);
        }
        long address = pool.allocate(size);
        return new ManagedAllocation(accountingAllocator, pool, address, size);
    }

    @Override
    public ArrowBuf empty() {
        return EMPTY;
    }

    /** The pool's counters now: bytes held from the driver and cached, driver calls, reuse hits. */
    public ManagedMemoryStatistics statistics() {
        return pool.statistics();
    }

    /** Whether freed buffers are cached for reuse ({@code spark.ember.memory.gpu.caching}). */
    public boolean isCaching() {
        return pool.isCaching();
    }

    /** One block of the pool backing one Arrow buffer; back to the pool when Arrow releases it. */
    private static final class ManagedAllocation extends AllocationManager {
        private final ManagedMemoryPool pool;
        private final long address;
        private final long size;

        ManagedAllocation(BufferAllocator accountingAllocator, ManagedMemoryPool pool, long address, long size) {
            super(accountingAllocator);
            this.pool = pool;
            this.address = address;
            this.size = size;
        }

        @Override
        public long getSize() {
            return size;
        }

        @Override
        protected long memoryAddress() {
            return address;
        }

        @Override
        protected void release0() {
            pool.release(address, size);
        }
    }
}
