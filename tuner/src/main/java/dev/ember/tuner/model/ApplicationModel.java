package dev.ember.tuner.model;

import static java.util.Objects.requireNonNull;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Everything the tuner knows about one application attempt, built in one pass over its event log by
 * {@link ApplicationModelBuilder}: identity, Spark properties, executors and resource profiles, jobs,
 * stage aggregates and SQL executions with their final plans and metric values. Tasks are never
 * kept. After the builder finishes the model is only read.
 */
public final class ApplicationModel {
  private final String source;
  String appId = "";
  String attemptId;
  String name = "";
  String sparkVersion = "";
  String user = "";
  long startTime;
  long endTime;
  long lastEventTime;
  final Map<String, String> sparkProperties = new TreeMap<>();
  final Map<String, String> systemProperties = new TreeMap<>();
  final Map<String, ExecutorModel> executors = new LinkedHashMap<>();
  final Map<Integer, ResourceProfileModel> resourceProfiles = new TreeMap<>();
  final Map<Integer, JobModel> jobs = new TreeMap<>();
  final Map<Long, StageModel> stages = new LinkedHashMap<>();
  final Map<Integer, Long> stageToSqlExecution = new TreeMap<>();
  final Map<Long, SqlExecutionModel> sqlExecutions = new TreeMap<>();
  final ReadStatistics readStatistics = new ReadStatistics();

  public ApplicationModel(String source) {
    this.source = requireNonNull(source, "source is null");
  }

  /** The file or directory the log was read from. */
  public String source() {
    return source;
  }

  public String appId() {
    return appId;
  }

  /** The attempt id, or null for cluster managers without attempts (local, standalone). */
  public String attemptId() {
    return attemptId;
  }

  public String name() {
    return name;
  }

  public String sparkVersion() {
    return sparkVersion;
  }

  public String user() {
    return user;
  }

  public long startTime() {
    return startTime;
  }

  /** The application end time, 0 when the log has no end event (in progress or crashed). */
  public long endTime() {
    return endTime;
  }

  /** True when the log holds the application end event. */
  public boolean completed() {
    return endTime > 0;
  }

  /** Wall duration: start to end, or to the last timestamp seen when the log has no end. */
  public long duration() {
    long end = endTime > 0 ? endTime : lastEventTime;
    return startTime > 0 && end >= startTime ? end - startTime : 0;
  }

  public Map<String, String> sparkProperties() {
    return java.util.Collections.unmodifiableMap(new TreeMap<>(sparkProperties));
  }

  /** A Spark property, or {@code fallback} when the application did not set it. */
  public String sparkProperty(String key, String fallback) {
    return sparkProperties.getOrDefault(key, fallback);
  }

  public Map<String, String> systemProperties() {
    return java.util.Collections.unmodifiableMap(new TreeMap<>(systemProperties));
  }

  public Collection<ExecutorModel> executors() {
    return List.copyOf(executors.values());
  }

  public Map<Integer, ResourceProfileModel> resourceProfiles() {
    return java.util.Collections.unmodifiableMap(new TreeMap<>(resourceProfiles));
  }

  public Collection<JobModel> jobs() {
    return List.copyOf(jobs.values());
  }

  /** Every stage attempt, in the order they were first seen. */
  public Collection<StageModel> stages() {
    return List.copyOf(stages.values());
  }

  public Collection<SqlExecutionModel> sqlExecutions() {
    return List.copyOf(sqlExecutions.values());
  }

  public ReadStatistics readStatistics() {
    return readStatistics;
  }

  /** The stage attempts run by the jobs of one SQL execution. */
  public List<StageModel> stagesOf(SqlExecutionModel execution) {
    List<StageModel> result = new ArrayList<>();
    for (StageModel stage : stages.values()) {
      Long owner = stageToSqlExecution.get(stage.stageId());
      if (owner != null && owner == execution.executionId()) {
        result.add(stage);
      }
    }
    return result;
  }

  /** Sum over all stages of task wall time, milliseconds. */
  public long totalTaskTime() {
    long total = 0;
    for (StageModel stage : stages.values()) {
      total += stage.taskTimeTotal();
    }
    return total;
  }

  /**
   * True when the Ember plugin was configured ({@code spark.plugins} names {@code dev.ember.EmberPlugin}
   * and {@code spark.ember.enabled} is not false) or any plan holds an Ember node.
   */
  public boolean usedEmber() {
    boolean configured = sparkProperty("spark.plugins", "").contains("dev.ember.EmberPlugin")
        && !"false".equalsIgnoreCase(sparkProperty("spark.ember.enabled", "true"));
    if (configured) {
      return true;
    }
    for (SqlExecutionModel execution : sqlExecutions.values()) {
      if (execution.plan() != null && execution.plan().flatten().stream().anyMatch(PlanNode::isEmberNode)) {
        return true;
      }
    }
    return false;
  }

  /** Cores per executor: from executors seen, else {@code spark.executor.cores}, else 1. */
  public int executorCores() {
    int cores = 0;
    for (ExecutorModel executor : executors.values()) {
      if (!"driver".equals(executor.id()) || executors.size() == 1) {
        cores = Math.max(cores, executor.cores());
      }
    }
    if (cores > 0) {
      return cores;
    }
    return (int) parseLongOr(sparkProperty("spark.executor.cores", "1"), 1);
  }

  /** Number of executors that ran tasks (the local-mode driver counts as one). */
  public int activeExecutorCount() {
    int count = 0;
    for (ExecutorModel executor : executors.values()) {
      if (executor.tasks() > 0) {
        count++;
      }
    }
    return Math.max(1, count);
  }

  /** The time stamp of the newest event seen, milliseconds since the epoch. */
  public long lastEventTime() {
    return lastEventTime;
  }

  static long parseLongOr(String text, long fallback) {
    try {
      return Long.parseLong(text.trim());
    } catch (NumberFormatException | NullPointerException e) {
      return fallback;
    }
  }

  /** A map view helper for reports: stage id to the SQL execution that ran it. */
  public Map<Integer, Long> stageToSqlExecution() {
    return java.util.Collections.unmodifiableMap(new TreeMap<>(stageToSqlExecution));
  }

  /** Looks up an executor by id, or null. */
  public ExecutorModel executor(String executorId) {
    return executors.get(executorId);
  }

  static long stageKey(int stageId, int attemptId) {
    return ((long) stageId << 20) | (attemptId & 0xFFFFF);
  }

  /** Finds or creates a stage attempt (used while reading). */
  StageModel stage(int stageId, int attemptId) {
    return stages.computeIfAbsent(stageKey(stageId, attemptId), key -> new StageModel(stageId, attemptId));
  }

  /** Finds or creates an executor (used while reading). */
  ExecutorModel executorOrNew(String executorId) {
    return executors.computeIfAbsent(executorId, ExecutorModel::new);
  }
}
