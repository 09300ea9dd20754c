package dev.ember;

import dev.ember.config.EmberConf;
import dev.ember.config.EmberVersion;
import dev.ember.device.ExecutorDevices;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import org.apache.spark.SparkConf;
import org.apache.spark.SparkContext;
import org.apache.spark.api.plugin.DriverPlugin;
import org.apache.spark.api.plugin.PluginContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Ember's driver side: checks Ember's settings, adds {@link EmberExtensions} to
 * {@code spark.sql.extensions} (Spark reads that list when the session is built, after plugins start),
 * and logs what each executor chose as its device.
 */
public final class EmberDriverPlugin implements DriverPlugin {
    private static final Logger LOG = LoggerFactory.getLogger(EmberDriverPlugin.class);

    static final String EXTENSIONS_KEY = "spark.sql.extensions";

    private volatile SparkContext context;

    @Override
    public Map<String, String> init(SparkContext context, PluginContext pluginContext) {
        this.context = context;
        ExecutorDevices.clear();
        SparkConf conf = pluginContext.conf();
        // a bad setting stops the application here, with a message that names it
        EmberConf.of(conf).validate();
        Set<String> extensions = new LinkedHashSet<>();
        for (String name : conf.get(EXTENSIONS_KEY, "").split(",")) {
            if (!name.isBlank()) {
                extensions.add(name.trim());
            }
        }
        extensions.add(EmberExtensions.class.getName());
        conf.set(EXTENSIONS_KEY, String.join(",", extensions));
        LOG.warn("Ember {} is on: spark.ember.device={}, spark.ember.enabled={} (Spark {})", EmberVersion.get(),
                EmberConf.of(conf).get(EmberConf.DEVICE), EmberConf.of(conf).get(EmberConf.ENABLED),
                context.version());
        return Map.of();
    }

    @Override
    public Object receive(Object message) {
        if (message instanceof DeviceReport report) {
            LOG.warn("Ember on executor {} (host {}): device {} ({})", report.executorId(), report.hostname(),
                    report.device(), report.reason());
            // the planner's spark.ember.device=auto decision on a cluster's driver reads these
            ExecutorDevices.record(report.executorId(), report.device());
            SparkContext context = this.context;
            if (context != null) {
                // into the event log, for the tuner
                context.listenerBus().post(EmberDeviceChosen.of(report));
            }
        }
        return null;
    }
}
