package dev.ember;

import org.apache.spark.api.plugin.DriverPlugin;
import org.apache.spark.api.plugin.ExecutorPlugin;
import org.apache.spark.api.plugin.SparkPlugin;

/**
 * The entry point: {@code --conf spark.plugins=dev.ember.EmberPlugin} is all a Spark application needs.
 * The driver side adds Ember's SQL extensions; the executor side chooses the device once per executor
 * JVM.
 */
public final class EmberPlugin implements SparkPlugin {

    @Override
    public DriverPlugin driverPlugin() {
        return new EmberDriverPlugin();
    }

    @Override
    public ExecutorPlugin executorPlugin() {
        return new EmberExecutorPlugin();
    }
}
