package dev.ember.tuner.rules;

import static java.util.Objects.requireNonNull;

import dev.ember.tuner.TargetCluster;
import dev.ember.tuner.model.ApplicationModel;
import dev.ember.tuner.qualification.ApplicationQualification;
import dev.ember.tuner.qualification.HardwareModel;

/**
 * What a rule may read: the application model, its qualification, shared totals, the hardware model
 * and the target cluster (null when the user named none: recommendations are then for the cluster
 * the run used).
 */
public record RuleContext(ApplicationModel app, ApplicationQualification qualification, RunMetrics metrics,
    HardwareModel hardware, TargetCluster target) {
  public RuleContext {
    requireNonNull(app, "app is null");
    requireNonNull(qualification, "qualification is null");
    requireNonNull(metrics, "metrics is null");
    requireNonNull(hardware, "hardware is null");
  }

  /** A Spark property as the run set it, or the fallback. */
  public String property(String key, String fallback) {
    return app.sparkProperty(key, fallback);
  }

  /** A size property in bytes (Spark's size syntax: 128m, 1g, plain bytes), or the fallback. */
  public long bytesProperty(String key, long fallback) {
    return Sizes.parseBytes(app.sparkProperty(key, null), fallback);
  }

  /** The target device: the target cluster's, else the qualification's. */
  public HardwareModel.Device targetDevice() {
    String name = target != null ? target.device() : qualification.targetDevice();
    return hardware.device(name).orElseGet(() -> hardware.device(qualification.targetDevice()).orElseThrow());
  }

  /** Cores per executor on the target: the target cluster's, else the run's. */
  public int targetCores() {
    return target != null && target.coresPerExecutor() > 0 ? target.coresPerExecutor() : app.executorCores();
  }
}
