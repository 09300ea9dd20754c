package dev.ember.device.selection;

import dev.ember.config.EmberConf;
import dev.ember.device.Device;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one device of this JVM. The executor side of the plugin chooses it at start-up; code that runs
 * before that (the driver in local mode, tests) gets it chosen with the settings it passes.
 */
public final class Devices {
    private static final Logger LOG = LoggerFactory.getLogger(Devices.class);

    private static volatile DeviceSelector.Selection selection;

    private Devices() {}

    /** Chooses the device once; later calls return the first choice. */
    public static DeviceSelector.Selection initialize(EmberConf conf) {
        return initialize(conf, java.util.List.of());
    }

    /**
     * Chooses the device once, on the first of {@code assignedGpuAddresses} (the GPUs Spark assigned
     * this executor) when there is one; later calls return the first choice.
     */
    public static synchronized DeviceSelector.Selection initialize(EmberConf conf,
            java.util.List<String> assignedGpuAddresses) {
        if (selection == null) {
            selection = DeviceSelector.select(conf, assignedGpuAddresses);
            dev.ember.memory.EmberMemory.gateTasks(Devices::acquireTaskPermit);
            selection.memoryFactory().ifPresent(factory -> dev.ember.memory.EmberMemory.initialize(factory,
                    selection.memoryLimitBytes(), selection.memoryLimitSetting()));
            LOG.info("Ember device: {} ({})", selection.device().name(), selection.reason());
        }
        return selection;
    }

    /** The device of this JVM, choosing the default ({@code auto}) when none was chosen yet. */
    public static Device current() {
        DeviceSelector.Selection current = selection;
        if (current == null) {
            current = initialize(EmberConf.of(key -> java.util.Optional.empty()));
        }
        return current.device();
    }

    /**
     * Waits until the running task may use the device ({@code spark.ember.concurrentGpuTasks}); the
     * returned permit is released when closed. Devices without a limit return a permit at once.
     */
    public static AutoCloseable acquireTaskPermit() {
        DeviceSelector.Selection current = selection;
        if (current == null || current.taskSemaphore().isEmpty()) {
            return () -> { };
        }
        try {
            return current.taskSemaphore().get().acquire();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for the GPU (spark.ember.concurrentGpuTasks)",
                    e);
        }
    }

    /** The device of this JVM if one was chosen; the driver of a cluster never chooses one. */
    public static java.util.Optional<Device> chosen() {
        DeviceSelector.Selection current = selection;
        return current == null ? java.util.Optional.empty() : java.util.Optional.of(current.device());
    }

    /**
     * The managed-memory pool's counters of the chosen CUDA device, or empty when none was chosen
     * or the device is the host.
     */
    public static java.util.Optional<dev.ember.device.cuda.ManagedMemoryStatistics> memoryStatistics() {
        DeviceSelector.Selection current = selection;
        if (current == null || !(current.device() instanceof dev.ember.device.cuda.CudaDevice cuda)) {
            return java.util.Optional.empty();
        }
        return java.util.Optional.of(cuda.memoryStatistics());
    }

    /** The chosen device's name, or {@code not chosen yet}. */
    public static String describe() {
        DeviceSelector.Selection current = selection;
        return current == null ? "chosen by each executor, see the executor logs"
                : current.device().name() + " (" + current.reason() + ")";
    }
}
