package dev.ember.device.cuda;

import static dev.ember.device.cuda.CudaException.check;
import static dev.ember.device.cuda.CudaException.errorName;
import static java.util.Objects.requireNonNull;

import dev.ember.config.EmberConf;
import dev.ember.kernels.EmulatorLibrary;
import java.util.Optional;
import jcuda.driver.CUresult;
import jcuda.driver.JCudaDriver;
import org.apache.arrow.memory.RootAllocator;

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
     * @param memoryLimitBytes the hard cap for that root allocator, and for the managed memory the
     *     factory's pool holds from the driver (cache included): {@code allocFraction} of the
     *     device memory free when the device was opened
     * @param semaphore bounds the tasks using the GPU at once
     */
    public record Opened(CudaDevice device, ManagedMemoryFactory memoryFactory, long memoryLimitBytes,
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

        /**
         * A new root allocator of the device's managed memory, capped at {@link #memoryLimitBytes()}, as an
         * executor's is: every buffer it gives can be read by the device's kernels. The caller owns it and
         * closes it before the device; closing it fails when a buffer is still open.
         */
        public RootAllocator newRootAllocator() {
            return new RootAllocator(RootAllocator.configBuilder()
                    .allocationManagerFactory(memoryFactory)
                    .maxAllocation(memoryLimitBytes)
                    .build());
        }
    }

    /**
     * How to open a device.
     *
     * @param emulator run on Ember's CUDA driver emulator instead of the NVIDIA driver
     * @param ordinal the CUDA device ordinal and where it came from
     * @param allocFraction the share of the device memory free now that Ember may hold, in (0, 1]
     * @param concurrentGpuTasks how many tasks may use the GPU at once, at least 1
     * @param maxBlocksPerGrid the most blocks one launch uses; 0: 16 per multiprocessor
     * @param caching keep freed managed memory for reuse ({@code spark.ember.memory.gpu.caching})
     * @param memoryCapBytes a fixed cap in bytes instead of {@code allocFraction} of the free memory
     *     (tests and benchmarks), or 0
     * @param unifiedCpuShare on a device that shares the host's memory, the share of the total left to the
     *     CPU side ({@code spark.ember.memory.unified.cpuShare}), in [0, 1); see {@link MemoryModel#poolCapBytes}
     */
    public record Settings(boolean emulator, DeviceOrdinal ordinal, double allocFraction, int concurrentGpuTasks,
            int maxBlocksPerGrid, boolean caching, long memoryCapBytes, double unifiedCpuShare) {
        public Settings {
            requireNonNull(ordinal, "ordinal is null");
            if (!(allocFraction > 0 && allocFraction <= 1)) {
                throw new IllegalArgumentException(ALLOC_FRACTION_SETTING + " must be in (0, 1], not " + allocFraction);
            }
            if (concurrentGpuTasks < 1) {
                throw new IllegalArgumentException("spark.ember.concurrentGpuTasks must be at least 1, not "
                        + concurrentGpuTasks);
            }
            if (maxBlocksPerGrid < 0) {
                throw new IllegalArgumentException("maxBlocksPerGrid must not be negative: " + maxBlocksPerGrid);
            }
            if (memoryCapBytes < 0) {
                throw new IllegalArgumentException("memoryCapBytes must not be negative: " + memoryCapBytes);
            }
            if (!(unifiedCpuShare >= 0 && unifiedCpuShare < 1)) {
                throw new IllegalArgumentException(EmberConf.UNIFIED_MEMORY_CPU_SHARE.key() + " must be in [0, 1), not "
                        + unifiedCpuShare);
            }
        }

        /** Device 0, default grids, caching on, the cap from {@code allocFraction}, the default CPU share. */
        public static Settings of(boolean emulator, double allocFraction, int concurrentGpuTasks) {
            return new Settings(emulator, DeviceOrdinal.configured(0), allocFraction, concurrentGpuTasks, 0, true, 0,
                    EmberConf.UNIFIED_MEMORY_CPU_SHARE.defaultValue());
        }

        /**
         * Device {@code ordinal} with the memory and concurrency settings of {@code conf}, as an executor reads
         * them ({@code ember doctor} and {@code ember bench kernels} open their device so), default grids.
         */
        public static Settings of(boolean emulator, int ordinal, EmberConf conf) {
            requireNonNull(conf, "conf is null");
            return new Settings(emulator, DeviceOrdinal.configured(ordinal), conf.get(EmberConf.GPU_ALLOC_FRACTION),
                    conf.get(EmberConf.CONCURRENT_GPU_TASKS), 0, conf.get(EmberConf.GPU_MEMORY_CACHING), 0,
                    conf.get(EmberConf.UNIFIED_MEMORY_CPU_SHARE));
        }

        public Settings withOrdinal(DeviceOrdinal newOrdinal) {
            return new Settings(emulator, newOrdinal, allocFraction, concurrentGpuTasks, maxBlocksPerGrid, caching,
                    memoryCapBytes, unifiedCpuShare);
        }

        public Settings withMaxBlocksPerGrid(int blocks) {
            return new Settings(emulator, ordinal, allocFraction, concurrentGpuTasks, blocks, caching, memoryCapBytes,
                    unifiedCpuShare);
        }

        public Settings withCaching(boolean cache) {
            return new Settings(emulator, ordinal, allocFraction, concurrentGpuTasks, maxBlocksPerGrid, cache,
                    memoryCapBytes, unifiedCpuShare);
        }

        public Settings withMemoryCapBytes(long capBytes) {
            return new Settings(emulator, ordinal, allocFraction, concurrentGpuTasks, maxBlocksPerGrid, caching,
                    capBytes, unifiedCpuShare);
        }

        public Settings withUnifiedCpuShare(double share) {
            return new Settings(emulator, ordinal, allocFraction, concurrentGpuTasks, maxBlocksPerGrid, caching,
                    memoryCapBytes, share);
        }
    }

    private CudaDevices() {}

    /**
     * Opens device 0 with the default grid size (16 blocks per multiprocessor) and caching on.
     *
     * @param emulator run on Ember's CUDA driver emulator instead of the NVIDIA driver
     * @param allocFraction the share of the device memory free now that Ember may hold, in (0, 1]
     * @param concurrentGpuTasks how many tasks may use the GPU at once, at least 1
     * @throws CudaException saying exactly why CUDA cannot be used
     */
    public static Opened open(boolean emulator, double allocFraction, int concurrentGpuTasks) {
        return open(Settings.of(emulator, allocFraction, concurrentGpuTasks));
    }

    /**
     * As {@link #open(boolean, double, int)}, with the most blocks one launch uses ({@code 0}: 16
     * per multiprocessor). Tests pass a small number so that modest inputs need several grids'
     * worth of grid-stride iterations.
     */
    public static Opened open(boolean emulator, double allocFraction, int concurrentGpuTasks, int maxBlocksPerGrid) {
        return open(Settings.of(emulator, allocFraction, concurrentGpuTasks).withMaxBlocksPerGrid(maxBlocksPerGrid));
    }

    /**
     * Opens the device {@code settings} name: binds JCuda, checks the driver and that the ordinal
     * exists, retains its primary context, loads the kernels and sets up the managed-memory pool.
     *
     * @throws CudaException saying exactly why CUDA cannot be used (for a missing ordinal: the
     *     settings that chose it)
     */
    public static synchronized Opened open(Settings settings) {
        requireNonNull(settings, "settings is null");
        boolean emulator = settings.emulator();
        GpuTaskSemaphore semaphore = new GpuTaskSemaphore(settings.concurrentGpuTasks());
        bind(emulator);
        String driver = emulator ? "the CUDA driver emulator" : "CUDA";
        Optional<String> whyNot = checkDriver();
        if (whyNot.isPresent()) {
            throw new CudaException(driver + " cannot be used: " + whyNot.get(), -1);
        }
        int count = deviceCount();
        if (settings.ordinal().ordinal() >= count) {
            throw new CudaException(driver + " cannot be used: " + settings.ordinal().missingDeviceMessage(count,
                    System.getenv("CUDA_VISIBLE_DEVICES")), -1);
        }
        CudaContext context = new CudaContext(settings.ordinal().ordinal());
        try {
            KernelModules modules = new KernelModules(context, emulator);
            long[] memory = context.memoryInfo();
            long limit = settings.memoryCapBytes() > 0 ? settings.memoryCapBytes()
                    : context.memoryModel().poolCapBytes(memory[0], memory[1], settings.allocFraction(),
                            settings.unifiedCpuShare());
            ManagedMemoryPool pool = new ManagedMemoryPool(context, Math.max(1, limit), settings.caching(),
                    emulator && emulatorPoisonsAllocations(), ALLOC_FRACTION_SETTING);
            int blocks = settings.maxBlocksPerGrid() > 0 ? settings.maxBlocksPerGrid()
                    : Math.max(1, context.multiprocessors() * 16);
            CudaDevice device = new CudaDevice(context, modules, pool, blocks, emulator);
            return new Opened(device, new ManagedMemoryFactory(pool), limit, semaphore);
        } catch (RuntimeException e) {
            context.close();
            throw e;
        }
    }

    /**
     * Whether the emulator fills new allocations with {@code 0xA5}: its {@code EMBER_EMULATOR_POISON}
     * switch, read from the environment with the emulator's own rule (set, not empty, not {@code 0},
     * not {@code false}; see kernels/src/main/emulator/switches.cpp). The pool then poisons reused
     * blocks too.
     */
    static boolean emulatorPoisonsAllocations() {
        String value = System.getenv("EMBER_EMULATOR_POISON");
        return value != null && !value.isEmpty() && !value.equals("0") && !value.equals("false");
    }

    /**
     * Why {@code spark.ember.device=auto} cannot take the real GPU, or empty when it can: JCuda and
     * the NVIDIA driver load, cuInit succeeds, a device exists and the driver runs CUDA 13 PTX.
     */
    public static Optional<String> probe() {
        return probe(false);
    }

    /**
     * As {@link #probe()} for the NVIDIA driver ({@code emulator} false) or for Ember's CUDA driver
     * emulator, which tests use to stand in for it.
     */
    public static synchronized Optional<String> probe(boolean emulator) {
        if (!emulator && binding == Binding.EMULATOR) {
            return Optional.of("this JVM already runs the CUDA driver emulator, so it cannot use a real GPU");
        }
        try {
            bind(emulator);
        } catch (CudaException e) {
            return Optional.of(e.getMessage());
        }
        return checkDriver();
    }

    /**
     * Why CUDA cannot be used, in a line for a command's report: JCuda's loader failure lists both attempts
     * with their stack traces, and what matters is which library was missing. Other reasons pass unchanged
     * when they are one line; a longer one keeps its first line and the linker's message.
     */
    public static String shortReason(String reason) {
        if (reason.contains("libcuda.so.1: cannot open shared object file")) {
            return "the NVIDIA driver's libcuda.so.1 is not installed: this machine has no NVIDIA driver (no GPU)";
        }
        int newline = reason.indexOf('\n');
        if (newline < 0) {
            return reason;
        }
        String first = reason.substring(0, newline);
        int linkError = reason.lastIndexOf("UnsatisfiedLinkError: ");
        String cause = linkError < 0 ? "" : reason.substring(linkError + "UnsatisfiedLinkError: ".length());
        cause = cause.contains("\n") ? cause.substring(0, cause.indexOf('\n')) : cause;
        return first + (cause.isEmpty() ? "" : "): " + cause);
    }

    /**
     * Binds JCuda to the emulator or the NVIDIA driver for this JVM's lifetime, for callers that query the
     * driver directly ({@link CudaInventory}); {@link #open} and {@link #probe} bind on their own.
     *
     * @throws CudaException when JCuda's natives or the driver cannot load, or the JVM is bound to the other
     */
    static synchronized void bindDriver(boolean emulator) {
        bind(emulator);
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

    // after checkDriver succeeded
    private static int deviceCount() {
        int[] count = new int[1];
        check(JCudaDriver.cuDeviceGetCount(count), "cuDeviceGetCount");
        return count[0];
    }
}
