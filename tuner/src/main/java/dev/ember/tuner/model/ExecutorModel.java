package dev.ember.tuner.model;

import static java.util.Objects.requireNonNull;

import java.util.Map;
import java.util.TreeMap;

/**
 * One executor (or the driver in local mode): where it ran, its cores and resources, its storage
 * memory, peak JVM metrics and the task time it served.
 */
public final class ExecutorModel {
  private final String id;
  private String host = "";
  private int cores;
  private int resourceProfileId;
  private long addedTime;
  private long removedTime;
  private String removedReason;
  private long maxStorageMemory;
  private final Map<String, Long> resources = new TreeMap<>();
  private final Map<String, Long> peakMetrics = new TreeMap<>();
  private long tasks;
  private long taskTime;
  private long gcTime;

  public ExecutorModel(String id) {
    this.id = requireNonNull(id, "id is null");
  }

  void setAdded(String host, int cores, int resourceProfileId, long addedTime) {
    this.host = host == null ? "" : host;
    this.cores = cores;
    this.resourceProfileId = resourceProfileId;
    this.addedTime = addedTime;
  }

  void setHostIfUnknown(String host) {
    if (this.host.isEmpty() && host != null) {
      this.host = host;
    }
  }

  void setRemoved(long removedTime, String reason) {
    this.removedTime = removedTime;
    this.removedReason = reason;
  }

  void setMaxStorageMemory(long bytes) {
    this.maxStorageMemory = bytes;
  }

  void putResource(String name, long amount) {
    resources.put(name, amount);
  }

  void updatePeak(String metric, long value) {
    peakMetrics.merge(metric, value, Math::max);
  }

  void addTask(TaskRecord task) {
    tasks++;
    taskTime += task.duration();
    gcTime += task.gcTime;
    if (task.jvmHeapMemory > 0) {
      updatePeak("JVMHeapMemory", task.jvmHeapMemory);
    }
    if (task.jvmOffHeapMemory > 0) {
      updatePeak("JVMOffHeapMemory", task.jvmOffHeapMemory);
    }
  }

  public String id() {
    return id;
  }

  public String host() {
    return host;
  }

  /** Cores the executor offered; 0 when the log did not say (local-mode driver). */
  public int cores() {
    return cores;
  }

  public int resourceProfileId() {
    return resourceProfileId;
  }

  public long addedTime() {
    return addedTime;
  }

  public long removedTime() {
    return removedTime;
  }

  /** Why Spark removed the executor, or null. */
  public String removedReason() {
    return removedReason;
  }

  /** Storage plus execution memory the block manager reported, bytes. */
  public long maxStorageMemory() {
    return maxStorageMemory;
  }

  /** Custom resources (e.g. {@code gpu}) and how many addresses the executor got. */
  public Map<String, Long> resources() {
    return java.util.Collections.unmodifiableMap(new TreeMap<>(resources));
  }

  /** Peak executor metrics (e.g. {@code JVMHeapMemory}) over the run, bytes or milliseconds. */
  public Map<String, Long> peakMetrics() {
    return java.util.Collections.unmodifiableMap(new TreeMap<>(peakMetrics));
  }

  public long tasks() {
    return tasks;
  }

  public long taskTime() {
    return taskTime;
  }

  public long gcTime() {
    return gcTime;
  }
}
