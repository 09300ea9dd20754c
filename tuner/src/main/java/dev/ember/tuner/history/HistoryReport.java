package dev.ember.tuner.history;

import java.util.List;
import java.util.Map;

/**
 * What the history says about one run.
 *
 * @param job the job key
 * @param runs how many runs of the job are recorded (including this one)
 * @param previousAppId the run this one is compared with (same engine, started before it), or null
 * @param durationChange this duration over the previous one minus 1 (-0.2 = 20% faster); 0 without a previous run
 * @param changed settings that differ from the previous run, {@code key: old -> new}
 * @param nextConfiguration the settings to change for the next run: reverts, or a few recommendations at a time
 *     ({@link HistoryStore#UNSET} asks to remove a setting)
 * @param notes one line per decision taken
 * @param comparisons Spark run versus Ember run of this job, per SQL execution (empty without both)
 * @param overall the compared executions together (task times summed; the predicted speedup is the Spark
 *     time over the sum of each execution's predicted Ember time), or null without comparisons
 * @param predictionDevice the hardware model device the predictions are for: the one the Ember run used
 *     when the model has it ({@code cpu} for the host device), else the target device; null without comparisons
 * @param predictionBasis what that device's factors rest on (calibration or estimate); "" when unknown
 */
public record HistoryReport(String job, int runs, String previousAppId, double durationChange, List<String> changed,
    Map<String, String> nextConfiguration, List<String> notes, List<ExecutionComparison> comparisons,
    ExecutionComparison overall, String predictionDevice, String predictionBasis) {
  public HistoryReport {
    changed = List.copyOf(changed);
    nextConfiguration = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(nextConfiguration));
    notes = List.copyOf(notes);
    comparisons = List.copyOf(comparisons);
  }

  /**
   * One SQL execution run on Spark and on Ember.
   *
   * @param index position of the execution within its run (-1 for the overall row)
   * @param description the Spark run's description (user text)
   * @param sparkTaskTimeMs task time on Spark
   * @param emberTaskTimeMs task time with Ember
   * @param predictedSpeedup what qualification of the Spark run predicted (for the target device)
   * @param actualSpeedup Spark task time over Ember task time
   */
  public record ExecutionComparison(int index, String description, long sparkTaskTimeMs, long emberTaskTimeMs,
      double predictedSpeedup, double actualSpeedup) {}
}
