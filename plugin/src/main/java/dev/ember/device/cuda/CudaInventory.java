package dev.ember.device.cuda;

import static dev.ember.device.cuda.CudaException.errorName;
import static java.util.Objects.requireNonNull;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalInt;
import jcuda.driver.CUdevice;
import jcuda.driver.CUdevice_attribute;
import jcuda.driver.CUresult;
import jcuda.driver.JCudaDriver;

/**
 * What the CUDA driver of this machine reports, read without opening a context: the driver version and
 * each device's name, compute capability, memory and memory model. {@code ember doctor} prints it before
 * it opens a device. Reading it binds JCuda to the driver (or the emulator) for the JVM's lifetime, as
 * {@link CudaDevices#open} does.
 */
public final class CudaInventory {

    /**
     * One device as the driver reports it.
     *
     * @param totalBytes {@code cuDeviceTotalMem}: the device's memory, on a coherent device the shared memory
     * @param memoryClockKilohertz {@code CU_DEVICE_ATTRIBUTE_MEMORY_CLOCK_RATE}, the peak memory clock in kHz;
     *     empty when the driver does not report it or reports 0 (Ember's emulator reports neither memory
     *     attribute)
     * @param memoryBusWidthBits {@code CU_DEVICE_ATTRIBUTE_GLOBAL_MEMORY_BUS_WIDTH}, the global memory bus width
     *     in bits; empty as the clock
     */
    public record DeviceInfo(int ordinal, String name, int computeMajor, int computeMinor, int multiprocessors,
            long totalBytes, boolean managedMemory, boolean integrated, boolean hostPageTables,
            boolean concurrentManagedAccess, OptionalInt memoryClockKilohertz, OptionalInt memoryBusWidthBits) {
        public DeviceInfo {
            requireNonNull(name, "name is null");
            requireNonNull(memoryClockKilohertz, "memoryClockKilohertz is null");
            requireNonNull(memoryBusWidthBits, "memoryBusWidthBits is null");
        }

        /**
         * The device's theoretical peak memory bandwidth in bytes per second, from the two memory attributes:
         * clock (kHz) x 1000 x bus width (bits) / 8 x 2, the 2 because the memory transfers on both clock edges
         * (DDR, as NVIDIA's bandwidth figures count it). Empty when either attribute is unknown. The number the
         * driver's attributes give, not a measurement; a datasheet can round it differently.
         */
        public OptionalDouble peakMemoryBytesPerSecond() {
            if (memoryClockKilohertz.isEmpty() || memoryBusWidthBits.isEmpty()) {
                return OptionalDouble.empty();
            }
            return OptionalDouble.of(memoryClockKilohertz.getAsInt() * 1000.0 * memoryBusWidthBits.getAsInt() / 8 * 2);
        }

        /** {@code sm_121} for compute capability 12.1. */
        public String architecture() {
            return "sm_" + computeMajor + computeMinor;
        }

        public MemoryModel memoryModel() {
            return MemoryModel.of(integrated, hostPageTables, concurrentManagedAccess);
        }
    }

    /**
     * The driver's answers; a failure ends the reading where it happened.
     *
     * @param bindingFailure why JCuda or the driver library could not load, if it did not
     * @param driverVersion {@code cuDriverGetVersion}, such as 13000 for CUDA 13.0
     * @param initFailure why {@code cuInit} or {@code cuDeviceGetCount} failed, if it did
     * @param devices every device the driver reports, by ordinal
     * @param deviceFailures why a device's attributes could not be read, per device, in order
     */
    public record Inventory(Optional<String> bindingFailure, OptionalInt driverVersion, Optional<String> initFailure,
            List<DeviceInfo> devices, List<String> deviceFailures) {
        public Inventory {
            requireNonNull(bindingFailure, "bindingFailure is null");
            requireNonNull(driverVersion, "driverVersion is null");
            requireNonNull(initFailure, "initFailure is null");
            devices = List.copyOf(devices);
            deviceFailures = List.copyOf(deviceFailures);
        }

        /** {@code 13.0} for driver version 13000. */
        public static String cudaVersion(int driverVersion) {
            return driverVersion / 1000 + "." + driverVersion % 1000 / 10;
        }
    }

    private CudaInventory() {}

    /** Reads the inventory of the NVIDIA driver, or of Ember's CUDA driver emulator. */
    public static synchronized Inventory read(boolean emulator) {
        try {
            CudaDevices.bindDriver(emulator);
        } catch (CudaException | LinkageError e) {
            return new Inventory(Optional.of(e.getMessage()), OptionalInt.empty(), Optional.empty(), List.of(),
                    List.of());
        }
        int[] version = new int[1];
        OptionalInt driverVersion = JCudaDriver.cuDriverGetVersion(version) == CUresult.CUDA_SUCCESS
                ? OptionalInt.of(version[0]) : OptionalInt.empty();
        int result = JCudaDriver.cuInit(0);
        if (result != CUresult.CUDA_SUCCESS) {
            return new Inventory(Optional.empty(), driverVersion, Optional.of("cuInit failed with " + errorName(result)),
                    List.of(), List.of());
        }
        int[] count = new int[1];
        result = JCudaDriver.cuDeviceGetCount(count);
        if (result != CUresult.CUDA_SUCCESS) {
            return new Inventory(Optional.empty(), driverVersion,
                    Optional.of("cuDeviceGetCount failed with " + errorName(result)), List.of(), List.of());
        }
        List<DeviceInfo> devices = new ArrayList<>();
        List<String> failures = new ArrayList<>();
        for (int ordinal = 0; ordinal < count[0]; ordinal++) {
            try {
                devices.add(describe(ordinal));
            } catch (CudaException e) {
                failures.add("device " + ordinal + ": " + e.getMessage());
            }
        }
        return new Inventory(Optional.empty(), driverVersion, Optional.empty(), devices, failures);
    }

    private static DeviceInfo describe(int ordinal) {
        CUdevice device = new CUdevice();
        CudaException.check(JCudaDriver.cuDeviceGet(device, ordinal), "cuDeviceGet(" + ordinal + ")");
        byte[] name = new byte[256];
        CudaException.check(JCudaDriver.cuDeviceGetName(name, name.length, device), "cuDeviceGetName");
        int length = 0;
        while (length < name.length && name[length] != 0) {
            length++;
        }
        long[] total = new long[1];
        CudaException.check(JCudaDriver.cuDeviceTotalMem(total, device), "cuDeviceTotalMem");
        return new DeviceInfo(ordinal, new String(name, 0, length, StandardCharsets.UTF_8),
                attribute(device, CUdevice_attribute.CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MAJOR),
                attribute(device, CUdevice_attribute.CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MINOR),
                attribute(device, CUdevice_attribute.CU_DEVICE_ATTRIBUTE_MULTIPROCESSOR_COUNT), total[0],
                attribute(device, CUdevice_attribute.CU_DEVICE_ATTRIBUTE_MANAGED_MEMORY) != 0,
                attribute(device, CUdevice_attribute.CU_DEVICE_ATTRIBUTE_INTEGRATED) != 0,
                attribute(device, CUdevice_attribute.CU_DEVICE_ATTRIBUTE_PAGEABLE_MEMORY_ACCESS_USES_HOST_PAGE_TABLES)
                        != 0,
                attribute(device, CUdevice_attribute.CU_DEVICE_ATTRIBUTE_CONCURRENT_MANAGED_ACCESS) != 0,
                optionalAttribute(device, CUdevice_attribute.CU_DEVICE_ATTRIBUTE_MEMORY_CLOCK_RATE),
                optionalAttribute(device, CUdevice_attribute.CU_DEVICE_ATTRIBUTE_GLOBAL_MEMORY_BUS_WIDTH));
    }

    /**
     * An attribute that only describes the device: a driver that does not support it (the emulator), or
     * reports 0 for it, leaves it unknown instead of failing the whole inventory.
     */
    private static OptionalInt optionalAttribute(CUdevice device, int attribute) {
        int[] value = new int[1];
        int result = JCudaDriver.cuDeviceGetAttribute(value, attribute, device);
        return result == CUresult.CUDA_SUCCESS && value[0] > 0 ? OptionalInt.of(value[0]) : OptionalInt.empty();
    }

    private static int attribute(CUdevice device, int attribute) {
        int[] value = new int[1];
        CudaException.check(JCudaDriver.cuDeviceGetAttribute(value, attribute, device),
                "cuDeviceGetAttribute(" + attribute + ")");
        return value[0];
    }
}
