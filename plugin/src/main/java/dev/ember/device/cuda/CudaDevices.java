package dev.ember.device.cuda;

import static dev.ember.device.cuda.CudaException.check;
import static dev.ember.device.cuda.CudaException.errorName;
import static java.util.Objects.requireNonNull;

import dev.ember.device.Device;
import dev.ember.kernels.EmulatorLibrary;
import java.util.Optional;
import jcuda.driver.CUresult;
import jcuda.driver.JCudaDriver;
import org.apache.arrow.memory.AllocationManager;

/**
 * The entry point the device selector calls: opens the CUDA device of this executor (a real GPU
 * through the NVIDIA driver, or Ember's CUDA driver emulator) or says exactly why it cannot.
 *
 * <p>A JVM binds JCuda to one driver for its lifetime: the emulator must be loaded before JCuda's
 * first use, so a JVM that opened the emulator cannot open a real GPU and the other way round.
 * Thread-safe.
 */
public final class CudaDevices {

    /** The oldest driver whose CUDA version runs Ember's PTX (made by CUDA 13.0: driver R580). */
    public static final int MINIMUM_DRIVER_VERSION = 13000;

    /** The setting named in out-of-memory errors. */
    public static final String ALLOC_FRACTION_SETTING = "spark.ember.memory.gpu.allocFraction";

    private enum Binding { NONE, REAL_DRIVER, EMULATOR }

    private static Binding binding = Binding.NONE;

    // Why JCuda's natives failed to load, if they did: a JVM gets one attempt (the class stays broken).
    private static String bindingFailure;

    /**
     * An opened device with what the executor needs to use it.
     *
     * @param device the device; the caller owns it and closes it last
     * @param memoryFactory the allocation manager of every Arrow buffer the device reads: give it
     *     to the executor's root allocator
     * @param memoryLimitBytes the hard cap for that root allocator: {@code allocFraction} of the
     *     device memory free when the device was opened
     * @param semaphore bounds the tasks using the GPU at once
     */
    public record Opened(Device device, AllocationManager.Factory memoryFactory, long memoryLimitBytes,
            GpuTaskSemaphore semaphore) {
        public Opened {
            requireNonNull(device, "device is null");
            requireNonNull(memoryFactory, "memoryFactory is null");
            requireNonNull(semaphore, "semaphore is null");
        }

        /** The setting that raises {@link #memoryLimitBytes()}, for error messages. */
        public String memoryLimitSetting() {
            return ALLOC_FRACTION_SETTING;
        }
    }

    private CudaDevices() {}

    /**
     * Opens device 0 with the default grid size (16 blocks per multiprocessor).
     *
     * @param emulator run on Ember's CUDA driver emulator instead of the NVIDIA driver
     * @param allocFraction the share of the device memory free now that Ember may hold, in (0, 1]
     * @param concurrentGpuTasks how many tasks may use the GPU at once, at least 1
     * @throws CudaException saying exactly why CUDA cannot be used
     */
    public static Opened open(boolean emulator, double allocFraction, int concurrentGpuTasks) {
        return open(emulator, allocFraction, concurrentGpuTasks, 0);
    }

    /**
     * As {@link #open(boolean, double, int)}, with the most blocks one launch uses ({@code 0}: 16
     * per multiprocessor). Tests pass a small number so that modest inputs need several grids'
     * worth of grid-stride iterations.
     */
    public static synchronized Opened open(boolean emulator, double allocFraction, int concurrentGpuTasks,
            int maxBlocksPerGrid) {
        if (!(allocFraction > 0 && allocFraction <= 1)) {
            throw new IllegalArgumentException(ALLOC_FRACTION_SETTING + " must be in (0, 1], not " + allocFraction);
        }
        if (maxBlocksPerGrid < 0) {
            throw new IllegalArgumentException("maxBlocksPerGrid must not be negative: " + maxBlocksPerGrid);
        }
        GpuTaskSemaphore semaphore = new GpuTaskSemaphore(concurrentGpuTasks);
        bind(emulator);
        Optional<String> whyNot = checkDriver();
        if (whyNot.isPresent()) {
            throw new CudaException((emulator ? "the CUDA driver emulator" : "CUDA") + " cannot be used: "
                    + whyNot.get(), -1);
        }
        CudaContext context = new CudaContext(0);
        try {
            KernelModules modules = new KernelModules(context, emulator);
            long free = context.memoryInfo()[0];
            long limit = (long) Math.floor(free * allocFraction);
            int blocks = maxBlocksPerGrid > 0 ? maxBlocksPerGrid : Math.max(1, context.multiprocessors() * 16);
            CudaDevice device = new CudaDevice(context, modules, blocks, emulator);
            return new Opened(device, new ManagedMemoryFactory(context, ALLOC_FRACTION_SETTING), limit, semaphore);
        } catch (RuntimeException e) {
            context.close();
            throw e;
        }
    }

    /**
     * Why {@code spark.ember.device=auto} cannot take the real GPU, or empty when it can: JCuda and
     * the NVIDIA driver load, cuInit succeeds, a device exists and the driver runs CUDA 13 PTX.
     */
    public static synchronized Optional<String> probe() {
        if (binding == Binding.EMULATOR) {
            return Optional.of("this JVM already runs the CUDA driver emulator, so it cannot use a real GPU");
        }
        try {
            bind(false);
        } catch (CudaException e) {
            return Optional.of(e.getMessage());
        }
        return checkDriver();
    }

    private static void bind(boolean emulator) {
        Binding wanted = emulator ? Binding.EMULATOR : Binding.REAL_DRIVER;
        if (binding == wanted) {
            return;
        }
        if (bindingFailure != null) {
            throw new CudaException("an earlier attempt in this JVM to load JCuda failed, and a JVM gets one: "
                    + bindingFailure, -1);
        }
        if (binding != Binding.NONE) {
            throw new CudaException("this JVM already bound JCuda to the "
                    + (binding == Binding.EMULATOR ? "CUDA driver emulator" : "NVIDIA driver")
                    + "; one JVM uses one of them for its lifetime (use a separate JVM)", -1);
        }
        if (emulator) {
            try {
                EmulatorLibrary.load();
            } catch (IllegalStateException e) {
                throw new CudaException(e.getMessage(), e);
            }
        }
        try {
            JCudaDriver.setExceptionsEnabled(false);
        } catch (LinkageError e) {
            bindingFailure = "JCuda's native driver binding could not load (" + e.getMessage() + "): "
                    + (emulator ? "the emulator library did not satisfy it"
                            : "is the NVIDIA driver (libcuda.so.1) installed, and are JCuda's natives for this "
                                    + "platform on the classpath?");
            throw new CudaException(bindingFailure, e);
        }
        binding = wanted;
    }

    private static Optional<String> checkDriver() {
        int result = JCudaDriver.cuInit(0);
        if (result != CUresult.CUDA_SUCCESS) {
            return Optional.of("cuInit failed with " + errorName(result));
        }
        int[] version = new int[1];
        check(JCudaDriver.cuDriverGetVersion(version), "cuDriverGetVersion");
        if (version[0] < MINIMUM_DRIVER_VERSION) {
            return Optional.of("the driver supports CUDA " + version[0] / 1000 + "." + version[0] % 1000 / 10
                    + ", but Ember's kernels are PTX from CUDA 13.0, which needs driver R580 or newer");
        }
        int[] count = new int[1];
        result = JCudaDriver.cuDeviceGetCount(count);
        if (result != CUresult.CUDA_SUCCESS) {
            return Optional.of("cuDeviceGetCount failed with " + errorName(result));
        }
        if (count[0] == 0) {
            return Optional.of("the driver reports no CUDA device");
        }
        return Optional.empty();
    }
}
