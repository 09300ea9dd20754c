package dev.ember.tuner.model;

/**
 * One stage attempt, aggregated as its tasks end: totals, and log histograms for the distributions
 * that skew needs. Never holds a task. Times are milliseconds (CPU time in nanoseconds); sizes bytes.
 *
 * <p>Not thread safe; filled by one reader.
 */
public final class StageModel {
  private final int stageId;
  private final int attemptId;
  private String name = "";
  private int declaredTasks;
  private long submissionTime;
  private long completionTime;
  private String failureReason;
  private final LogHistogram taskDurations = new LogHistogram();
  private final LogHistogram taskShuffleReadBytes = new LogHistogram();
  private final LogHistogram taskInputBytes = new LogHistogram();
  private long failedTasks;
  private long executorRunTime;
  private long cpuTimeNanos;
  private long gcTime;
  private long memoryBytesSpilled;
  private long diskBytesSpilled;
  private long peakExecutionMemoryMax;
  private long peakExecutionMemorySum;
  private long shuffleReadBytes;
  private long shuffleReadRecords;
  private long shuffleFetchWaitTime;
  private long shuffleWriteBytes;
  private long shuffleWriteRecords;
  private long inputBytes;
  private long inputRecords;
  private long outputBytes;
  private long outputRecords;
  private long firstLaunch = Long.MAX_VALUE;
  private long lastFinish;

  public StageModel(int stageId, int attemptId) {
    this.stageId = stageId;
    this.attemptId = attemptId;
  }

  /** Adds one ended task of this stage attempt. */
  public void addTask(TaskRecord task) {
    if (task.failed || task.killed) {
      failedTasks++;
    }
    taskDurations.add(task.duration());
    taskShuffleReadBytes.add(task.shuffleBytesRead());
    taskInputBytes.add(task.inputBytesRead);
    executorRunTime += task.executorRunTime;
    cpuTimeNanos += task.cpuTimeNanos;
    gcTime += task.gcTime;
    memoryBytesSpilled += task.memoryBytesSpilled;
    diskBytesSpilled += task.diskBytesSpilled;
    peakExecutionMemoryMax = Math.max(peakExecutionMemoryMax, task.peakExecutionMemory);
    peakExecutionMemorySum += task.peakExecutionMemory;
    shuffleReadBytes += task.shuffleBytesRead();
    shuffleReadRecords += task.shuffleRecordsRead;
    shuffleFetchWaitTime += task.shuffleFetchWaitTime;
    shuffleWriteBytes += task.shuffleBytesWritten;
    shuffleWriteRecords += task.shuffleRecordsWritten;
    inputBytes += task.inputBytesRead;
    inputRecords += task.inputRecordsRead;
    outputBytes += task.outputBytesWritten;
    outputRecords += task.outputRecordsWritten;
    if (task.launchTime > 0) {
      firstLaunch = Math.min(firstLaunch, task.launchTime);
    }
    lastFinish = Math.max(lastFinish, task.finishTime);
  }

  void setInfo(String name, int declaredTasks) {
    this.name = name == null ? "" : name;
    this.declaredTasks = declaredTasks;
  }

  void setSubmissionTime(long submissionTime) {
    this.submissionTime = submissionTime;
  }

  void setCompletion(long completionTime, String failureReason) {
    this.completionTime = completionTime;
    this.failureReason = failureReason;
  }

  public int stageId() {
    return stageId;
  }

  public int attemptId() {
    return attemptId;
  }

  public String name() {
    return name;
  }

  public int declaredTasks() {
    return declaredTasks;
  }

  /** Wall duration: submission to completion, else first task launch to last task finish, else 0. */
  public long duration() {
    if (submissionTime > 0 && completionTime >= submissionTime) {
      return completionTime - submissionTime;
    }
    if (firstLaunch != Long.MAX_VALUE && lastFinish >= firstLaunch) {
      return lastFinish - firstLaunch;
    }
    return 0;
  }

  public long submissionTime() {
    return submissionTime;
  }

  public long completionTime() {
    return completionTime;
  }

  /** The failure reason Spark logged, or null when the stage succeeded or has not completed. */
  public String failureReason() {
    return failureReason;
  }

  public long taskCount() {
    return taskDurations.count();
  }

  public long failedTasks() {
    return failedTasks;
  }

  /** Sum of task wall durations (launch to finish). */
  public long taskTimeTotal() {
    return taskDurations.sum();
  }

  public LogHistogram taskDurations() {
    return taskDurations;
  }

  public LogHistogram taskShuffleReadBytes() {
    return taskShuffleReadBytes;
  }

  public LogHistogram taskInputBytes() {
    return taskInputBytes;
  }

  public long executorRunTime() {
    return executorRunTime;
  }

  public long cpuTimeNanos() {
    return cpuTimeNanos;
  }

  public long gcTime() {
    return gcTime;
  }

  public long memoryBytesSpilled() {
    return memoryBytesSpilled;
  }

  public long diskBytesSpilled() {
    return diskBytesSpilled;
  }

  public long peakExecutionMemoryMax() {
    return peakExecutionMemoryMax;
  }

  public long peakExecutionMemorySum() {
    return peakExecutionMemorySum;
  }

  public long shuffleReadBytes() {
    return shuffleReadBytes;
  }

  public long shuffleReadRecords() {
    return shuffleReadRecords;
  }

  public long shuffleFetchWaitTime() {
    return shuffleFetchWaitTime;
  }

  public long shuffleWriteBytes() {
    return shuffleWriteBytes;
  }

  public long shuffleWriteRecords() {
    return shuffleWriteRecords;
  }

  public long inputBytes() {
    return inputBytes;
  }

  public long inputRecords() {
    return inputRecords;
  }

  public long outputBytes() {
    return outputBytes;
  }

  public long outputRecords() {
    return outputRecords;
  }

  /** Max task duration over median task duration; 1 when there are fewer than two tasks. */
  public double durationSkew() {
    return ratio(taskDurations);
  }

  /** Max task shuffle read over median task shuffle read; 1 when there is no shuffle read. */
  public double shuffleReadSkew() {
    return ratio(taskShuffleReadBytes);
  }

  private static double ratio(LogHistogram histogram) {
    if (histogram.count() < 2 || histogram.max() == 0) {
      return 1;
    }
    return (double) histogram.max() / Math.max(1, histogram.median());
  }
}
