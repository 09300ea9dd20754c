package dev.ember.device;

import static java.util.Objects.requireNonNull;

import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The driver's record of the devices its executors chose, as they reported them: what the planner of a
 * cluster's driver, which chooses no device itself, knows about the executors' GPUs.
 *
 * <p>One record per JVM; the driver side of the plugin clears it when an application starts. Thread-safe.
 */
public final class ExecutorDevices {
    private static final Map<String, Boolean> GPU_BY_EXECUTOR = new ConcurrentHashMap<>();

    private ExecutorDevices() {}

    /** Forgets every report (a new application starts in this JVM). */
    public static void clear() {
        GPU_BY_EXECUTOR.clear();
    }

    /**
     * Records that executor {@code executorId} chose the device named {@code deviceName} (a name as
     * {@link Device#name()} gives it: {@code host}, or {@code cuda:0 (...)}, or {@code emulator:0 (...)}).
     */
    public static void record(String executorId, String deviceName) {
        requireNonNull(executorId, "executorId is null");
        requireNonNull(deviceName, "deviceName is null");
        GPU_BY_EXECUTOR.put(executorId, isGpu(deviceName));
    }

    /** Whether a device name (as {@link Device#name()} gives it) names a GPU or the emulator, not the host. */
    public static boolean isGpu(String deviceName) {
        requireNonNull(deviceName, "deviceName is null");
        return !deviceName.equals("host") && !deviceName.startsWith("host ");
    }

    /** Whether any executor reported a GPU (or the emulator), or empty when none has reported yet. */
    public static Optional<Boolean> anyGpu() {
        if (GPU_BY_EXECUTOR.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(GPU_BY_EXECUTOR.containsValue(Boolean.TRUE));
    }
}
