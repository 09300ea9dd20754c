package dev.ember.bench.report;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ember.bench.plan.PlanSummary;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Writes {@code report.json}: an object with {@code queries} (one entry per query: {@code name},
 * {@code spark_ms}, {@code ember_ms}, {@code speedup}, {@code answers_match}, {@code ember_nodes},
 * {@code fallbacks}, {@code ember_node_share}, {@code host_primitives} and more), {@code geomean_speedup},
 * {@code ember_node_share}, {@code spark_node_reasons}, {@code missing_queries}, {@code device}, {@code scale},
 * {@code spark_version} and {@code machine}. {@code device} is the device asked for
 * ({@code --device}); {@code device_used} is what an executor of the Ember application chose. A number that does not exist (a failed run's time) is
 * {@code null}. A query's {@code host_primitives} maps each Ember node class to the primitive calls a GPU
 * device ran on the host instead of as kernels (only classes with calls: {@code {}} means every primitive
 * ran as a kernel, and always on the host device, which counts none).
 */
public final class JsonReport {
  private static final ObjectMapper MAPPER = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  private JsonReport() {}

  /** Returns the report as JSON text. */
  public static String toJson(BenchReport report) {
    requireNonNull(report, "report is null");
    ObjectNode root = MAPPER.createObjectNode();
    ArrayNode queries = root.putArray("queries");
    for (QueryResult query : report.queries()) {
      ObjectNode entry = queries.addObject();
      entry.put("name", query.name());
      putNumber(entry, "spark_ms", query.sparkMillis());
      putNumber(entry, "ember_ms", query.emberMillis());
      putNumber(entry, "speedup", query.speedup());
      entry.put("answers_match", query.answersMatch());
      entry.put("answer_detail", query.answerDetail());
      ArrayNode nodes = entry.putArray("ember_nodes");
      query.emberNodes().forEach(nodes::add);
      ArrayNode fallbacks = entry.putArray("fallbacks");
      for (PlanSummary.Fallback fallback : query.fallbacks()) {
        fallbacks.addObject().put("node", fallback.node()).put("reason", fallback.reason());
      }
      entry.put("row_to_columnar", query.rowToColumnar());
      entry.put("columnar_to_row", query.columnarToRow());
      entry.put("spark_shuffle_bytes", query.sparkShuffleBytes());
      entry.put("ember_shuffle_bytes", query.emberShuffleBytes());
      putNumber(entry, "ember_node_share", query.nodeShare().share());
      entry.put("operator_nodes", query.nodeShare().operatorNodes());
      entry.put("ember_operator_nodes", query.nodeShare().emberNodes());
      ObjectNode operators = entry.putObject("ember_operator_ms");
      query.emberOperatorMillis().forEach((node, millis) -> operators.put(node, Math.round(millis * 1000) / 1000.0));
      ObjectNode hostPrimitives = entry.putObject("host_primitives");
      query.hostPrimitiveCalls().forEach(hostPrimitives::put);
      putCheck(entry, "spark_matches_expected", query.sparkMatchesExpected());
      putCheck(entry, "ember_matches_expected", query.emberMatchesExpected());
      ArrayNode sparkIterations = entry.putArray("spark_iterations_ms");
      query.sparkIterationMillis().forEach(millis -> sparkIterations.add(Math.round(millis * 1000) / 1000.0));
      ArrayNode emberIterations = entry.putArray("ember_iterations_ms");
      query.emberIterationMillis().forEach(millis -> emberIterations.add(Math.round(millis * 1000) / 1000.0));
      entry.put("spark_error", query.sparkError().orElse(null));
      entry.put("ember_error", query.emberError().orElse(null));
    }
    putNumber(root, "geomean_speedup", report.geomeanSpeedup());
    putNumber(root, "ember_node_share", report.emberNodeShare());
    ArrayNode reasons = root.putArray("spark_node_reasons");
    for (BenchReport.SparkNodeReason reason : report.sparkNodeReasons()) {
      ObjectNode item = reasons.addObject().put("node", reason.node()).put("reason", reason.reason())
          .put("nodes", reason.nodes());
      ArrayNode names = item.putArray("queries");
      reason.queries().forEach(names::add);
    }
    ArrayNode failedInBoth = root.putArray("failed_in_both_modes");
    report.queries().stream().filter(QueryResult::failedInBothModes).forEach(query -> failedInBoth.add(query.name()));
    root.put("benchmark", report.benchmark());
    ArrayNode missing = root.putArray("missing_queries");
    report.missingQueries().forEach(missing::add);
    root.put("all_answers_match", report.allAnswersMatch());
    root.put("device", report.device());
    root.put("device_used", report.deviceUsed());
    root.put("scale", report.scale());
    root.put("spark_version", report.sparkVersion());
    root.put("machine", report.machine());
    root.put("master", report.master());
    root.put("iterations", report.iterations());
    root.put("warmups", report.warmups());
    root.put("started_at", report.startedAt());
    root.put("event_logs", report.eventLogDirectory());
    try {
      return MAPPER.writeValueAsString(root) + "\n";
    } catch (IOException e) {
      throw new UncheckedIOException("cannot render the report as JSON", e);
    }
  }

  /** Writes {@link #toJson(BenchReport)} to {@code file}. */
  public static void write(BenchReport report, Path file) throws IOException {
    requireNonNull(file, "file is null");
    Files.writeString(file, toJson(report));
  }

  private static void putNumber(ObjectNode node, String field, double value) {
    if (Double.isNaN(value) || Double.isInfinite(value)) {
      node.putNull(field);
    } else {
      node.put(field, Math.round(value * 1000) / 1000.0);
    }
  }

  private static void putCheck(ObjectNode node, String field, Optional<Boolean> check) {
    if (check.isPresent()) {
      node.put(field, check.get());
    } else {
      node.putNull(field);
    }
  }
}
