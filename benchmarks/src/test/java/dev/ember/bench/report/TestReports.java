package dev.ember.bench.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ember.bench.plan.PlanSummary;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The reports state speedups honestly: a slowdown stays below 1, a failure has no number. */
class TestReports {
  private static QueryResult result(String name, double sparkMillis, double emberMillis, boolean match) {
    return new QueryResult(
        name, sparkMillis, emberMillis, match, match ? "" : "row counts differ", List.of("EmberFilterExec"),
        List.of(new PlanSummary.Fallback("SortMergeJoinExec", "joins are not supported yet")), 0, 2,
        Optional.empty(), Optional.empty(), Optional.empty(),
        Double.isNaN(emberMillis) ? Optional.of("boom") : Optional.empty());
  }

  private static BenchReport report() {
    return new BenchReport(
        List.of(result("q1", 200, 100, true), result("q2", 100, 200, true), result("q3", 100, Double.NaN, false)),
        "host", "0.1", "4.1.3", "Linux amd64, 2 cores", "local[*]", 3, 1, "2026-01-01T00:00:00Z", "/tmp/eventlogs");
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
