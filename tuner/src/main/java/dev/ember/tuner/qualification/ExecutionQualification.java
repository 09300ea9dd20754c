package dev.ember.tuner.qualification;

import java.util.List;
import java.util.Map;

/**
 * Qualification of one SQL execution.
 *
 * @param executionId the SQL execution id
 * @param description the query's description (user text: escape before display)
 * @param durationMs wall duration
 * @param taskTimeMs task time of its stages
 * @param supportedTimeMs task time in operators Ember supports (CPU runs) or ran (Ember runs)
 * @param transitionTimeMs task time in row/columnar transition nodes present in the plan
 * @param transitions places where the plan would cross (or crossed) between Ember and Spark
 * @param transitionRows rows crossing those places (edges with unknown row counts count 0)
 * @param unsupported operators staying on Spark, most task time first
 * @param nodes every operator's verdict, plan order
 * @param estimates speedup estimates by device name (CPU runs only; empty for Ember runs)
 */
public record ExecutionQualification(long executionId, String description, long durationMs, double taskTimeMs,
    double supportedTimeMs, double transitionTimeMs, int transitions, long transitionRows, List<UnsupportedOperator> unsupported,
    List<NodeAssessment> nodes, Map<String, SpeedupEstimate> estimates) {
  public ExecutionQualification {
    unsupported = List.copyOf(unsupported);
    nodes = List.copyOf(nodes);
    estimates = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(estimates));
  }

  /** Supported over total task time, 0 when there was none. */
  public double supportedShare() {
    return taskTimeMs <= 0 ? 0 : supportedTimeMs / taskTimeMs;
  }
}
