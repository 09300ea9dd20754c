package dev.ember.tuner.model;

import java.util.List;

/** One job: its stages, times, result and the SQL execution that ran it (-1 when none). */
public final class JobModel {
  private final int jobId;
  private final List<Integer> stageIds;
  private final long sqlExecutionId;
  private final long submissionTime;
  private long completionTime;
  private String result = "unknown";

  public JobModel(int jobId, List<Integer> stageIds, long sqlExecutionId, long submissionTime) {
    this.jobId = jobId;
    this.stageIds = List.copyOf(stageIds);
    this.sqlExecutionId = sqlExecutionId;
    this.submissionTime = submissionTime;
  }

  void setEnd(long completionTime, String result) {
    this.completionTime = completionTime;
    this.result = result == null ? "unknown" : result;
  }

  public int jobId() {
    return jobId;
  }

  public List<Integer> stageIds() {
    return stageIds;
  }

  public long sqlExecutionId() {
    return sqlExecutionId;
  }

  public long submissionTime() {
    return submissionTime;
  }

  public long completionTime() {
    return completionTime;
  }

  /** {@code JobSucceeded}, {@code JobFailed}, or {@code unknown} when the log ended first. */
  public String result() {
    return result;
  }

  public long duration() {
    return completionTime >= submissionTime && completionTime > 0 ? completionTime - submissionTime : 0;
  }
}
