package dev.ember.tuner.rules;

import dev.ember.tuner.qualification.SpeedupEstimate;

/**
 * Ember's configuration keys as the rules use them, and the shared test for "Ember is worth
 * enabling". Every {@code spark.ember.*} key is checked against, and every default read from, the
 * plugin's generated declarations ({@link EmberConfigs}); the tuner only uses a default when a log does
 * not set the key. {@code spark.ember.device.chosen} is no setting: it comes from the plugin's
 * {@code EmberDeviceChosen} event; logs without it are tolerated.
 */
public final class EmberSettings {
  public static final String PLUGINS = "spark.plugins";
  public static final String PLUGIN_CLASS = "dev.ember.EmberPlugin";
  private static final EmberConfigs CONFIGS = EmberConfigs.bundled();
  public static final String ENABLED = CONFIGS.key("spark.ember.enabled");
  public static final String DEVICE = CONFIGS.key("spark.ember.device");
  public static final String DEVICE_CHOSEN = "spark.ember.device.chosen";
  public static final String BATCH_SIZE_ROWS = CONFIGS.key("spark.ember.batchSizeRows");
  public static final String BATCH_SIZE_BYTES = CONFIGS.key("spark.ember.batchSizeBytes");
  public static final String CONCURRENT_GPU_TASKS = CONFIGS.key("spark.ember.concurrentGpuTasks");
  public static final String ALLOC_FRACTION = CONFIGS.key("spark.ember.memory.gpu.allocFraction");
  public static final String EXPLAIN = CONFIGS.key("spark.ember.explain");
  public static final long DEFAULT_BATCH_ROWS = Long.parseLong(CONFIGS.defaultValue(BATCH_SIZE_ROWS));
  public static final long DEFAULT_BATCH_BYTES = Long.parseLong(CONFIGS.defaultValue(BATCH_SIZE_BYTES));
  public static final double DEFAULT_ALLOC_FRACTION = Double.parseDouble(CONFIGS.defaultValue(ALLOC_FRACTION));
  public static final int DEFAULT_CONCURRENT_GPU_TASKS = Integer.parseInt(CONFIGS.defaultValue(CONCURRENT_GPU_TASKS));
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
