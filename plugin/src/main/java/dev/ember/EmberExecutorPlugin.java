package dev.ember;

import dev.ember.config.EmberConf;
import dev.ember.config.EmberVersion;
import dev.ember.device.Device;
import dev.ember.device.cuda.CudaDevice;
import dev.ember.device.cuda.DeviceOrdinal;
import dev.ember.device.selection.DeviceSelector;
import dev.ember.device.selection.Devices;
import dev.ember.exec.spill.HostSpillTier;
import dev.ember.memory.EmberMemory;
import java.io.IOException;
import java.util.Map;
import org.apache.spark.api.plugin.ExecutorPlugin;
import org.apache.spark.api.plugin.PluginContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Ember's executor side: chooses the device and sets up Ember's memory once per executor JVM (with the
 * fault injection of {@code spark.ember.test.injectOom}, for tests) and the host tier of its spills, and
 * reports the choice to the driver.
 */
public final class EmberExecutorPlugin implements ExecutorPlugin {
    private static final Logger LOG = LoggerFactory.getLogger(EmberExecutorPlugin.class);

    /**
     * The executor's host. Spark's {@code PluginContext.hostname()} reads the RPC address, which
     * executors of a standalone cluster do not have (it throws there), so fall back to the JVM's view.
     */
    static String hostname(PluginContext context) {
        try {
            String name = context.hostname();
            if (name != null) {
                return name;
            }
        } catch (RuntimeException e) {
            // fall through to the local host name
        }
        try {
            return java.net.InetAddress.getLocalHost().getHostName();
        } catch (java.io.IOException e) {
            return "unknown host";
        }
    }

    /** The setting, or Spark's off-heap size when off-heap memory is on, or a quarter of the heap. */
    static long hostMemoryLimit(PluginContext context, EmberConf conf) {
        long limit = conf.get(EmberConf.HOST_MEMORY_LIMIT);
        if (limit > 0) {
            return limit;
        }
        if (context.conf().getBoolean("spark.memory.offHeap.enabled", false)) {
            long offHeap = context.conf().getSizeAsBytes("spark.memory.offHeap.size", "0");
            if (offHeap > 0) {
                return offHeap;
            }
        }
        return EmberMemory.defaultHostLimit();
    }

    /**
     * The host spill tier's capacity: the setting, or for {@code -1} 1 GiB (at most a quarter of the heap) on
     * a discrete GPU and 0 where the device's memory is host memory (the host device, coherent GPUs).
     */
    public static long hostSpillBytes(Device device, EmberConf conf) {
        long bytes = conf.get(EmberConf.HOST_SPILL_BYTES);
        if (bytes >= 0) {
            return bytes;
        }
        boolean discrete = device instanceof CudaDevice cuda && !cuda.memoryModel().sharesHostMemory();
        return discrete ? Math.min(1L << 30, EmberMemory.defaultHostLimit()) : 0;
    }

    @Override
    public void init(PluginContext context, Map<String, String> extraConf) {
        EmberConf conf = EmberConf.of(context.conf());
        DeviceSelector.Selection selection = Devices.initialize(conf,
                DeviceOrdinal.assignedGpuAddresses(context.resources()));
        if (!EmberMemory.isInitialized()) {
            EmberMemory.initialize(null, hostMemoryLimit(context, conf), EmberConf.HOST_MEMORY_LIMIT.key());
        }
        EmberMemory.manager().injectOom(conf.get(EmberConf.TEST_INJECT_OOM));
        HostSpillTier.install(HostSpillTier.withCapacity(hostSpillBytes(selection.device(), conf)));
        LOG.warn("Ember {} on executor {}: device {} ({})", EmberVersion.get(), context.executorID(),
                selection.device().name(), selection.reason());
        try {
            context.send(new DeviceReport(context.executorID(), hostname(context), selection.device().name(),
                    selection.reason()));
        } catch (IOException | RuntimeException e) {
            LOG.warn("Ember could not tell the driver which device executor {} uses: {}", context.executorID(),
                    e.toString());
        }
    }

    /**
     * Logs the managed-memory pool's counters of a CUDA device and the host spill tier's, once, as the
     * executor stops, and releases the tier.
     */
    @Override
    public void shutdown() {
        Devices.memoryStatistics().ifPresent(statistics -> LOG.info("Ember {}", statistics.describe()));
        HostSpillTier tier = HostSpillTier.current();
        if (tier.capacityBytes() > 0) {
            LOG.info("Ember {}", tier.statistics().describe());
        }
        HostSpillTier.install(HostSpillTier.disabled());
    }
}
