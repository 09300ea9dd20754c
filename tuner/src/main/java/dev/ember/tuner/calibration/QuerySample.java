package dev.ember.tuner.calibration;

import static java.util.Objects.requireNonNull;

import dev.ember.tuner.qualification.OperatorCategory;
import java.util.Map;

/**
 * One query of a bench run, as calibration sees it: the Spark run's task time split the way the
 * qualification splits it, and the Ember run's measured task time. The prediction for a device is
 * {@code unchangedTimeMs + Σ supportedTimeMs[c] / factor[c] + transitionRows × nanosPerRow / 1e6},
 * exactly the qualification's Amdahl estimate.
 *
 * @param query the query name from the job description ({@code q1}...)
 * @param sparkTaskTimeMs the Spark run's task time (the iteration with the median task time)
 * @param unchangedTimeMs of that, the time in operators Ember does not support, transitions and wrappers
 * @param supportedTimeMs of that, the time in operators Ember supports, per category
 * @param transitionRows rows crossing between Ember and Spark operators in the Spark plan
 * @param emberTaskTimeMs the Ember run's task time, median over its iterations
 * @param sparkIterations how many Spark iterations were read
 * @param emberIterations how many Ember iterations were read
 */
public record QuerySample(String query, double sparkTaskTimeMs, double unchangedTimeMs,
    Map<OperatorCategory, Double> supportedTimeMs, long transitionRows, double emberTaskTimeMs,
    int sparkIterations, int emberIterations) {
  public QuerySample {
    requireNonNull(query, "query is null");
    supportedTimeMs = Map.copyOf(supportedTimeMs);
    if (!(emberTaskTimeMs > 0) || !(sparkTaskTimeMs > 0)) {
      throw new IllegalArgumentException("query " + query + ": task times must be positive (spark "
          + sparkTaskTimeMs + " ms, ember " + emberTaskTimeMs + " ms)");
    }
  }

  /** Measured speedup: Spark task time over Ember task time. */
  public double measuredSpeedup() {
    return sparkTaskTimeMs / emberTaskTimeMs;
  }

  /** Supported Spark time of a category, 0 when none. */
  public double supported(OperatorCategory category) {
    return supportedTimeMs.getOrDefault(category, 0.0);
  }

}
