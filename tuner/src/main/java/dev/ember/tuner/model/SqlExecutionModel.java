package dev.ember.tuner.model;

import static java.util.Objects.requireNonNull;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * One SQL execution: its description, the final plan (the last adaptive update replaces the initial
 * plan), the values of its SQL metrics, the stages each metric was updated in, and its jobs.
 * The physical plan description is capped at {@value #MAX_PLAN_DESCRIPTION} characters.
 */
public final class SqlExecutionModel {
  /** Longest physical plan text kept per execution. */
  public static final int MAX_PLAN_DESCRIPTION = 32 * 1024;

  private final long executionId;
  private final String description;
  private final long startTime;
  private long endTime;
  private String errorMessage;
  private PlanNode plan;
  private String physicalPlanDescription = "";
  private int planUpdates;
  private final Map<Long, Long> metricValues = new HashMap<>();
  private final Map<Long, Set<Integer>> metricStages = new HashMap<>();
  private final List<Integer> jobIds = new ArrayList<>();
  /** Node name → the distinct reasons Ember's planner gave for leaving such a node in Spark (first seen first). */
  private final Map<String, Set<String>> emberFallbacks = new HashMap<>();

  public SqlExecutionModel(long executionId, String description, long startTime) {
    this.executionId = executionId;
    this.description = description == null ? "" : description;
    this.startTime = startTime;
  }

  void setPlan(PlanNode plan, String physicalPlanDescription, boolean adaptiveUpdate) {
    this.plan = requireNonNull(plan, "plan is null");
    String text = physicalPlanDescription == null ? "" : physicalPlanDescription;
    this.physicalPlanDescription = text.length() > MAX_PLAN_DESCRIPTION ? text.substring(0, MAX_PLAN_DESCRIPTION) : text;
    if (adaptiveUpdate) {
      planUpdates++;
    }
  }

  void setEnd(long endTime, String errorMessage) {
    this.endTime = endTime;
    this.errorMessage = errorMessage;
  }

  void setMetricValue(long accumulatorId, long value) {
    metricValues.put(accumulatorId, value);
  }

  void addMetricValue(long accumulatorId, long value) {
    metricValues.merge(accumulatorId, value, Long::sum);
  }

  void addMetricStage(long accumulatorId, int stageId) {
    metricStages.computeIfAbsent(accumulatorId, id -> new TreeSet<>()).add(stageId);
  }

  /** At most this many distinct reasons are kept per node name (adaptive execution plans a node many times). */
  static final int MAX_REASONS_PER_NODE = 8;

  void addEmberFallback(String nodeName, String reason) {
    Set<String> reasons = emberFallbacks.computeIfAbsent(nodeName, name -> new LinkedHashSet<>());
    if (reasons.size() < MAX_REASONS_PER_NODE) {
      reasons.add(reason);
    }
  }

  /** The reasons Ember's planner logged for leaving nodes of this name in Spark; empty when it logged none. */
  public List<String> emberFallbackReasons(String nodeName) {
    return List.copyOf(emberFallbacks.getOrDefault(nodeName, Set.of()));
  }

  void addJob(int jobId) {
    jobIds.add(jobId);
  }

  public long executionId() {
    return executionId;
  }

  public String description() {
    return description;
  }

  public long startTime() {
    return startTime;
  }

  public long endTime() {
    return endTime;
  }

  /** Wall duration, 0 when the log ended before the execution did. */
  public long duration() {
    return endTime >= startTime && endTime > 0 ? endTime - startTime : 0;
  }

  /** The error Spark logged at the end, or null when the execution succeeded or did not end. */
  public String errorMessage() {
    return errorMessage;
  }

  /** The final plan, or null when the log held no plan for this execution. */
  public PlanNode plan() {
    return plan;
  }

  public String physicalPlanDescription() {
    return physicalPlanDescription;
  }

  /** How many adaptive (AQE) plan updates replaced the plan. */
  public int planUpdates() {
    return planUpdates;
  }

  /** A metric's value, or null when no update for it was logged. */
  public Long metricValue(long accumulatorId) {
    return metricValues.get(accumulatorId);
  }

  /** The stages in which the metric was updated (empty when unknown). */
  public Set<Integer> metricStages(long accumulatorId) {
    Set<Integer> stages = metricStages.get(accumulatorId);
    return stages == null ? Set.of() : Set.copyOf(stages);
  }

  public List<Integer> jobIds() {
    return List.copyOf(jobIds);
  }

  /** The value of a node's metric with the given name, or null. */
  public Long metricValue(PlanNode node, String metricName) {
    for (PlanMetric metric : node.metrics()) {
      if (metric.name().equals(metricName)) {
        return metricValue(metric.accumulatorId());
      }
    }
    return null;
  }
}
