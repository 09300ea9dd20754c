package dev.ember.tuner.qualification;

/**
 * An Amdahl estimate for one device.
 *
 * @param device hardware model device name
 * @param cpuTaskTimeMs task time as logged
 * @param estimatedTaskTimeMs unsupported time + supported time / factor + transition cost
 * @param transitionCostMs the transition part of the estimate
 * @param calibration where the device's factors were measured, or null when they are estimates
 */
public record SpeedupEstimate(String device, double cpuTaskTimeMs, double estimatedTaskTimeMs, double transitionCostMs,
    HardwareModel.Calibration calibration) {
  /** Logged over estimated task time; 1 when there was no task time. */
  public double speedup() {
    return estimatedTaskTimeMs <= 0 ? 1 : cpuTaskTimeMs / estimatedTaskTimeMs;
  }

  public boolean calibrated() {
    return calibration != null;
  }

  /**
   * The interval the measured speedup likely falls in, from the calibration's 90th-percentile
   * leave-one-query-out error {@code e} (|predicted - measured| / measured, so measured = predicted /
   * (1 ± e)): [s / (1 + e), s / (1 - e)], the upper end infinite when e >= 1. Null for estimated devices.
   */
  public double[] interval() {
    if (calibration == null) {
      return null;
    }
    double speedup = speedup();
    double error = calibration.p90LeaveOneOutError();
    return new double[] {speedup / (1 + error), error < 1 ? speedup / (1 - error) : Double.POSITIVE_INFINITY};
  }

  /** What the numbers rest on, in one line. */
  public String basis() {
    return calibration == null ? "estimate: the factors for " + device + " are not measured with Ember"
        : calibration.describe();
  }
}
