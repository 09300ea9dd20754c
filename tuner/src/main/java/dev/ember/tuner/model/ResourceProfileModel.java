package dev.ember.tuner.model;

import java.util.Map;

/**
 * A resource profile's executor requests ({@code SparkListenerResourceProfileAdded}).
 *
 * @param id the profile id (0 is the default profile)
 * @param executorCores requested cores, 0 when unset
 * @param executorMemoryMiB requested heap, 0 when unset
 * @param memoryOverheadMiB requested overhead, 0 when unset
 * @param offHeapMiB requested off-heap memory, 0 when unset
 * @param executorResources custom executor resources (e.g. {@code gpu}) and their amounts
 * @param taskResources per-task resource amounts (e.g. {@code cpus}, {@code gpu}); fractional
 */
public record ResourceProfileModel(int id, long executorCores, long executorMemoryMiB, long memoryOverheadMiB,
    long offHeapMiB, Map<String, Long> executorResources, Map<String, Double> taskResources) {
  public ResourceProfileModel {
    executorResources = Map.copyOf(executorResources);
    taskResources = Map.copyOf(taskResources);
  }
}
