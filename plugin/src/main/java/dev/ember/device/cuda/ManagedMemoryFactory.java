package dev.ember.device.cuda;

import static java.util.Objects.requireNonNull;

import java.nio.ByteBuffer;
import jcuda.driver.CUmemAttach_flags;
import jcuda.driver.CUresult;
import jcuda.driver.JCudaDriver;
import org.apache.arrow.memory.AllocationManager;
import org.apache.arrow.memory.ArrowBuf;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.OutOfMemoryException;
import org.apache.arrow.memory.ReferenceManager;
import org.apache.arrow.memory.util.MemoryUtil;

/**
 * Arrow's allocation seam for Ember on CUDA: every Arrow buffer of a root allocator configured
 * with this factory ({@code RootAllocator.configBuilder().allocationManagerFactory(factory)}) is
 * {@code cuMemAllocManaged} memory, which the CPU and the GPU address with the same pointer. The
 * root allocator's limit is the pool's hard cap; see {@link CudaDevices.Opened#memoryLimitBytes()}.
 *
 * <p>Thread-safe. Allocation and release make the context current on the calling thread.
 */
public final class ManagedMemoryFactory implements AllocationManager.Factory {

    // Arrow's zero-length buffer: never read or written, but it needs a valid address, which a
    // direct byte buffer held here for the life of the class provides.
    private static final ByteBuffer EMPTY_BACKING = ByteBuffer.allocateDirect(1);
    private static final ArrowBuf EMPTY =
            new ArrowBuf(ReferenceManager.NO_OP, null, 0, MemoryUtil.getByteBufferAddress(EMPTY_BACKING));

    private final CudaContext context;
    private final String limitSetting;

    ManagedMemoryFactory(CudaContext context, String limitSetting) {
        this.context = requireNonNull(context, "context is null");
        this.limitSetting = requireNonNull(limitSetting, "limitSetting is null");
    }

    @Override
    public AllocationManager create(BufferAllocator accountingAllocator, long size) {
        requireNonNull(accountingAllocator, "accountingAllocator is null");
        if (size < 0) {
            throw new IllegalArgumentException("allocation size must not be negative: " + size);
        }
        context.makeCurrent();
        DevicePointer pointer = new DevicePointer();
        // cuMemAllocManaged refuses 0 bytes; an empty buffer still needs a distinct address.
        long bytes = Math.max(size, 1);
        int result = JCudaDriver.cuMemAllocManaged(pointer, bytes, CUmemAttach_flags.CU_MEM_ATTACH_GLOBAL);
        if (result == CUresult.CUDA_ERROR_OUT_OF_MEMORY) {
            throw new OutOfMemoryException("cannot allocate " + size + " bytes of CUDA managed memory on "
                    + context.deviceName() + ": the device is out of memory; lower " + limitSetting
                    + " or spark.ember.concurrentGpuTasks");
        }
        CudaException.check(result, "cuMemAllocManaged(" + bytes + " bytes)");
        return new ManagedAllocation(accountingAllocator, context, pointer, size);
    }

    @Override
    public ArrowBuf empty() {
        return EMPTY;
    }

    /** One managed allocation backing one Arrow buffer; freed when Arrow releases it. */
    private static final class ManagedAllocation extends AllocationManager {
        private final CudaContext context;
        private final DevicePointer pointer;
        private final long size;

        ManagedAllocation(BufferAllocator accountingAllocator, CudaContext context, DevicePointer pointer, long size) {
            super(accountingAllocator);
            this.context = context;
            this.pointer = pointer;
            this.size = size;
        }

        @Override
        public long getSize() {
            return size;
        }

        @Override
        protected long memoryAddress() {
            return pointer.address();
        }

        @Override
        protected void release0() {
            context.makeCurrent();
            CudaException.check(JCudaDriver.cuMemFree(pointer), "cuMemFree(" + size + " bytes)");
        }
    }
}
