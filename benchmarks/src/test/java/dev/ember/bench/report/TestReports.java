package dev.ember.bench.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ember.bench.plan.NodeShare;
import dev.ember.bench.plan.PlanSummary;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The reports state speedups honestly: a slowdown stays below 1, a failure has no number. */
class TestReports {
  private static QueryResult result(
      String name, double sparkMillis, double emberMillis, boolean match, Map<String, Long> hostPrimitiveCalls) {
    return new QueryResult(
        name, sparkMillis, emberMillis, match, match ? "" : "row counts differ", List.of("EmberFilterExec"),
        List.of(new PlanSummary.Fallback("SortMergeJoinExec", "joins are not supported yet")), 0, 2,
        Optional.empty(), Optional.empty(), Optional.empty(),
        Double.isNaN(emberMillis) ? Optional.of("boom") : Optional.empty(),
        List.of(sparkMillis), Double.isNaN(emberMillis) ? List.of() : List.of(emberMillis), 0, 0, Map.of(),
        NodeShare.none(), hostPrimitiveCalls);
  }

  /** The host calls of q1, in plan order. */
  private static Map<String, Long> hostCalls() {
    Map<String, Long> calls = new LinkedHashMap<>();
    calls.put("EmberHashAggregateExec", 12L);
    calls.put("EmberSortExec", 3L);
    return calls;
  }

  private static BenchReport report() {
    return new BenchReport(
        List.of(result("q1", 200, 100, true, hostCalls()), result("q2", 100, 200, true, Map.of()),
            result("q3", 100, Double.NaN, false, Map.of())),
        "host", "host (asked for)", "0.1", "4.1.3", "Linux amd64, 2 cores", "local[*]", 3, 1, "2026-01-01T00:00:00Z", "/tmp/eventlogs");
  }

  @Test
  void geometricMeanCountsSlowdownsAndSkipsFailures() {
    BenchReport report = report();
    assertEquals(2.0, report.queries().get(0).speedup(), 1e-12);
    assertEquals(0.5, report.queries().get(1).speedup(), 1e-12);
    assertTrue(Double.isNaN(report.queries().get(2).speedup()));
    assertEquals(1.0, report.geomeanSpeedup(), 1e-12);
    assertEquals(false, report.allAnswersMatch());
  }

  @Test
  void jsonHoldsTheDocumentedFields() throws Exception {
    JsonNode json = new ObjectMapper().readTree(JsonReport.toJson(report()));
    assertEquals(1.0, json.get("geomean_speedup").asDouble(), 1e-9);
    assertEquals("host", json.get("device").asText());
    assertEquals("0.1", json.get("scale").asText());
    assertEquals("4.1.3", json.get("spark_version").asText());
    assertEquals("Linux amd64, 2 cores", json.get("machine").asText());
    JsonNode slow = json.get("queries").get(1);
    assertEquals("q2", slow.get("name").asText());
    assertEquals(0.5, slow.get("speedup").asDouble(), 1e-9);
    assertEquals("EmberFilterExec", slow.get("ember_nodes").get(0).asText());
    assertEquals("joins are not supported yet", slow.get("fallbacks").get(0).get("reason").asText());
    JsonNode failed = json.get("queries").get(2);
    assertTrue(failed.get("ember_ms").isNull());
    assertTrue(failed.get("speedup").isNull());
    assertEquals(false, failed.get("answers_match").asBoolean());
    assertEquals("boom", failed.get("ember_error").asText());
    assertEquals(0, failed.get("ember_iterations_ms").size());
    assertEquals(100.0, failed.get("spark_iterations_ms").get(0).asDouble(), 1e-9);
    JsonNode counted = json.get("queries").get(0).get("host_primitives");
    assertTrue(counted.isObject(), counted.toString());
    assertEquals(List.of("EmberHashAggregateExec", "EmberSortExec"), fieldNames(counted), "in plan order");
    assertEquals(12, counted.get("EmberHashAggregateExec").asLong());
    assertEquals(3, counted.get("EmberSortExec").asLong());
    assertTrue(slow.get("host_primitives").isObject(), "every primitive ran as a kernel: an empty object");
    assertEquals(0, slow.get("host_primitives").size());
  }

  private static List<String> fieldNames(JsonNode object) {
    List<String> names = new java.util.ArrayList<>();
    object.fieldNames().forEachRemaining(names::add);
    return names;
  }

  @Test
  void textReportsListHostPrimitiveCallsPerNodeClass() {
    String markdown = MarkdownReport.toMarkdown(report());
    assertTrue(markdown.contains("| top Ember op time | host primitive calls |"), markdown);
    assertTrue(markdown.contains(" | EmberHashAggregateExec 12, EmberSortExec 3 |\n"), markdown);
    assertTrue(markdown.contains("| 0/0 | - | none |\n"), "q2 had no host calls: " + markdown);
    assertTrue(markdown.contains("Meaningful on GPU devices only"), markdown);
    assertTrue(markdown.contains("1 of 3 queries had host primitive calls."), markdown);
    String html = HtmlReport.toHtml(report());
    assertTrue(html.contains("<th>host primitive calls</th>"), html);
    assertTrue(html.contains("<td>EmberHashAggregateExec 12, EmberSortExec 3</td>"), html);
    assertTrue(html.contains("1 of 3 queries had host primitive calls."), html);
  }

  @Test
  void textReportsShowSlowdownsAndMismatches() {
    String markdown = MarkdownReport.toMarkdown(report());
    assertTrue(markdown.contains("| q2 | 100 | 200 | 0.50x | yes |"), markdown);
    assertTrue(markdown.contains("| q3 | 100 | failed | n/a | NO |"), markdown);
    assertTrue(markdown.contains("`SortMergeJoinExec`: joins are not supported yet (q1, q2, q3)"), markdown);
    String html = HtmlReport.toHtml(report());
    assertTrue(html.contains("<svg"), html);
    assertTrue(html.contains("#c0392b"), "a slowdown bar is red");
    assertTrue(html.contains("#2a8a3e"), "a speedup bar is green");
    String summary = SummaryTable.render(report());
    assertTrue(summary.contains("geometric mean speedup 1.00x over 3 queries"), summary);
    assertTrue(summary.contains("NOT ALL"), summary);
  }
}
