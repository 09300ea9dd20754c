package dev.ember.tuner.report;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import dev.ember.tuner.ApplicationReport;
import dev.ember.tuner.TuneResult;
import dev.ember.tuner.history.HistoryReport;
import dev.ember.tuner.io.InputError;
import dev.ember.tuner.model.ApplicationModel;
import dev.ember.tuner.model.ExecutorModel;
import dev.ember.tuner.model.JobModel;
import dev.ember.tuner.model.PlanMetric;
import dev.ember.tuner.model.PlanNode;
import dev.ember.tuner.model.ReadStatistics;
import dev.ember.tuner.model.ResourceProfileModel;
import dev.ember.tuner.model.SqlExecutionModel;
import dev.ember.tuner.model.StageModel;
import dev.ember.tuner.qualification.ApplicationQualification;
import dev.ember.tuner.qualification.ExecutionQualification;
import dev.ember.tuner.qualification.NodeAssessment;
import dev.ember.tuner.qualification.SpeedupEstimate;
import dev.ember.tuner.qualification.UnsupportedOperator;
import dev.ember.tuner.rules.Recommendation;
import dev.ember.tuner.rules.RunMetrics;
import java.io.IOException;
import java.io.OutputStream;
import java.util.Map;

/**
 * The machine-readable report: {@code {"tool", "version", "applications": [...], "errors": [...]}}.
 * Each application has {@code id}, {@code attemptId}, {@code name}, {@code sparkVersion},
 * {@code durationMs}, {@code completed}, {@code emberRun}, {@code metrics}, {@code executors},
 * {@code resourceProfiles}, {@code jobs}, {@code stages}, {@code qualification} (with each SQL
 * execution's final plan tree and metric values), {@code recommendations}, {@code settings},
 * {@code history} (or null) and {@code read} (lines, bytes, warnings). Each error has {@code path}
 * and {@code reason}. docs/tuner.md holds the full schema.
 */
public final class JsonReport {
  /** Bumped when a field changes meaning or disappears. */
  public static final int SCHEMA_VERSION = 1;

  private JsonReport() {}

  public static void write(TuneResult result, OutputStream out) throws IOException {
    requireNonNull(result, "result is null");
    requireNonNull(out, "out is null");
    try (JsonGenerator json = new JsonFactory().createGenerator(out, JsonEncoding.UTF8)) {
      json.useDefaultPrettyPrinter();
      json.writeStartObject();
      json.writeStringField("tool", "ember tune");
      json.writeNumberField("schemaVersion", SCHEMA_VERSION);
      json.writeArrayFieldStart("applications");
      for (ApplicationReport report : result.applications()) {
        application(report, json);
      }
      json.writeEndArray();
      json.writeArrayFieldStart("errors");
      for (InputError error : result.errors()) {
        json.writeStartObject();
        json.writeStringField("path", error.path());
        json.writeStringField("reason", error.reason());
        json.writeEndObject();
      }
      json.writeEndArray();
      json.writeEndObject();
    }
  }

  private static void application(ApplicationReport report, JsonGenerator json) throws IOException {
    ApplicationModel app = report.app();
    RunMetrics metrics = report.metrics();
    json.writeStartObject();
    json.writeStringField("id", app.appId());
    json.writeStringField("attemptId", app.attemptId());
    json.writeStringField("name", app.name());
    json.writeStringField("sparkVersion", app.sparkVersion());
    json.writeStringField("source", app.source());
    json.writeNumberField("startTime", app.startTime());
    json.writeNumberField("durationMs", app.duration());
    json.writeBooleanField("completed", app.completed());
    json.writeBooleanField("emberRun", app.usedEmber());
    json.writeObjectFieldStart("metrics");
    json.writeNumberField("taskTimeMs", metrics.taskTime());
    json.writeNumberField("executorRunTimeMs", metrics.executorRunTime());
    json.writeNumberField("gcTimeMs", metrics.gcTime());
    json.writeNumberField("gcShare", metrics.gcShare());
    json.writeNumberField("memorySpilledBytes", metrics.memorySpilled());
    json.writeNumberField("diskSpilledBytes", metrics.diskSpilled());
    json.writeNumberField("shuffleReadBytes", metrics.shuffleRead());
    json.writeNumberField("shuffleWriteBytes", metrics.shuffleWrite());
    json.writeNumberField("inputBytes", metrics.input());
    json.writeNumberField("taskSlots", metrics.slots());
    json.writeEndObject();
    json.writeArrayFieldStart("executors");
    for (ExecutorModel executor : app.executors()) {
      json.writeStartObject();
      json.writeStringField("id", executor.id());
      json.writeStringField("host", executor.host());
      json.writeNumberField("cores", executor.cores());
      json.writeNumberField("maxStorageMemoryBytes", executor.maxStorageMemory());
      json.writeObjectFieldStart("resources");
      for (Map.Entry<String, Long> resource : executor.resources().entrySet()) {
        json.writeNumberField(resource.getKey(), resource.getValue());
      }
      json.writeEndObject();
      json.writeNumberField("tasks", executor.tasks());
      json.writeNumberField("taskTimeMs", executor.taskTime());
      json.writeNumberField("gcTimeMs", executor.gcTime());
      json.writeEndObject();
    }
    json.writeEndArray();
    json.writeArrayFieldStart("resourceProfiles");
    for (ResourceProfileModel profile : app.resourceProfiles().values()) {
      json.writeStartObject();
      json.writeNumberField("id", profile.id());
      json.writeNumberField("executorCores", profile.executorCores());
      json.writeNumberField("executorMemoryMiB", profile.executorMemoryMiB());
      json.writeNumberField("memoryOverheadMiB", profile.memoryOverheadMiB());
      json.writeNumberField("offHeapMiB", profile.offHeapMiB());
      json.writeObjectFieldStart("executorResources");
      for (Map.Entry<String, Long> resource : profile.executorResources().entrySet()) {
        json.writeNumberField(resource.getKey(), resource.getValue());
      }
      json.writeEndObject();
      json.writeObjectFieldStart("taskResources");
      for (Map.Entry<String, Double> resource : profile.taskResources().entrySet()) {
        json.writeNumberField(resource.getKey(), resource.getValue());
      }
      json.writeEndObject();
      json.writeEndObject();
    }
    json.writeEndArray();
    json.writeArrayFieldStart("jobs");
    for (JobModel job : app.jobs()) {
      json.writeStartObject();
      json.writeNumberField("jobId", job.jobId());
      json.writeArrayFieldStart("stageIds");
      for (int stageId : job.stageIds()) {
        json.writeNumber(stageId);
      }
      json.writeEndArray();
      json.writeNumberField("sqlExecutionId", job.sqlExecutionId());
      json.writeNumberField("durationMs", job.duration());
      json.writeStringField("result", job.result());
      json.writeEndObject();
    }
    json.writeEndArray();
    json.writeArrayFieldStart("stages");
    for (StageModel stage : app.stages()) {
      stage(stage, json);
    }
    json.writeEndArray();
    qualification(app, report.qualification(), json);
    json.writeArrayFieldStart("recommendations");
    for (Recommendation recommendation : report.recommendations()) {
      recommendation(recommendation, json);
    }
    json.writeEndArray();
    json.writeObjectFieldStart("settings");
    for (Map.Entry<String, String> setting : report.settings().entrySet()) {
      json.writeStringField(setting.getKey(), setting.getValue());
    }
    json.writeEndObject();
    history(report.history(), json);
    ReadStatistics statistics = app.readStatistics();
    json.writeObjectFieldStart("read");
    json.writeNumberField("lines", statistics.lines());
    json.writeNumberField("events", statistics.events());
    json.writeNumberField("uncompressedBytes", statistics.uncompressedBytes());
    json.writeNumberField("compressedBytes", statistics.compressedBytes());
    json.writeNumberField("badLines", statistics.badLines());
    json.writeBooleanField("truncated", statistics.truncated());
    json.writeArrayFieldStart("warnings");
    for (String warning : statistics.warnings()) {
      json.writeString(warning);
    }
    json.writeEndArray();
    json.writeObjectFieldStart("ignoredEventTypes");
    for (Map.Entry<String, Long> type : statistics.ignoredEventTypes().entrySet()) {
      json.writeNumberField(type.getKey(), type.getValue());
    }
    json.writeEndObject();
    json.writeEndObject();
    json.writeEndObject();
  }

  private static void stage(StageModel stage, JsonGenerator json) throws IOException {
    json.writeStartObject();
    json.writeNumberField("stageId", stage.stageId());
    json.writeNumberField("attemptId", stage.attemptId());
    json.writeStringField("name", stage.name());
    json.writeNumberField("tasks", stage.taskCount());
    json.writeNumberField("failedTasks", stage.failedTasks());
    json.writeNumberField("durationMs", stage.duration());
    json.writeNumberField("taskTimeMs", stage.taskTimeTotal());
    json.writeNumberField("executorRunTimeMs", stage.executorRunTime());
    json.writeNumberField("cpuTimeMs", stage.cpuTimeNanos() / 1_000_000);
    json.writeNumberField("gcTimeMs", stage.gcTime());
    json.writeNumberField("memorySpilledBytes", stage.memoryBytesSpilled());
    json.writeNumberField("diskSpilledBytes", stage.diskBytesSpilled());
    json.writeNumberField("shuffleReadBytes", stage.shuffleReadBytes());
    json.writeNumberField("shuffleWriteBytes", stage.shuffleWriteBytes());
    json.writeNumberField("inputBytes", stage.inputBytes());
    json.writeNumberField("outputBytes", stage.outputBytes());
    json.writeNumberField("peakExecutionMemoryMaxBytes", stage.peakExecutionMemoryMax());
    json.writeNumberField("taskDurationMedianMs", stage.taskDurations().median());
    json.writeNumberField("taskDurationMaxMs", stage.taskDurations().max());
    json.writeNumberField("durationSkew", stage.durationSkew());
    json.writeNumberField("shuffleReadSkew", stage.shuffleReadSkew());
    json.writeStringField("failureReason", stage.failureReason());
    json.writeEndObject();
  }

  private static void qualification(ApplicationModel app, ApplicationQualification qualification, JsonGenerator json)
      throws IOException {
    Map<Long, SqlExecutionModel> models = new java.util.HashMap<>();
    for (SqlExecutionModel execution : app.sqlExecutions()) {
      models.put(execution.executionId(), execution);
    }
    json.writeObjectFieldStart("qualification");
    json.writeBooleanField("emberRun", qualification.emberRun());
    json.writeStringField("targetDevice", qualification.targetDevice());
    json.writeNumberField("taskTimeMs", qualification.taskTimeMs());
    json.writeNumberField("sqlTaskTimeMs", qualification.sqlTaskTimeMs());
    json.writeNumberField("supportedTimeMs", qualification.supportedTimeMs());
    json.writeNumberField("supportedShare", qualification.supportedShare());
    estimates(qualification.estimates(), json);
    json.writeArrayFieldStart("unsupportedOperators");
    for (UnsupportedOperator operator : qualification.topUnsupported()) {
      unsupported(operator, json);
    }
    json.writeEndArray();
    json.writeArrayFieldStart("sqlExecutions");
    for (ExecutionQualification execution : qualification.executions()) {
      json.writeStartObject();
      json.writeNumberField("executionId", execution.executionId());
      json.writeStringField("description", execution.description());
      json.writeNumberField("durationMs", execution.durationMs());
      json.writeNumberField("taskTimeMs", execution.taskTimeMs());
      json.writeNumberField("supportedTimeMs", execution.supportedTimeMs());
      json.writeNumberField("supportedShare", execution.supportedShare());
      json.writeNumberField("transitionTimeMs", execution.transitionTimeMs());
      json.writeNumberField("transitions", execution.transitions());
      estimates(execution.estimates(), json);
      json.writeArrayFieldStart("unsupportedOperators");
      for (UnsupportedOperator operator : execution.unsupported()) {
        unsupported(operator, json);
      }
      json.writeEndArray();
      json.writeArrayFieldStart("nodes");
      for (NodeAssessment node : execution.nodes()) {
        json.writeStartObject();
        json.writeStringField("nodeName", node.nodeName());
        json.writeStringField("category", node.category().key());
        json.writeStringField("status", node.status().name());
        json.writeNumberField("taskTimeMs", node.taskTimeMs());
        json.writeArrayFieldStart("reasons");
        for (String reason : node.reasons()) {
          json.writeString(reason);
        }
        json.writeEndArray();
        json.writeEndObject();
      }
      json.writeEndArray();
      SqlExecutionModel model = models.get(execution.executionId());
      if (model != null && model.plan() != null) {
        json.writeFieldName("plan");
        plan(model, model.plan(), json);
      }
      json.writeEndObject();
    }
    json.writeEndArray();
    json.writeArrayFieldStart("assumptions");
    for (String assumption : qualification.assumptions()) {
      json.writeString(assumption);
    }
    json.writeEndArray();
    json.writeEndObject();
  }

  /** The final plan tree with each node's SQL metric values (null when no update was logged). */
  private static void plan(SqlExecutionModel execution, PlanNode node, JsonGenerator json) throws IOException {
    json.writeStartObject();
    json.writeStringField("nodeName", node.nodeName());
    json.writeStringField("simpleString", node.simpleString());
    json.writeObjectFieldStart("metrics");
    for (PlanMetric metric : node.metrics()) {
      Long value = execution.metricValue(metric.accumulatorId());
      if (value == null) {
        json.writeNullField(metric.name());
      } else {
        json.writeNumberField(metric.name(), value);
      }
    }
    json.writeEndObject();
    json.writeArrayFieldStart("children");
    for (PlanNode child : node.children()) {
      plan(execution, child, json);
    }
    json.writeEndArray();
    json.writeEndObject();
  }

  private static void estimates(Map<String, SpeedupEstimate> estimates, JsonGenerator json) throws IOException {
    json.writeObjectFieldStart("estimates");
    for (SpeedupEstimate estimate : estimates.values()) {
      json.writeObjectFieldStart(estimate.device());
      json.writeNumberField("cpuTaskTimeMs", estimate.cpuTaskTimeMs());
      json.writeNumberField("estimatedTaskTimeMs", estimate.estimatedTaskTimeMs());
      json.writeNumberField("transitionCostMs", estimate.transitionCostMs());
      json.writeNumberField("speedup", estimate.speedup());
      json.writeBooleanField("calibrated", estimate.calibrated());
      double[] interval = estimate.interval();
      if (interval == null) {
        json.writeNullField("speedupLow");
        json.writeNullField("speedupHigh");
      } else {
        json.writeNumberField("speedupLow", interval[0]);
        if (Double.isInfinite(interval[1])) {
          json.writeNullField("speedupHigh");
        } else {
          json.writeNumberField("speedupHigh", interval[1]);
        }
      }
      json.writeStringField("basis", estimate.basis());
      json.writeEndObject();
    }
    json.writeEndObject();
  }

  private static void unsupported(UnsupportedOperator operator, JsonGenerator json) throws IOException {
    json.writeStartObject();
    json.writeStringField("nodeName", operator.nodeName());
    json.writeStringField("reason", operator.reason());
    json.writeNumberField("count", operator.count());
    json.writeNumberField("taskTimeMs", operator.taskTimeMs());
    json.writeEndObject();
  }

  private static void recommendation(Recommendation recommendation, JsonGenerator json) throws IOException {
    json.writeStartObject();
    json.writeStringField("id", recommendation.ruleId());
    json.writeStringField("title", recommendation.title());
    json.writeObjectFieldStart("settings");
    for (Map.Entry<String, String> setting : recommendation.settings().entrySet()) {
      json.writeStringField(setting.getKey(), setting.getValue());
    }
    json.writeEndObject();
    json.writeObjectFieldStart("metrics");
    for (Map.Entry<String, Object> metric : recommendation.metrics().entrySet()) {
      Object value = metric.getValue();
      if (value instanceof Long || value instanceof Integer) {
        json.writeNumberField(metric.getKey(), ((Number) value).longValue());
      } else if (value instanceof Number number) {
        json.writeNumberField(metric.getKey(), number.doubleValue());
      } else {
        json.writeStringField(metric.getKey(), String.valueOf(value));
      }
    }
    json.writeEndObject();
    json.writeStringField("threshold", recommendation.threshold());
    json.writeStringField("expectedEffect", recommendation.expectedEffect());
    json.writeStringField("confidence", recommendation.confidence().name());
    json.writeEndObject();
  }

  private static void history(HistoryReport history, JsonGenerator json) throws IOException {
    if (history == null) {
      json.writeNullField("history");
      return;
    }
    json.writeObjectFieldStart("history");
    json.writeStringField("job", history.job());
    json.writeNumberField("runs", history.runs());
    json.writeStringField("previousAppId", history.previousAppId());
    json.writeNumberField("durationChange", history.durationChange());
    json.writeArrayFieldStart("changed");
    for (String change : history.changed()) {
      json.writeString(change);
    }
    json.writeEndArray();
    json.writeObjectFieldStart("nextConfiguration");
    for (Map.Entry<String, String> setting : history.nextConfiguration().entrySet()) {
      json.writeStringField(setting.getKey(), setting.getValue());
    }
    json.writeEndObject();
    json.writeArrayFieldStart("notes");
    for (String note : history.notes()) {
      json.writeString(note);
    }
    json.writeEndArray();
    json.writeArrayFieldStart("comparisons");
    for (HistoryReport.ExecutionComparison comparison : history.comparisons()) {
      comparison(comparison, json);
    }
    json.writeEndArray();
    if (history.overall() == null) {
      json.writeNullField("overall");
    } else {
      json.writeFieldName("overall");
      comparison(history.overall(), json);
    }
    json.writeStringField("predictionDevice", history.predictionDevice());
    json.writeStringField("predictionBasis", history.predictionBasis());
    json.writeEndObject();
  }

  private static void comparison(HistoryReport.ExecutionComparison comparison, JsonGenerator json) throws IOException {
    json.writeStartObject();
    json.writeNumberField("index", comparison.index());
    json.writeStringField("description", comparison.description());
    json.writeNumberField("sparkTaskTimeMs", comparison.sparkTaskTimeMs());
    json.writeNumberField("emberTaskTimeMs", comparison.emberTaskTimeMs());
    json.writeNumberField("predictedSpeedup", comparison.predictedSpeedup());
    json.writeNumberField("actualSpeedup", comparison.actualSpeedup());
    json.writeEndObject();
  }
}
