package dev.ember.plan;

import static java.util.Objects.requireNonNull;

import dev.ember.config.EmberConf;
import dev.ember.device.Device;
import dev.ember.device.ExecutorDevices;
import dev.ember.device.selection.Devices;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.spark.sql.internal.SQLConf;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The rule that {@code spark.ember.device=auto} never slows a query down: without a usable GPU, and
 * until Ember's host engine is measured faster than Spark on every benchmark and scale, {@code auto} leaves
 * every query to Spark ({@code spark.ember.device.autoWithoutGpu=spark}, the default) and says so once
 * in the driver log. {@code spark.ember.device=host}, or {@code autoWithoutGpu=host}, runs the host
 * engine anyway.
 *
 * <p>Whether there is a GPU is known where the plan is made: in local mode the driver's JVM is the
 * executor and has chosen its device; a cluster's driver chooses none and goes by what its executors
 * reported, or, before any reported, by whether Spark schedules GPUs for them
 * ({@code spark.executor.resource.gpu.amount}).
 */
public final class AutoDevicePolicy {
    private static final Logger LOG = LoggerFactory.getLogger(AutoDevicePolicy.class);
    private static final Set<String> LOGGED = ConcurrentHashMap.newKeySet();

    static final String GPU_AMOUNT_KEY = "spark.executor.resource.gpu.amount";

    private AutoDevicePolicy() {}

    /**
     * Why this query stays in Spark under {@code auto}, or empty when Ember plans it; logs the reason the
     * first time it is given.
     */
    static Optional<String> leaveToSpark(EmberConf conf, SQLConf sqlConf) {
        Optional<String> localDevice = Devices.chosen().map(Device::name);
        Optional<String> reason = leaveToSpark(conf.get(EmberConf.DEVICE), conf.get(EmberConf.AUTO_WITHOUT_GPU),
                sqlConf.getConfString("spark.master", "local").startsWith("local"), localDevice,
                ExecutorDevices.anyGpu(), sqlConf.getConfString(GPU_AMOUNT_KEY, "0"));
        reason.ifPresent(text -> {
            if (LOGGED.add(text)) {
                LOG.warn("Ember leaves queries to Spark: {}", text);
            }
        });
        return reason;
    }

    /**
     * The decision itself, from what the planner knows.
     *
     * @param device the value of {@code spark.ember.device}
     * @param autoWithoutGpu the value of {@code spark.ember.device.autoWithoutGpu}
     * @param localMode whether the driver's JVM runs the tasks ({@code local} master)
     * @param localDevice in local mode, the name of the device this JVM chose, if chosen yet
     * @param reportedGpu whether any executor reported a GPU; empty when none reported yet
     * @param executorGpuAmount the value of {@code spark.executor.resource.gpu.amount}
     */
    public static Optional<String> leaveToSpark(String device, String autoWithoutGpu, boolean localMode,
            Optional<String> localDevice, Optional<Boolean> reportedGpu, String executorGpuAmount) {
        requireNonNull(localDevice, "localDevice is null");
        requireNonNull(reportedGpu, "reportedGpu is null");
        if (!device.equals("auto") || autoWithoutGpu.equals("host")) {
            return Optional.empty();
        }
        String advice = "; set spark.ember.device=host (or spark.ember.device.autoWithoutGpu=host) to run Ember's"
                + " host engine on the CPU anyway";
        String why = "spark.ember.device=auto found no usable GPU and Ember's host engine is not yet measured faster"
                + " than Spark on every benchmark and scale (docs/benchmark.md)";
        if (localMode) {
            // not chosen yet: the executor side has not started; it will choose, so plan with Ember
            return localDevice.filter(name -> !ExecutorDevices.isGpu(name))
                    .map(name -> why + " (this JVM's device: " + name + ")" + advice);
        }
        if (reportedGpu.isPresent()) {
            return reportedGpu.get() ? Optional.empty()
                    : Optional.of(why + " (every executor that reported chose the host)" + advice);
        }
        if (gpusScheduled(executorGpuAmount)) {
            return Optional.empty();
        }
        return Optional.of(why + " (no executor has reported a GPU yet and " + GPU_AMOUNT_KEY + " is not set)"
                + advice);
    }

    private static boolean gpusScheduled(String amount) {
        try {
            return Double.parseDouble(amount.trim()) > 0;
        } catch (NumberFormatException e) {
            return false;
        }
    }
}
