package dev.ember.tuner.history;

import java.util.List;
import java.util.Map;

/**
 * One run of a job as the history keeps it (JSON in the history directory).
 *
 * @param appId application id (with attempt, when there is one)
 * @param startTime epoch milliseconds
 * @param durationMs wall duration
 * @param ember whether the run used Ember
 * @param configuration the tracked settings as the run had them (unset keys absent)
 * @param taskTimeMs total task time
 * @param diskSpillBytes total disk spill
 * @param gcShare GC time over executor run time
 * @param fallbackTimeMs task time in operators left on Spark (Ember runs) or unsupported (Spark runs)
 * @param executions per SQL execution, in execution order
 * @param recommended the settings the tuner recommended after this run
 * @param emberDevice for Ember runs, the device the plugin chose ({@code spark.ember.device.chosen}, else
 *     {@code spark.ember.device}); null for Spark runs and records written before it was kept
 * @param predictionBasis for Spark runs, per hardware model device, what its predictions rest on (a
 *     calibration or an estimate); null in records written before it was kept
 */
public record RunRecord(String appId, long startTime, long durationMs, boolean ember, Map<String, String> configuration,
    long taskTimeMs, long diskSpillBytes, double gcShare, long fallbackTimeMs, List<ExecutionRecord> executions,
    Map<String, String> recommended, String emberDevice, Map<String, String> predictionBasis) {

  /**
   * One SQL execution of a run.
   *
   * @param executionId the SQL execution id
   * @param description the query description (user text)
   * @param durationMs wall duration
   * @param taskTimeMs task time
   * @param predictedSpeedups for Spark runs: the estimate per hardware model device
   */
  public record ExecutionRecord(long executionId, String description, long durationMs, long taskTimeMs,
      Map<String, Double> predictedSpeedups) {}
}
