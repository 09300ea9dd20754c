package dev.ember.tuner.history;

import java.util.List;

/**
 * Every recorded run of one job (the history file's content).
 *
 * @param job the job key (the application name)
 * @param runs the runs, oldest first
 * @param reverted settings that made a run worse and were reverted, as {@code key=value}; not retried
 */
public record JobHistory(String job, List<RunRecord> runs, List<String> reverted) {
  public JobHistory {
    runs = runs == null ? List.of() : List.copyOf(runs);
    reverted = reverted == null ? List.of() : List.copyOf(reverted);
  }
}
