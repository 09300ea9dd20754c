package dev.ember.tuner.qualification;

/**
 * An Amdahl estimate for one device.
 *
 * @param device hardware model device name
 * @param cpuTaskTimeMs task time as logged
 * @param estimatedTaskTimeMs unsupported time + supported time / factor + transition cost
 * @param transitionCostMs the transition part of the estimate
 */
public record SpeedupEstimate(String device, double cpuTaskTimeMs, double estimatedTaskTimeMs, double transitionCostMs) {
  /** Logged over estimated task time; 1 when there was no task time. */
  public double speedup() {
    return estimatedTaskTimeMs <= 0 ? 1 : cpuTaskTimeMs / estimatedTaskTimeMs;
  }
}
