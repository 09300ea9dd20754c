package dev.ember.device.cuda;

import static dev.ember.device.cuda.CudaException.check;

import java.nio.charset.StandardCharsets;
import jcuda.driver.CUcontext;
import jcuda.driver.CUdevice;
import jcuda.driver.CUdevice_attribute;
import jcuda.driver.JCudaDriver;

/**
 * One CUDA device and its primary context: the one context of this executor.
 *
 * <p>A CUDA context is current per thread, and Spark runs tasks on many threads, so every entry
 * point that calls the driver first calls {@link #makeCurrent()}. Thread-safe; {@link #close()}
 * releases the primary context once.
 */
final class CudaContext implements AutoCloseable {

    private final int ordinal;
    private final CUdevice device;
    private final CUcontext context;
    private final String deviceName;
    private final int computeMajor;
    private final int computeMinor;
    private final int multiprocessors;
    private final MemoryModel memoryModel;
    private final boolean concurrentManagedAccess;
    private boolean closed;

    /** Retains the primary context of device {@code ordinal}; cuInit must have succeeded. */
    CudaContext(int ordinal) {
        this.ordinal = ordinal;
        this.device = new CUdevice();
        check(JCudaDriver.cuDeviceGet(device, ordinal), "cuDeviceGet(" + ordinal + ")");
        byte[] name = new byte[256];
        check(JCudaDriver.cuDeviceGetName(name, name.length, device), "cuDeviceGetName");
        int length = 0;
        while (length < name.length && name[length] != 0) {
            length++;
        }
        this.deviceName = new String(name, 0, length, StandardCharsets.UTF_8);
        this.computeMajor = attribute(CUdevice_attribute.CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MAJOR);
        this.computeMinor = attribute(CUdevice_attribute.CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MINOR);
        this.multiprocessors = attribute(CUdevice_attribute.CU_DEVICE_ATTRIBUTE_MULTIPROCESSOR_COUNT);
        if (attribute(CUdevice_attribute.CU_DEVICE_ATTRIBUTE_MANAGED_MEMORY) == 0) {
            throw new CudaException("device " + ordinal + " (" + deviceName + ") cannot allocate managed "
                    + "memory, which Ember's Arrow buffers live in", -1);
        }
        // Where the GPU reads host page tables (GB10, Grace Hopper) managed memory never migrates;
        // elsewhere pages move on demand and prefetching saves the page faults.
        boolean integrated = attribute(CUdevice_attribute.CU_DEVICE_ATTRIBUTE_INTEGRATED) != 0;
        boolean hostPageTables = attribute(
                CUdevice_attribute.CU_DEVICE_ATTRIBUTE_PAGEABLE_MEMORY_ACCESS_USES_HOST_PAGE_TABLES) != 0;
        this.concurrentManagedAccess = attribute(CUdevice_attribute.CU_DEVICE_ATTRIBUTE_CONCURRENT_MANAGED_ACCESS) != 0;
        this.memoryModel = MemoryModel.of(integrated, hostPageTables, concurrentManagedAccess);
        this.context = new CUcontext();
        check(JCudaDriver.cuDevicePrimaryCtxRetain(context, device), "cuDevicePrimaryCtxRetain(" + ordinal + ")");
        makeCurrent();
    }

    /** Makes this context current on the calling thread. */
    void makeCurrent() {
        check(JCudaDriver.cuCtxSetCurrent(context), "cuCtxSetCurrent");
    }

    CUdevice device() {
        return device;
    }

    int ordinal() {
        return ordinal;
    }

    String deviceName() {
        return deviceName;
    }

    /** Compute capability as {@code major * 10 + minor}, such as 90 for sm_90. */
    int computeCapability() {
        return computeMajor * 10 + computeMinor;
    }

    int multiprocessors() {
        return multiprocessors;
    }

    /** How the device's memory relates to the host's. */
    MemoryModel memoryModel() {
        return memoryModel;
    }

    /**
     * Whether managed memory migrates between host and device memory and the driver accepts prefetches
     * (a discrete GPU with concurrent managed access), so prefetching pays.
     */
    boolean prefetches() {
        return memoryModel == MemoryModel.DISCRETE && concurrentManagedAccess;
    }

    /** Free and total device memory in bytes, as the driver reports them now. */
    long[] memoryInfo() {
        makeCurrent();
        long[] free = new long[1];
        long[] total = new long[1];
        check(JCudaDriver.cuMemGetInfo(free, total), "cuMemGetInfo");
        return new long[] {free[0], total[0]};
    }

    private int attribute(int attribute) {
        int[] value = new int[1];
        check(JCudaDriver.cuDeviceGetAttribute(value, attribute, device), "cuDeviceGetAttribute(" + attribute + ")");
        return value[0];
    }

    @Override
    public synchronized void close() {
        if (!closed) {
            closed = true;
            check(JCudaDriver.cuDevicePrimaryCtxRelease(device), "cuDevicePrimaryCtxRelease(" + ordinal + ")");
        }
    }
}
