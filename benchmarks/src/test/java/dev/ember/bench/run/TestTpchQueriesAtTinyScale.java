package dev.ember.bench.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ember.bench.BenchOptions;
import dev.ember.bench.compare.Comparison;
import dev.ember.bench.compare.ExpectedAnswerCheck;
import dev.ember.bench.data.TpchDataSet;
import dev.ember.bench.query.ExpectedAnswer;
import dev.ember.bench.query.TpchQueries;
import dev.ember.bench.query.TpchQuery;
import dev.ember.bench.report.BenchReport;
import dev.ember.bench.report.QueryResult;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * All 22 queries at scale 0.01, with answers verified against the answers bundled with the tpch
 * jar: with Ember off (a check of the generator, the query texts and Spark), and through the whole
 * benchmark with Ember off and on (a check of Ember, of the comparison and of the reports).
 */
class TestTpchQueriesAtTinyScale {
  private static final Path WORK =
      Path.of(System.getProperty("ember.bench.test.work", "target/bench-test")).toAbsolutePath();

  private static BenchOptions options;

  @BeforeAll
  static void generateData() {
    options =
        new BenchOptions(
            new BigDecimal(ExpectedAnswer.SCALE), allQueries(), 1, 0, "host", "local[2]",
            WORK.resolve("output"), WORK.resolve("data").toString(),
            Map.of("spark.sql.shuffle.partitions", "4"));
    BenchSessions sessions = new BenchSessions(options, List.of());
    SparkSession spark = sessions.startGenerator();
    try {
      TpchDataSet data = new TpchDataSet(options.dataDirectory(), options.scale());
      data.ensureGenerated(spark, System.out);
      for (String table : TpchDataSet.tableNames()) {
        assertTrue(data.isComplete(spark, table), table + " is not complete after generation");
      }
    } finally {
      BenchSessions.stop(spark);
    }
  }

  @Test
  void sparkAnswersMatchTheBundledAnswers() throws Exception {
    Path eventLogs = Files.createDirectories(WORK.resolve("spark-only-eventlogs"));
    BenchSessions sessions = new BenchSessions(options, List.of());
    SparkSession spark = sessions.start(RunMode.SPARK, eventLogs);
    List<String> failures = new ArrayList<>();
    try {
      new TpchDataSet(options.dataDirectory(), options.scale()).registerViews(spark);
      QueryRunner runner = new QueryRunner(spark, RunMode.SPARK, 0, 1);
      for (TpchQuery query : TpchQueries.all()) {
        QueryRun run = runner.run(query);
        if (!run.succeeded()) {
          failures.add(query.name() + " failed: " + run.error().orElseThrow());
          continue;
        }
        ExpectedAnswer expected = ExpectedAnswer.bundled(query.number()).orElseThrow();
        Comparison comparison = ExpectedAnswerCheck.check(expected, run.rows());
        if (!comparison.matches()) {
          failures.add(query.name() + ": " + comparison.detail());
        }
      }
    } finally {
      BenchSessions.stop(spark);
    }
    assertEquals(List.of(), failures, "queries whose Spark answer differs from the tpch jar's answer");
    try (var files = Files.list(eventLogs)) {
      assertTrue(files.findAny().isPresent(), "no Spark event log was written to " + eventLogs);
    }
  }

  @Test
  void benchmarkWithEmberOffAndOnMatchesTheBundledAnswers() throws Exception {
    assumeTrue(
        BenchSessions.pluginAvailable(),
        "the Ember plugin (" + BenchSessions.PLUGIN_CLASS + ") is not on the classpath yet");
    ByteArrayOutputStream progress = new ByteArrayOutputStream();
    BenchReport report;
    try (PrintStream out = new PrintStream(progress, true, StandardCharsets.UTF_8)) {
      report = new TpchBenchmark(options, out).run();
    }
    System.out.print(progress.toString(StandardCharsets.UTF_8));
    assertEquals(TpchQueries.COUNT, report.queries().size());
    List<String> failures = new ArrayList<>();
    for (QueryResult query : report.queries()) {
      if (!query.answersMatch()
          || !query.sparkMatchesExpected().orElse(false)
          || !query.emberMatchesExpected().orElse(false)) {
        failures.add(query.name() + ": " + query.answerDetail());
      }
    }
    assertEquals(List.of(), failures, "queries whose answers do not match");

    Path output = options.output().toAbsolutePath();
    JsonNode json = new ObjectMapper().readTree(output.resolve("report.json").toFile());
    assertEquals(TpchQueries.COUNT, json.get("queries").size());
    for (String field : List.of("geomean_speedup", "device", "scale", "spark_version", "machine")) {
      assertTrue(json.has(field), "report.json lacks " + field);
    }
    JsonNode first = json.get("queries").get(0);
    for (String field : List.of("name", "spark_ms", "ember_ms", "speedup", "answers_match", "ember_nodes", "fallbacks")) {
      assertTrue(first.has(field), "a query entry in report.json lacks " + field);
    }
    assertTrue(first.get("spark_ms").asDouble() > 0, "q1 has no Spark time");
    assertTrue(Files.readString(output.resolve("report.html")).contains("<svg"), "report.html has no chart");
    assertTrue(Files.readString(output.resolve("report.md")).contains("| q22 |"), "report.md lacks q22");
    try (var files = Files.list(output.resolve("eventlogs"))) {
      assertEquals(2, files.count(), "expected one event log per application");
    }
    assertFalse(progress.toString(StandardCharsets.UTF_8).isEmpty(), "no progress was printed");
  }

  private static List<Integer> allQueries() {
    List<Integer> all = new ArrayList<>();
    for (int number = 1; number <= TpchQueries.COUNT; number++) {
      all.add(number);
    }
    return all;
  }
}
