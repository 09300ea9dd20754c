package dev.ember.tuner.qualification;

import java.util.List;
import java.util.Map;

/**
 * Qualification of one application.
 *
 * @param emberRun true when the run already used Ember: then the report is a fallback analysis
 * @param targetDevice the device the headline estimate is for
 * @param taskTimeMs all task time of the application
 * @param sqlTaskTimeMs task time inside SQL executions (the part qualification can judge)
 * @param supportedTimeMs task time in supported (CPU run) or Ember (Ember run) operators
 * @param estimates whole-application estimates by device (non-SQL task time unchanged); CPU runs only
 * @param executions per SQL execution
 * @param topUnsupported unsupported operators over all executions, most task time first
 * @param assumptions every assumption behind the numbers, printed with them
 */
public record ApplicationQualification(boolean emberRun, String targetDevice, double taskTimeMs, double sqlTaskTimeMs,
    double supportedTimeMs, Map<String, SpeedupEstimate> estimates, List<ExecutionQualification> executions,
    List<UnsupportedOperator> topUnsupported, List<String> assumptions) {
  public ApplicationQualification {
    estimates = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(estimates));
    executions = List.copyOf(executions);
    topUnsupported = List.copyOf(topUnsupported);
    assumptions = List.copyOf(assumptions);
  }

  /** Supported over all task time, 0 when there was none. */
  public double supportedShare() {
    return taskTimeMs <= 0 ? 0 : supportedTimeMs / taskTimeMs;
  }

  /** The headline estimate, or null for Ember runs. */
  public SpeedupEstimate targetEstimate() {
    return estimates.get(targetDevice);
  }
}
