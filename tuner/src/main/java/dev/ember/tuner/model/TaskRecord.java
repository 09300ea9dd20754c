package dev.ember.tuner.model;

/**
 * The fields of one {@code SparkListenerTaskEnd} event that the model aggregates. One instance is
 * reused for every task of a log ({@link #clear()} between tasks), so reading keeps no task.
 * Times are milliseconds except {@link #cpuTimeNanos}; sizes are bytes. Fields missing from a log
 * (older Spark versions) stay 0.
 */
public final class TaskRecord {
  public int stageId = -1;
  public int stageAttemptId;
  public String executorId = "";
  public long launchTime;
  public long finishTime;
  public boolean failed;
  public boolean killed;
  public String endReason = "";
  public long executorRunTime;
  public long cpuTimeNanos;
  public long deserializeTime;
  public long resultSerializationTime;
  public long gcTime;
  public long memoryBytesSpilled;
  public long diskBytesSpilled;
  public long peakExecutionMemory;
  public long shuffleRemoteBytesRead;
  public long shuffleLocalBytesRead;
  public long shuffleRecordsRead;
  public long shuffleFetchWaitTime;
  public long shuffleBytesWritten;
  public long shuffleRecordsWritten;
  public long shuffleWriteTimeNanos;
  public long inputBytesRead;
  public long inputRecordsRead;
  public long outputBytesWritten;
  public long outputRecordsWritten;
  /** Executor JVM heap peak reported with the task (Spark 3.1+), bytes. */
  public long jvmHeapMemory;
  public long jvmOffHeapMemory;

  /** Resets every field for the next task. */
  public void clear() {
    stageId = -1;
    stageAttemptId = 0;
    executorId = "";
    launchTime = 0;
    finishTime = 0;
    failed = false;
    killed = false;
    endReason = "";
    executorRunTime = 0;
    cpuTimeNanos = 0;
    deserializeTime = 0;
    resultSerializationTime = 0;
    gcTime = 0;
    memoryBytesSpilled = 0;
    diskBytesSpilled = 0;
    peakExecutionMemory = 0;
    shuffleRemoteBytesRead = 0;
    shuffleLocalBytesRead = 0;
    shuffleRecordsRead = 0;
    shuffleFetchWaitTime = 0;
    shuffleBytesWritten = 0;
    shuffleRecordsWritten = 0;
    shuffleWriteTimeNanos = 0;
    inputBytesRead = 0;
    inputRecordsRead = 0;
    outputBytesWritten = 0;
    outputRecordsWritten = 0;
    jvmHeapMemory = 0;
    jvmOffHeapMemory = 0;
  }

  /** Wall time of the task from launch to finish, or the run time when timestamps are missing. */
  public long duration() {
    if (finishTime > 0 && launchTime > 0 && finishTime >= launchTime) {
      return finishTime - launchTime;
    }
    return executorRunTime;
  }

  public long shuffleBytesRead() {
    return shuffleRemoteBytesRead + shuffleLocalBytesRead;
  }
}
