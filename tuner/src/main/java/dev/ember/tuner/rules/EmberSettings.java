package dev.ember.tuner.rules;

import dev.ember.tuner.qualification.SpeedupEstimate;

/**
 * Ember's configuration keys as the rules use them, and the shared test for "Ember is worth
 * enabling". Defaults follow the plugin's docs/configs.md; the tuner only uses them when a log does not
 * set the key. {@code spark.ember.device.chosen} comes from the plugin's {@code EmberDeviceChosen}
 * event; logs without it are tolerated.
 */
public final class EmberSettings {
  public static final String PLUGINS = "spark.plugins";
  public static final String PLUGIN_CLASS = "dev.ember.EmberPlugin";
  public static final String ENABLED = "spark.ember.enabled";
  public static final String DEVICE = "spark.ember.device";
  public static final String DEVICE_CHOSEN = "spark.ember.device.chosen";
  public static final String BATCH_SIZE_ROWS = "spark.ember.batchSizeRows";
  public static final String BATCH_SIZE_BYTES = "spark.ember.batchSizeBytes";
  public static final String CONCURRENT_GPU_TASKS = "spark.ember.concurrentGpuTasks";
  public static final String ALLOC_FRACTION = "spark.ember.memory.gpu.allocFraction";
  public static final String EXPLAIN = "spark.ember.explain";
  public static final long DEFAULT_BATCH_ROWS = 262_144;
  public static final long DEFAULT_BATCH_BYTES = 128 * Sizes.MIB;
  public static final double DEFAULT_ALLOC_FRACTION = 0.9;
  public static final int DEFAULT_CONCURRENT_GPU_TASKS = 2;
  /** Share of task time in supported operators above which enabling Ember is recommended. */
  public static final double MIN_SUPPORTED_SHARE = 0.30;
  /** Estimated speedup on the target device above which enabling Ember is recommended. */
  public static final double MIN_SPEEDUP = 1.2;

  private EmberSettings() {}

  /** True for a CPU run whose qualification clears both thresholds. */
  public static boolean enableRecommended(RuleContext context) {
    if (context.qualification().emberRun()) {
      return false;
    }
    SpeedupEstimate estimate = context.qualification().estimates().get(context.targetDevice().name());
    return context.qualification().supportedShare() >= MIN_SUPPORTED_SHARE && estimate != null
        && estimate.speedup() >= MIN_SPEEDUP;
  }
}
