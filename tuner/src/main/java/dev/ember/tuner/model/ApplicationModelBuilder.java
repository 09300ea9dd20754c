package dev.ember.tuner.model;

import static dev.ember.tuner.model.JsonFields.doubleOf;
import static dev.ember.tuner.model.JsonFields.longOf;
import static dev.ember.tuner.model.JsonFields.textOf;
import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * Folds events into an {@link ApplicationModel} as they arrive. Every event except task ends comes
 * as a parsed tree ({@link #onEvent}); task ends come as a reused {@link TaskRecord}
 * ({@link #onTaskEnd}) so that the reader can parse them without building trees.
 *
 * <p>Unknown event types are counted, never fatal; missing fields fall back to neutral values.
 * Not thread safe: one builder per log.
 */
public final class ApplicationModelBuilder {
  private static final String SQL_PREFIX = "org.apache.spark.sql.execution.ui.";

  private final ApplicationModel model;
  /** SQL metric accumulator id to the execution declaring it; only ids from plans are tracked. */
  private final Map<Long, SqlExecutionModel> accumulatorOwners = new HashMap<>();
  /**
   * Ember's fallbacks logged before their execution's start event (a command's plan is planned, and its
   * fallbacks logged, before Spark announces the execution), by execution id; bounded like the reasons kept.
   */
  private final Map<Long, List<String[]>> pendingFallbacks = new HashMap<>();

  public ApplicationModelBuilder(String source) {
    this.model = new ApplicationModel(requireNonNull(source, "source is null"));
  }

  /** The model built so far; complete once the reader has passed every line. */
  public ApplicationModel model() {
    return model;
  }

  public ReadStatistics statistics() {
    return model.readStatistics;
  }

  /** Adds a task end event. */
  public void onTaskEnd(TaskRecord task) {
    model.readStatistics.addEvent();
    if (task.stageId < 0) {
      model.readStatistics.warn("task end without a stage id; skipped");
      return;
    }
    model.stage(task.stageId, task.stageAttemptId).addTask(task);
    if (!task.executorId.isEmpty()) {
      model.executorOrNew(task.executorId).addTask(task);
    }
    seen(task.finishTime);
  }

  /**
   * Adds any other event.
   *
   * @param type the {@code Event} field
   * @param event the whole event
   */
  public void onEvent(String type, JsonNode event) {
    model.readStatistics.addEvent();
    String shortType = type.startsWith(SQL_PREFIX) ? type.substring(SQL_PREFIX.length()) : type;
    switch (shortType) {
      case "SparkListenerLogStart" -> model.sparkVersion = textOf(event, "Spark Version", "");
      case "SparkListenerApplicationStart" -> applicationStart(event);
      case "SparkListenerApplicationEnd" -> {
        model.endTime = longOf(event, "Timestamp", 0);
        seen(model.endTime);
      }
      case "SparkListenerEnvironmentUpdate" -> environment(event);
      case "SparkListenerResourceProfileAdded" -> resourceProfile(event);
      case "SparkListenerExecutorAdded" -> executorAdded(event);
      case "SparkListenerExecutorRemoved" -> {
        long time = longOf(event, "Timestamp", 0);
        model.executorOrNew(textOf(event, "Executor ID", "?")).setRemoved(time, textOf(event, "Removed Reason", ""));
        seen(time);
      }
      case "SparkListenerBlockManagerAdded" -> blockManagerAdded(event);
      case "SparkListenerStageExecutorMetrics", "SparkListenerExecutorMetricsUpdate" -> executorMetrics(event);
      case "SparkListenerJobStart" -> jobStart(event);
      case "SparkListenerJobEnd" -> jobEnd(event);
      case "SparkListenerStageSubmitted" -> stageSubmitted(event);
      case "SparkListenerStageCompleted" -> stageCompleted(event);
      case "SparkListenerSQLExecutionStart" -> sqlStart(event);
      case "SparkListenerSQLAdaptiveExecutionUpdate" -> sqlAdaptiveUpdate(event);
      case "SparkListenerSQLAdaptiveSQLMetricUpdates" -> sqlMetricUpdates(event);
      case "SparkListenerSQLExecutionEnd" -> sqlEnd(event);
      case "SparkListenerDriverAccumUpdates" -> driverAccumulatorUpdates(event);
      case "dev.ember.EmberDeviceChosen" -> emberDeviceChosen(event);
      case "dev.ember.plan.EmberFallbacks" -> emberFallbacks(event);
      default -> model.readStatistics.addIgnored(type);
    }
  }

  private void seen(long timestamp) {
    if (timestamp > model.lastEventTime) {
      model.lastEventTime = timestamp;
    }
  }

  private void applicationStart(JsonNode event) {
    model.name = textOf(event, "App Name", "");
    model.appId = textOf(event, "App ID", "");
    model.attemptId = textOf(event, "App Attempt ID", null);
    model.user = textOf(event, "User", "");
    model.startTime = longOf(event, "Timestamp", 0);
    seen(model.startTime);
  }

  /**
   * Ember's plugin logs the device each executor chose; the run used a GPU only if every executor did,
   * so a host or emulator choice anywhere wins.
   */
  private void emberDeviceChosen(JsonNode event) {
    String kind = textOf(event, "kind", "");
    if (kind.isEmpty()) {
      return;
    }
    String previous = model.sparkProperties.get("spark.ember.device.chosen");
    if (previous == null || "cuda".equals(previous)) {
      model.sparkProperties.put("spark.ember.device.chosen", kind);
    }
  }

  /** Ember's planner logs the nodes of a SQL execution it left in Spark, with its reasons. */
  private void emberFallbacks(JsonNode event) {
    long id = longOf(event, "executionId", -1);
    if (id < 0) {
      return;
    }
    SqlExecutionModel execution = model.sqlExecutions.get(id);
    for (JsonNode fallback : event.path("fallbacks")) {
      String node = textOf(fallback, "node", "").trim();
      String reason = textOf(fallback, "reason", "");
      if (node.isEmpty() || reason.isEmpty()) {
        continue;
      }
      if (execution != null) {
        execution.addEmberFallback(node, reason);
      } else {
        List<String[]> pending = pendingFallbacks.computeIfAbsent(id, key -> new ArrayList<>());
        if (pending.size() < 1000) {
          pending.add(new String[] {node, reason});
        }
      }
    }
  }

  private void environment(JsonNode event) {
    putProperties(event.get("Spark Properties"), model.sparkProperties);
    Map<String, String> system = new HashMap<>();
    putProperties(event.get("System Properties"), system);
    for (String key : List.of("java.version", "java.vm.name", "os.name", "os.arch")) {
      if (system.containsKey(key)) {
        model.systemProperties.put(key, system.get(key));
      }
    }
    JsonNode jvm = event.get("JVM Information");
    if (jvm != null && jvm.has("Java Version")) {
      model.systemProperties.putIfAbsent("java.version", textOf(jvm, "Java Version", ""));
    }
  }

  /** Spark writes properties as an object; some writers used arrays of [key, value] pairs. */
  private static void putProperties(JsonNode node, Map<String, String> target) {
    if (node == null) {
      return;
    }
    if (node.isObject()) {
      Iterator<Map.Entry<String, JsonNode>> fields = node.fields();
      while (fields.hasNext()) {
        Map.Entry<String, JsonNode> field = fields.next();
        target.put(field.getKey(), field.getValue().asText());
      }
    } else if (node.isArray()) {
      for (JsonNode pair : node) {
        if (pair.isArray() && pair.size() == 2) {
          target.put(pair.get(0).asText(), pair.get(1).asText());
        }
      }
    }
  }

  private void resourceProfile(JsonNode event) {
    int id = (int) longOf(event, "Resource Profile Id", 0);
    JsonNode executor = event.get("Executor Resource Requests");
    long cores = 0;
    long memory = 0;
    long overhead = 0;
    long offHeap = 0;
    Map<String, Long> resources = new HashMap<>();
    if (executor != null) {
      Iterator<Map.Entry<String, JsonNode>> fields = executor.fields();
      while (fields.hasNext()) {
        Map.Entry<String, JsonNode> field = fields.next();
        long amount = longOf(field.getValue(), "Amount", 0);
        switch (field.getKey()) {
          case "cores" -> cores = amount;
          case "memory" -> memory = amount;
          case "memoryOverhead" -> overhead = amount;
          case "offHeap" -> offHeap = amount;
          case "pyspark.memory" -> { }
          default -> resources.put(field.getKey(), amount);
        }
      }
    }
    Map<String, Double> taskResources = new HashMap<>();
    JsonNode task = event.get("Task Resource Requests");
    if (task != null) {
      Iterator<Map.Entry<String, JsonNode>> fields = task.fields();
      while (fields.hasNext()) {
        Map.Entry<String, JsonNode> field = fields.next();
        taskResources.put(field.getKey(), doubleOf(field.getValue(), "Amount", 0));
      }
    }
    model.resourceProfiles.put(id, new ResourceProfileModel(id, cores, memory, overhead, offHeap, resources, taskResources));
  }

  private void executorAdded(JsonNode event) {
    String id = textOf(event, "Executor ID", "?");
    JsonNode info = event.get("Executor Info");
    long time = longOf(event, "Timestamp", 0);
    ExecutorModel executor = model.executorOrNew(id);
    executor.setAdded(textOf(info, "Host", ""), (int) longOf(info, "Total Cores", 0),
        (int) longOf(info, "Resource Profile Id", 0), time);
    JsonNode resources = info == null ? null : info.get("Resources");
    if (resources != null && resources.isObject()) {
      Iterator<Map.Entry<String, JsonNode>> fields = resources.fields();
      while (fields.hasNext()) {
        Map.Entry<String, JsonNode> field = fields.next();
        JsonNode addresses = field.getValue().get("addresses");
        executor.putResource(field.getKey(), addresses != null && addresses.isArray() ? addresses.size() : 0);
      }
    }
    seen(time);
  }

  private void blockManagerAdded(JsonNode event) {
    JsonNode blockManager = event.get("Block Manager ID");
    String id = textOf(blockManager, "Executor ID", null);
    if (id == null) {
      return;
    }
    ExecutorModel executor = model.executorOrNew(id);
    executor.setHostIfUnknown(textOf(blockManager, "Host", null));
    executor.setMaxStorageMemory(longOf(event, "Maximum Memory", 0));
  }

  private void executorMetrics(JsonNode event) {
    String id = textOf(event, "Executor ID", null);
    JsonNode metrics = event.get("Executor Metrics");
    if (id == null || metrics == null || !metrics.isObject()) {
      return;
    }
    ExecutorModel executor = model.executorOrNew(id);
    Iterator<Map.Entry<String, JsonNode>> fields = metrics.fields();
    while (fields.hasNext()) {
      Map.Entry<String, JsonNode> field = fields.next();
      if (field.getValue().isNumber()) {
        executor.updatePeak(field.getKey(), field.getValue().longValue());
      }
    }
  }

  private void jobStart(JsonNode event) {
    int jobId = (int) longOf(event, "Job ID", -1);
    long time = longOf(event, "Submission Time", 0);
    List<Integer> stageIds = new ArrayList<>();
    JsonNode ids = event.get("Stage IDs");
    if (ids != null && ids.isArray()) {
      for (JsonNode id : ids) {
        stageIds.add(id.asInt());
      }
    }
    JsonNode stageInfos = event.get("Stage Infos");
    if (stageInfos != null && stageInfos.isArray()) {
      for (JsonNode info : stageInfos) {
        int stageId = (int) longOf(info, "Stage ID", -1);
        if (stageId >= 0 && !stageIds.contains(stageId)) {
          stageIds.add(stageId);
        }
      }
    }
    long sqlId = longOf(event.get("Properties"), "spark.sql.execution.id", -1);
    model.jobs.put(jobId, new JobModel(jobId, stageIds, sqlId, time));
    if (sqlId >= 0) {
      for (int stageId : stageIds) {
        model.stageToSqlExecution.put(stageId, sqlId);
      }
      SqlExecutionModel execution = model.sqlExecutions.get(sqlId);
      if (execution != null) {
        execution.addJob(jobId);
      }
    }
    seen(time);
  }

  private void jobEnd(JsonNode event) {
    JobModel job = model.jobs.get((int) longOf(event, "Job ID", -1));
    long time = longOf(event, "Completion Time", 0);
    if (job != null) {
      job.setEnd(time, textOf(event.get("Job Result"), "Result", "unknown"));
    }
    seen(time);
  }

  private void stageSubmitted(JsonNode event) {
    JsonNode info = event.get("Stage Info");
    if (info == null) {
      return;
    }
    StageModel stage = model.stage((int) longOf(info, "Stage ID", -1), (int) longOf(info, "Stage Attempt ID", 0));
    stage.setInfo(textOf(info, "Stage Name", ""), (int) longOf(info, "Number of Tasks", 0));
    long submitted = longOf(info, "Submission Time", 0);
    stage.setSubmissionTime(submitted);
    seen(submitted);
    JsonNode properties = event.get("Properties");
    long sqlId = longOf(properties, "spark.sql.execution.id", -1);
    if (sqlId >= 0) {
      model.stageToSqlExecution.put(stage.stageId(), sqlId);
    }
  }

  private void stageCompleted(JsonNode event) {
    JsonNode info = event.get("Stage Info");
    if (info == null) {
      return;
    }
    int stageId = (int) longOf(info, "Stage ID", -1);
    StageModel stage = model.stage(stageId, (int) longOf(info, "Stage Attempt ID", 0));
    stage.setInfo(textOf(info, "Stage Name", stage.name()), (int) longOf(info, "Number of Tasks", stage.declaredTasks()));
    long submitted = longOf(info, "Submission Time", 0);
    if (submitted > 0) {
      stage.setSubmissionTime(submitted);
    }
    long completed = longOf(info, "Completion Time", 0);
    stage.setCompletion(completed, textOf(info, "Failure Reason", null));
    seen(completed);
    JsonNode accumulables = info.get("Accumulables");
    if (accumulables != null && accumulables.isArray()) {
      for (JsonNode accumulable : accumulables) {
        long id = longOf(accumulable, "ID", -1);
        SqlExecutionModel owner = accumulatorOwners.get(id);
        if (owner != null) {
          // The stage's value is the accumulator's running total, so the latest one wins.
          owner.setMetricValue(id, longOf(accumulable, "Value", 0));
          owner.addMetricStage(id, stageId);
        }
      }
    }
  }

  private void sqlStart(JsonNode event) {
    long id = longOf(event, "executionId", -1);
    long time = longOf(event, "time", 0);
    SqlExecutionModel execution = new SqlExecutionModel(id, textOf(event, "description", ""), time);
    model.sqlExecutions.put(id, execution);
    for (String[] fallback : pendingFallbacks.getOrDefault(id, List.of())) {
      execution.addEmberFallback(fallback[0], fallback[1]);
    }
    pendingFallbacks.remove(id);
    JsonNode plan = event.get("sparkPlanInfo");
    if (plan != null) {
      execution.setPlan(planOf(plan, execution), textOf(event, "physicalPlanDescription", ""), false);
    }
    seen(time);
  }

  private void sqlAdaptiveUpdate(JsonNode event) {
    SqlExecutionModel execution = model.sqlExecutions.get(longOf(event, "executionId", -1));
    JsonNode plan = event.get("sparkPlanInfo");
    if (execution != null && plan != null) {
      execution.setPlan(planOf(plan, execution), textOf(event, "physicalPlanDescription", ""), true);
    }
  }

  private void sqlMetricUpdates(JsonNode event) {
    SqlExecutionModel execution = model.sqlExecutions.get(longOf(event, "executionId", -1));
    JsonNode metrics = event.get("sqlPlanMetrics");
    if (execution != null && metrics != null && metrics.isArray()) {
      for (JsonNode metric : metrics) {
        accumulatorOwners.put(longOf(metric, "accumulatorId", -1), execution);
      }
    }
  }

  private void sqlEnd(JsonNode event) {
    SqlExecutionModel execution = model.sqlExecutions.get(longOf(event, "executionId", -1));
    long time = longOf(event, "time", 0);
    if (execution != null) {
      String error = textOf(event, "errorMessage", null);
      execution.setEnd(time, error == null || error.isEmpty() ? null : error);
    }
    seen(time);
  }

  private void driverAccumulatorUpdates(JsonNode event) {
    SqlExecutionModel execution = model.sqlExecutions.get(longOf(event, "executionId", -1));
    JsonNode updates = event.get("accumUpdates");
    if (execution == null || updates == null || !updates.isArray()) {
      return;
    }
    for (JsonNode update : updates) {
      if (update.isArray() && update.size() == 2) {
        execution.addMetricValue(update.get(0).asLong(), update.get(1).asLong());
      }
    }
  }

  private PlanNode planOf(JsonNode node, SqlExecutionModel execution) {
    List<PlanNode> children = new ArrayList<>();
    JsonNode childNodes = node.get("children");
    if (childNodes != null && childNodes.isArray()) {
      for (JsonNode child : childNodes) {
        children.add(planOf(child, execution));
      }
    }
    List<PlanMetric> metrics = new ArrayList<>();
    JsonNode metricNodes = node.get("metrics");
    if (metricNodes != null && metricNodes.isArray()) {
      for (JsonNode metric : metricNodes) {
        long accumulatorId = longOf(metric, "accumulatorId", -1);
        metrics.add(new PlanMetric(textOf(metric, "name", ""), accumulatorId, textOf(metric, "metricType", "sum")));
        accumulatorOwners.put(accumulatorId, execution);
      }
    }
    return new PlanNode(textOf(node, "nodeName", "?"), textOf(node, "simpleString", ""), children, metrics);
  }
}
