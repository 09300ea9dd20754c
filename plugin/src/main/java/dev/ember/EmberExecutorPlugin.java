package dev.ember;

import dev.ember.config.EmberConf;
import dev.ember.device.DeviceSelector;
import dev.ember.device.Devices;
import dev.ember.memory.EmberMemory;
import java.io.IOException;
import java.util.Map;
import org.apache.spark.api.plugin.ExecutorPlugin;
import org.apache.spark.api.plugin.PluginContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Ember's executor side: chooses the device and sets up Ember's memory once per executor JVM, and
 * reports the choice to the driver.
 */
public final class EmberExecutorPlugin implements ExecutorPlugin {
    private static final Logger LOG = LoggerFactory.getLogger(EmberExecutorPlugin.class);

    @Override
    public void init(PluginContext context, Map<String, String> extraConf) {
        EmberConf conf = EmberConf.of(context.conf());
        DeviceSelector.Selection selection = Devices.initialize(conf);
        EmberMemory.root();
        LOG.warn("Ember {} on executor {}: device {} ({})", EmberVersion.get(), context.executorID(),
                selection.device().name(), selection.reason());
        try {
            context.send(new DeviceReport(context.executorID(), context.hostname(), selection.device().name(),
                    selection.reason()));
        } catch (IOException | RuntimeException e) {
            LOG.warn("Ember could not tell the driver which device executor {} uses: {}", context.executorID(),
                    e.toString());
        }
    }
}
