package dev.ember.device;

import dev.ember.config.EmberConf;
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
    public static synchronized DeviceSelector.Selection initialize(EmberConf conf) {
        if (selection == null) {
            selection = DeviceSelector.select(conf);
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

    /** The chosen device's name, or {@code not chosen yet}. */
    public static String describe() {
        DeviceSelector.Selection current = selection;
        return current == null ? "chosen by each executor, see the executor logs"
                : current.device().name() + " (" + current.reason() + ")";
    }
}
