package dev.ember.device;

import static java.util.Objects.requireNonNull;

import dev.ember.config.EmberConf;
import dev.ember.device.cuda.CudaDevices;
import dev.ember.device.cuda.CudaException;
import dev.ember.device.cuda.GpuTaskSemaphore;
import java.util.Optional;
import org.apache.arrow.memory.AllocationManager;

/**
 * Chooses the device of an executor from {@code spark.ember.device}.
 *
 * <p>{@code auto} takes CUDA when JCuda loads, {@code cuInit} succeeds, a device exists and the driver
 * runs CUDA 13 PTX, and the host otherwise; it always says why. {@code cuda} and {@code emulator} fail
 * with a message that says what is missing.
 */
public final class DeviceSelector {

    /**
     * The chosen device, why it was chosen, and the memory its buffers must live in.
     *
     * @param memoryFactory the Arrow allocation manager for the device's buffers (unified memory for
     *     CUDA), or empty for Arrow's default
     * @param memoryLimitBytes the cap of Ember's root allocator when {@code memoryFactory} is present
     * @param memoryLimitSetting the setting that raises that cap, named in out-of-memory errors
     * @param taskSemaphore bounds the tasks that use the device at once (GPU devices only)
     */
    public record Selection(Device device, String reason, Optional<AllocationManager.Factory> memoryFactory,
            long memoryLimitBytes, String memoryLimitSetting, Optional<GpuTaskSemaphore> taskSemaphore) {
        public Selection {
            requireNonNull(device, "device is null");
            requireNonNull(reason, "reason is null");
            requireNonNull(memoryFactory, "memoryFactory is null");
            requireNonNull(memoryLimitSetting, "memoryLimitSetting is null");
            requireNonNull(taskSemaphore, "taskSemaphore is null");
        }

        static Selection host(String reason) {
            return new Selection(new HostDevice(), reason, Optional.empty(), 0, EmberConf.HOST_MEMORY_LIMIT.key(),
                    Optional.empty());
        }

        static Selection cuda(CudaDevices.Opened opened, String reason) {
            return new Selection(opened.device(), reason, Optional.of(opened.memoryFactory()),
                    opened.memoryLimitBytes(), opened.memoryLimitSetting(), Optional.of(opened.semaphore()));
        }
    }

    private DeviceSelector() {}

    public static Selection select(EmberConf conf) {
        String setting = conf.get(EmberConf.DEVICE);
        double fraction = conf.get(EmberConf.GPU_ALLOC_FRACTION);
        int concurrent = conf.get(EmberConf.CONCURRENT_GPU_TASKS);
        switch (setting) {
            case "host":
                return Selection.host("spark.ember.device=host");
            case "auto": {
                Optional<String> whyNot = probe();
                if (whyNot.isPresent()) {
                    return Selection.host("spark.ember.device=auto chose the host: " + whyNot.get());
                }
                try {
                    return Selection.cuda(CudaDevices.open(false, fraction, concurrent),
                            "spark.ember.device=auto found a usable GPU");
                } catch (CudaException e) {
                    return Selection.host("spark.ember.device=auto chose the host: " + e.getMessage());
                }
            }
            case "cuda":
                return Selection.cuda(open(false, fraction, concurrent, setting), "spark.ember.device=cuda");
            case "emulator":
                return Selection.cuda(open(true, fraction, concurrent, setting),
                        "spark.ember.device=emulator: Ember's CPU emulation of the CUDA driver");
            default:
                throw new IllegalStateException("unknown device setting " + setting);
        }
    }

    private static CudaDevices.Opened open(boolean emulator, double fraction, int concurrent, String setting) {
        try {
            return CudaDevices.open(emulator, fraction, concurrent);
        } catch (CudaException | LinkageError e) {
            throw new IllegalStateException("spark.ember.device=" + setting + " cannot be used: " + e.getMessage()
                    + ". Set spark.ember.device=auto (or host) to run Ember on the CPU instead.", e);
        }
    }

    private static Optional<String> probe() {
        try {
            return CudaDevices.probe();
        } catch (CudaException | LinkageError e) {
            return Optional.of(e.getMessage());
        }
    }
}
