package dev.ember.tuner;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ember.tuner.report.HtmlReport;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The CLI and its outputs: text, JSON, HTML (escaping), properties file, exit codes. */
class TestReports {
  private static final String EVIL = "<script>alert('x')</script>";

  @TempDir
  Path directory;

  private record Run(int status, String out, String err) {}

  private static Run cli(String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int status = TuneMain.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8));
    return new Run(status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }

  /** A log whose application name and SQL text try to inject markup. */
  private Path hostileLog() throws IOException {
    Path file = directory.resolve("app-hostile");
    try (OutputStream out = Files.newOutputStream(file); SyntheticEventLog log = new SyntheticEventLog(out, 5_000_000)) {
      log.header("app-hostile", EVIL, Map.of("spark.sql.shuffle.partitions", "200"));
      String plan = SyntheticEventLog.planNode("Filter", "Filter (x#1 > 1) </svg><img src=x onerror=alert(1)>",
          SyntheticEventLog.planNode("Scan parquet", "FileScan parquet", "", "number of output rows", 7), "number of output rows", 8);
      log.sqlStart(0, "select * from t where name = '" + EVIL + "'", plan, 5);
      log.jobStart(0, 0, 0, 6).stageSubmitted(0, 300, 7);
      for (int i = 0; i < 300; i++) {
        log.task(0, i, 8, new SyntheticEventLog.Task(40, 1, 1000, 1000, 0, 0, 0));
      }
      log.stageCompleted(0, 300, 7, 2_000, 7, 1000, 8, 10).jobEnd(0, 2_001).sqlEnd(0, 2_002).applicationEnd(2_100);
    }
    return file;
  }

  @Test
  void writesEveryOutputForGoodAndBadInputs() throws IOException {
    Path bad = directory.resolve("app-bad.lz4");
    Files.writeString(bad, "not lz4");
    Path json = directory.resolve("report.json");
    Path html = directory.resolve("report.html");
    Path conf = directory.resolve("tuned.properties");

    Run run = cli(hostileLog().toString(), bad.toString(), "--json", json.toString(), "--html", html.toString(),
        "--conf-out", conf.toString(), "--device", "h100");

    assertEquals(0, run.status(), run.err());
    assertTrue(run.out().contains("[shuffle.partitions]"), run.out());
    assertTrue(run.out().contains("--conf spark.sql.shuffle.partitions=4"), run.out());
    assertTrue(run.out().contains("estimated speedup on h100"), run.out());
    assertTrue(run.out().contains("app-bad.lz4: cannot decompress"), run.out());

    JsonNode root = new ObjectMapper().readTree(json.toFile());
    assertEquals(1, root.path("applications").size());
    JsonNode app = root.path("applications").get(0);
    assertEquals("app-hostile", app.path("id").asText());
    assertEquals(EVIL, app.path("name").asText());
    assertEquals("4.1.3", app.path("sparkVersion").asText());
    assertEquals(2_100, app.path("durationMs").asLong());
    assertEquals("h100", app.path("qualification").path("targetDevice").asText());
    assertTrue(app.path("qualification").path("estimates").has("gb10"));
    JsonNode recommendation = app.path("recommendations").get(0);
    for (String field : List.of("id", "settings", "metrics", "threshold", "expectedEffect", "confidence")) {
      assertTrue(recommendation.has(field), field);
    }
    JsonNode plan = app.path("qualification").path("sqlExecutions").get(0).path("plan");
    assertEquals("Filter", plan.path("nodeName").asText());
    assertEquals(10, plan.path("metrics").path("number of output rows").asLong(), "metric value from the stage's accumulables");
    assertEquals(1000, plan.path("children").get(0).path("metrics").path("number of output rows").asLong());
    assertEquals(0, app.path("jobs").get(0).path("sqlExecutionId").asLong());
    assertEquals(4, app.path("resourceProfiles").get(0).path("executorCores").asLong());
    assertEquals(1, root.path("errors").size());
    assertTrue(root.path("errors").get(0).path("reason").asText().startsWith("cannot decompress"));

    String page = Files.readString(html);
    assertFalse(page.contains("<script"), "log text must be escaped");
    assertFalse(page.contains("<img"), "log text must be escaped");
    assertTrue(page.contains("&lt;script&gt;"));
    assertTrue(page.contains("<svg"), "charts are inline SVG");

    Properties properties = new Properties();
    try (var reader = Files.newBufferedReader(conf)) {
      properties.load(reader);
    }
    assertEquals("4", properties.getProperty("spark.sql.shuffle.partitions"));
  }

  @Test
  void exitsWithOneWhenNothingCouldBeRead() throws IOException {
    Path bad = directory.resolve("app-bad.zstd");
    Files.writeString(bad, "not zstd");
    Run run = cli(bad.toString(), directory.resolve("missing").toString());
    assertEquals(1, run.status());
    assertTrue(run.err().contains("no event log could be read"), run.err());
    assertTrue(run.out().contains("no such file or directory"), run.out());
  }

  @Test
  void rejectsBadUsageWithStatusTwo() {
    assertEquals(2, cli().status(), "a path is required");
    assertEquals(2, cli("--no-such-option", "x").status());
  }

  @Test
  void explainsABadTargetClusterFile() throws IOException {
    Path target = directory.resolve("cluster.json");
    Files.writeString(target, "{\"cores\": 4}");
    Run run = cli(hostileLog().toString(), "--target-cluster", target.toString());
    assertEquals(1, run.status());
    assertTrue(run.err().contains("expected a JSON object with at least \"device\""), run.err());
  }

  @Test
  void refusesAJobKeyWithoutAHistoryDirectory() throws IOException {
    Run run = cli(hostileLog().toString(), "--job", "etl");
    assertEquals(1, run.status());
    assertTrue(run.err().contains("give --history DIR as well"), run.err());
  }

  @Test
  void writesJsonToStandardOutput() throws IOException {
    Run run = cli(hostileLog().toString(), "--json", "-");
    assertEquals(0, run.status(), run.err());
    JsonNode root = new ObjectMapper().readTree(run.out());
    assertEquals("app-hostile", root.path("applications").get(0).path("id").asText());
  }

  @Test
  void escapesInTheRenderedPage() throws IOException {
    TuneResult result = TestTuners.tuner(null).run(List.of(hostileLog()));
    String page = HtmlReport.render(result);
    assertFalse(page.contains(EVIL));
    assertTrue(page.contains("Content-Security-Policy"));
  }
}
