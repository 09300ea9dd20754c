package dev.ember.doctor;

import static java.util.Objects.requireNonNull;

import dev.ember.config.EmberConf;
import dev.ember.config.EmberVersion;
import dev.ember.device.conformance.ConformanceSuite;
import dev.ember.device.cuda.CudaDevice;
import dev.ember.device.cuda.CudaDevices;
import dev.ember.device.cuda.CudaException;
import dev.ember.device.cuda.CudaInventory.DeviceInfo;
import dev.ember.device.cuda.CudaInventory.Inventory;
import dev.ember.device.cuda.CudaInventory;
import dev.ember.device.cuda.MemoryModel;
import dev.ember.device.host.HostDevice;
import dev.ember.plan.AutoDevicePolicy;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.apache.arrow.memory.RootAllocator;

/**
 * The checks of {@code ember doctor}, printed as they run. In order: the platform; whether JCuda's driver
 * binding loads; the driver version; each device (name, compute capability, memory, memory model) and
 * whether Ember's kernels load on it (the device is opened as an executor opens it: primary context,
 * kernel modules, managed-memory pool); what {@code spark.ember.device=auto} would choose and why, and
 * what the planner then does ({@link AutoDevicePolicy}); then the kernel conformance suite
 * ({@link ConformanceSuite}) on the chosen device. The last line is {@code N passed, M failed}.
 *
 * <p>The GPU path is usable when the device opened with its kernels and every check passed. One instance
 * runs once; the JVM stays bound to the driver it checked (see {@link CudaDevices}).
 */
final class Doctor {

    private final DoctorOptions options;
    private final PrintStream out;

    Doctor(DoctorOptions options, PrintStream out) {
        this.options = requireNonNull(options, "options is null");
        this.out = requireNonNull(out, "out is null");
    }

    /** Runs every check, printing the report; returns whether Ember's GPU path is usable. */
    boolean run() {
        boolean emulator = options.emulator();
        String driver = emulator ? "Ember's CUDA driver emulator" : "the NVIDIA driver";
        out.println("Ember doctor " + EmberVersion.get() + ": can Ember's CUDA path run here? (checking " + driver + ")");
        out.println("platform: " + System.getProperty("os.name") + " " + System.getProperty("os.arch") + ", Java "
                + System.getProperty("java.version") + " (" + System.getProperty("java.vendor") + ")");
        EmberConf conf = options.conf();
        conf.validate();

        Inventory inventory = CudaInventory.read(emulator);
        if (inventory.bindingFailure().isPresent()) {
            String why = shortReason(inventory.bindingFailure().get());
            out.println("JCuda driver binding: could not load: " + why);
            if (options.verbose()) {
                out.println(inventory.bindingFailure().get());
            }
            return noGpu(why);
        }
        out.println("JCuda driver binding: loaded (" + (emulator ? "bound to the emulator's libcuda.so.1"
                : "bound to the system's libcuda.so.1") + ")");
        out.println("driver: " + inventory.driverVersion().stream()
                .mapToObj(version -> "CUDA " + Inventory.cudaVersion(version) + " (cuDriverGetVersion " + version + ")"
                        + (version < CudaDevices.MINIMUM_DRIVER_VERSION
                                ? "; too old: Ember's PTX is from CUDA 13.0 and needs driver R580 or newer" : ""))
                .findFirst().orElse("version unknown (cuDriverGetVersion failed)"));
        if (inventory.initFailure().isPresent()) {
            out.println("devices: none usable: " + inventory.initFailure().get());
        } else {
            out.println("devices: " + inventory.devices().size());
        }
        inventory.deviceFailures().forEach(failure -> out.println("  " + failure));

        Optional<String> probeFailure = probe(emulator);
        List<CudaDevices.Opened> opened = new ArrayList<>();
        CudaDevices.Opened chosen = null;
        try {
            for (DeviceInfo device : inventory.devices()) {
                describe(device);
                if (probeFailure.isPresent()) {
                    continue;  // the driver is unusable as a whole: said below
                }
                try {
                    CudaDevices.Opened one = CudaDevices.open(CudaDevices.Settings.of(emulator, device.ordinal(), conf));
                    opened.add(one);
                    out.println("     kernels: load (" + kernelImage(one.device()) + ")");
                    out.println("     memory pool: Ember may hold up to " + gib(one.memoryLimitBytes()) + " here ("
                            + poolRule(device.memoryModel(), conf) + ")");
                    if (device.ordinal() == options.ordinal()) {
                        chosen = one;
                    }
                } catch (CudaException | LinkageError e) {
                    out.println("     kernels: do not load: " + e.getMessage());
                }
            }
            String reason = probeFailure.map(Doctor::shortReason).orElse(null);
            if (reason == null && chosen == null) {
                reason = options.ordinal() >= inventory.devices().size()
                        ? "device " + options.ordinal() + " does not exist (the driver reports "
                                + inventory.devices().size() + "; choose one with --ordinal)"
                        : "device " + options.ordinal() + " did not open (see above)";
            }
            if (reason != null) {
                return noGpu(reason);
            }
            reportAuto(chosen.device());
            return runSuite(chosen);
        } finally {
            for (CudaDevices.Opened one : opened) {
                one.device().close();
            }
        }
    }

    private Optional<String> probe(boolean emulator) {
        try {
            return CudaDevices.probe(emulator);
        } catch (CudaException | LinkageError e) {
            return Optional.of(e.getMessage());
        }
    }

    private void describe(DeviceInfo device) {
        out.println("  " + device.ordinal() + ": " + device.name() + ", compute capability " + device.computeMajor() + "."
                + device.computeMinor() + " (" + device.architecture() + "), " + device.multiprocessors()
                + " multiprocessors, " + gib(device.totalBytes()) + (device.managedMemory() ? "" : ", NO managed memory"));
        out.println("     memory: " + device.memoryModel().name().toLowerCase(Locale.ROOT).replace('_', ' ') + ": "
                + device.memoryModel().description() + " (integrated " + device.integrated()
                + ", pageable access through host page tables " + device.hostPageTables()
                + ", concurrent managed access " + device.concurrentManagedAccess() + ")");
    }

    private static String kernelImage(CudaDevice device) {
        // the device's name says "fatbin kernels" or "PTX kernels"
        return device.name().contains("fatbin kernels") ? "fatbin: SASS for the shipped architectures, PTX for others"
                : "PTX compute_75, compiled by the driver";
    }

    private static String poolRule(MemoryModel model, EmberConf conf) {
        String fraction = EmberConf.GPU_ALLOC_FRACTION.key() + "=" + conf.get(EmberConf.GPU_ALLOC_FRACTION)
                + " of the free memory";
        return model.sharesHostMemory() ? fraction + ", at most (1 - " + EmberConf.UNIFIED_MEMORY_CPU_SHARE.key()
                + "=" + conf.get(EmberConf.UNIFIED_MEMORY_CPU_SHARE) + ") of the total, the rest left to the CPU side"
                : fraction;
    }

    private void reportAuto(CudaDevice device) {
        if (options.emulator()) {
            out.println("spark.ember.device=auto: never picks the emulator; standing in for the NVIDIA driver, it"
                    + " would choose " + device.name() + " and plan queries with Ember");
        } else {
            out.println("spark.ember.device=auto: would choose " + device.name() + " (spark.ember.cuda.deviceOrdinal="
                    + options.ordinal() + ") and plan queries with Ember");
        }
    }

    /** Reports the host fallback and what the planner does then; the GPU path is not usable. */
    private boolean noGpu(String reason) {
        out.println("spark.ember.device=auto: would choose the host: " + reason);
        String host;
        try (HostDevice device = new HostDevice()) {
            host = device.name();
        }
        Optional<String> planner = AutoDevicePolicy.leaveToSpark("auto", EmberConf.AUTO_WITHOUT_GPU.defaultValue(), true,
                Optional.of(host), Optional.empty(), "0");
        out.println("  then, with " + EmberConf.AUTO_WITHOUT_GPU.key() + "=" + EmberConf.AUTO_WITHOUT_GPU.defaultValue()
                + " (the default): " + planner.map(why -> "Ember leaves every query to Spark: " + why)
                        .orElse("Ember plans queries on the host"));
        out.println("  spark.ember.device=cuda would stop the executor with this reason.");
        out.println("conformance suite: not run (no usable CUDA device)");
        out.println("GPU path: NOT usable: " + reason);
        out.println("0 passed, 0 failed");
        return false;
    }

    private boolean runSuite(CudaDevices.Opened opened) {
        CudaDevice device = opened.device();
        out.println("conformance suite on " + device.name().substring(0, device.name().indexOf(' ')) + " against the"
                + " host device (seed " + options.seed() + "; rerun with --seed " + options.seed() + "):");
        ConformanceSuite.Report report;
        try (RootAllocator root = opened.newRootAllocator()) {
            long prefetchesBefore = device.prefetchCount();
            report = ConformanceSuite.run(device, () -> root.newChildAllocator("doctor", 0, Long.MAX_VALUE),
                    options.seed(), result -> out.println(String.format(Locale.ROOT, "  %-4s %s (%d ms)%s",
                            result.passed() ? "ok" : "FAIL", result.name(), result.nanos() / 1_000_000,
                            result.failure().map(failure -> "\n         " + failure).orElse(""))));
            out.println("managed memory: " + device.prefetchCount() + " prefetches during the suite ("
                    + device.memoryModel().name().toLowerCase(Locale.ROOT).replace('_', ' ') + "); pool: "
                    + device.memoryStatistics());
            if (device.memoryModel() != MemoryModel.DISCRETE && device.prefetchCount() != prefetchesBefore) {
                out.println("  unexpected: prefetches on a device that shares the host's memory");
            }
        }
        boolean usable = report.failed() == 0;
        out.println(usable ? "GPU path: usable" : "GPU path: NOT usable: " + report.failed()
                + " conformance checks failed (the device's kernels answer differently from the host)");
        out.println(report.summary());
        return usable;
    }

    /** {@link CudaDevices#shortReason}, saying where the whole of a shortened message is. */
    static String shortReason(String reason) {
        String line = CudaDevices.shortReason(reason);
        return line.equals(reason) || line.endsWith("(no GPU)") ? line
                : line + " (--verbose prints JCuda's whole message)";
    }

    private static String gib(long bytes) {
        return String.format(Locale.ROOT, "%.1f GiB", bytes / (double) (1L << 30));
    }
}
