package dev.ember.device.selection;

import static java.util.Objects.requireNonNull;

import dev.ember.config.EmberConf;
import dev.ember.device.Device;
import dev.ember.device.cuda.CudaDevices;
import dev.ember.device.cuda.DeviceOrdinal;
import dev.ember.device.cuda.CudaException;
import dev.ember.device.cuda.GpuTaskSemaphore;
import dev.ember.device.host.HostDevice;
import java.util.List;
import java.util.Optional;
import org.apache.arrow.memory.AllocationManager;

/**
 * Chooses the device of an executor from {@code spark.ember.device}.
 *
 * <p>{@code auto} takes CUDA when JCuda loads, {@code cuInit} succeeds, the chosen device ordinal exists
 * and the driver runs CUDA 13 PTX, and the host otherwise; it always says why. {@code cuda} and
 * {@code emulator} fail with a message that says what is missing.
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

    /** As {@link #select(EmberConf, List)} for an executor Spark assigned no GPU. */
    public static Selection select(EmberConf conf) {
        return select(conf, List.of());
    }

    /**
     * Chooses the device. The CUDA device ordinal is the first of {@code assignedGpuAddresses} (the
     * {@code gpu} resource Spark assigned the executor) when there is one, else
     * {@code spark.ember.cuda.deviceOrdinal}; see {@link DeviceOrdinal}.
     *
     * @throws IllegalStateException when {@code cuda} or {@code emulator} cannot be used, saying why
     */
    public static Selection select(EmberConf conf, List<String> assignedGpuAddresses) {
        requireNonNull(conf, "conf is null");
        requireNonNull(assignedGpuAddresses, "assignedGpuAddresses is null");
        String setting = conf.get(EmberConf.DEVICE);
        if (setting.equals("host")) {
            return Selection.host("spark.ember.device=host");
        }
        DeviceOrdinal ordinal;
        try {
            ordinal = DeviceOrdinal.choose(assignedGpuAddresses, conf.get(EmberConf.CUDA_DEVICE_ORDINAL));
        } catch (IllegalArgumentException e) {
            if (setting.equals("auto")) {
                return Selection.host("spark.ember.device=auto chose the host: " + e.getMessage());
            }
            throw new IllegalStateException("spark.ember.device=" + setting + " cannot be used: " + e.getMessage(), e);
        }
        CudaDevices.Settings settings = new CudaDevices.Settings(setting.equals("emulator"), ordinal,
                conf.get(EmberConf.GPU_ALLOC_FRACTION), conf.get(EmberConf.CONCURRENT_GPU_TASKS), 0,
                conf.get(EmberConf.GPU_MEMORY_CACHING), 0, conf.get(EmberConf.UNIFIED_MEMORY_CPU_SHARE));
        switch (setting) {
            case "auto":
                return selectAuto(settings);
            case "cuda":
                return Selection.cuda(open(settings, setting), "spark.ember.device=cuda; " + ordinal.source());
            case "emulator":
                return Selection.cuda(open(settings, setting),
                        "spark.ember.device=emulator: Ember's CPU emulation of the CUDA driver; " + ordinal.source());
            default:
                throw new IllegalStateException("unknown device setting " + setting);
        }
    }

    /**
     * The policy of {@code spark.ember.device=auto}: the CUDA device of {@code settings} when it can
     * be opened, else the host with the reason. {@code settings.emulator()} is false in production;
     * tests pass true to let the emulator stand in for the NVIDIA driver.
     */
    public static Selection selectAuto(CudaDevices.Settings settings) {
        requireNonNull(settings, "settings is null");
        Optional<String> whyNot = probe(settings.emulator());
        if (whyNot.isPresent()) {
            return Selection.host("spark.ember.device=auto chose the host: " + whyNot.get());
        }
        try {
            return Selection.cuda(CudaDevices.open(settings),
                    "spark.ember.device=auto found a usable GPU; " + settings.ordinal().source());
        } catch (CudaException | LinkageError e) {
            return Selection.host("spark.ember.device=auto chose the host: " + e.getMessage());
        }
    }

    private static CudaDevices.Opened open(CudaDevices.Settings settings, String setting) {
        try {
            return CudaDevices.open(settings);
        } catch (CudaException | LinkageError e) {
            throw new IllegalStateException("spark.ember.device=" + setting + " cannot be used: " + e.getMessage()
                    + ". Set spark.ember.device=auto (or host) to run Ember on the CPU instead.", e);
        }
    }

    private static Optional<String> probe(boolean emulator) {
        try {
            return CudaDevices.probe(emulator);
        } catch (CudaException | LinkageError e) {
            return Optional.of(e.getMessage());
        }
    }
}
