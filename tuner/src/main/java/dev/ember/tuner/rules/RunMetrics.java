package dev.ember.tuner.rules;

import static java.util.Objects.requireNonNull;

import dev.ember.tuner.model.ApplicationModel;
import dev.ember.tuner.model.ExecutorModel;
import dev.ember.tuner.model.StageModel;

/**
 * Application-wide totals the rules share, computed once from the model. Times in milliseconds,
 * sizes in bytes.
 */
public final class RunMetrics {
  private long taskTime;
  private long executorRunTime;
  private long gcTime;
  private long memorySpilled;
  private long diskSpilled;
  private long shuffleRead;
  private long shuffleWrite;
  private long input;
  private long maxStageShuffleWrite;
  private long maxStageShuffleRead;
  private long maxTaskPeakExecutionMemory;
  private long maxPeakJvmHeap;
  private final int slots;

  public RunMetrics(ApplicationModel app) {
    requireNonNull(app, "app is null");
    for (StageModel stage : app.stages()) {
      taskTime += stage.taskTimeTotal();
      executorRunTime += stage.executorRunTime();
      gcTime += stage.gcTime();
      memorySpilled += stage.memoryBytesSpilled();
      diskSpilled += stage.diskBytesSpilled();
      shuffleRead += stage.shuffleReadBytes();
      shuffleWrite += stage.shuffleWriteBytes();
      input += stage.inputBytes();
      maxStageShuffleWrite = Math.max(maxStageShuffleWrite, stage.shuffleWriteBytes());
      maxStageShuffleRead = Math.max(maxStageShuffleRead, stage.shuffleReadBytes());
      maxTaskPeakExecutionMemory = Math.max(maxTaskPeakExecutionMemory, stage.peakExecutionMemoryMax());
    }
    int cores = 0;
    for (ExecutorModel executor : app.executors()) {
      if (executor.tasks() > 0) {
        cores += Math.max(1, executor.cores());
      }
      maxPeakJvmHeap = Math.max(maxPeakJvmHeap, executor.peakMetrics().getOrDefault("JVMHeapMemory", 0L));
    }
    slots = Math.max(1, cores);
  }

  public long taskTime() {
    return taskTime;
  }

  public long executorRunTime() {
    return executorRunTime;
  }

  public long gcTime() {
    return gcTime;
  }

  /** GC time over executor run time; 0 when nothing ran. */
  public double gcShare() {
    return executorRunTime <= 0 ? 0 : (double) gcTime / executorRunTime;
  }

  public long memorySpilled() {
    return memorySpilled;
  }

  public long diskSpilled() {
    return diskSpilled;
  }

  public long shuffleRead() {
    return shuffleRead;
  }

  public long shuffleWrite() {
    return shuffleWrite;
  }

  public long input() {
    return input;
  }

  public long maxStageShuffleWrite() {
    return maxStageShuffleWrite;
  }

  public long maxStageShuffleRead() {
    return maxStageShuffleRead;
  }

  public long maxTaskPeakExecutionMemory() {
    return maxTaskPeakExecutionMemory;
  }

  /** Largest JVM heap use any executor reported, 0 when the log has no executor metrics. */
  public long maxPeakJvmHeap() {
    return maxPeakJvmHeap;
  }

  /** Task slots: the cores of executors that ran tasks (at least 1). */
  public int slots() {
    return slots;
  }
}
