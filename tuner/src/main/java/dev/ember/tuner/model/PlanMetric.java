package dev.ember.tuner.model;

import static java.util.Objects.requireNonNull;

/**
 * A SQL metric a plan node declares ({@code SQLMetricInfo} in the log).
 *
 * @param name e.g. {@code number of output rows}
 * @param accumulatorId the accumulator whose updates carry the value
 * @param metricType {@code sum}, {@code size}, {@code timing}, {@code nsTiming}, {@code average}, ...
 */
public record PlanMetric(String name, long accumulatorId, String metricType) {
  public PlanMetric {
    requireNonNull(name, "name is null");
    requireNonNull(metricType, "metricType is null");
  }
}
