package dev.ember.bench.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ember.bench.BenchOptions;
import dev.ember.bench.Suite;
import dev.ember.bench.data.TpchDataSet;
import dev.ember.bench.query.ExpectedAnswer;
import dev.ember.bench.query.TpchQueries;
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
import java.util.Optional;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * All 22 queries at scale 0.01 through the whole benchmark, Ember off and on, with every answer
 * verified against the answers bundled with the tpch jar (a check of the generator, the query
 * texts, Spark and Ember) and against each other; then the reports and event logs.
 *
 * <p>Ember's device is {@code -Dember.bench.test.device} (default {@code host}); the surefire execution
 * {@code emulator-tpch} runs the class again on Ember's CUDA driver emulator, in a JVM of its own.
 */
class TestTpchQueriesAtTinyScale {
  private static final Path WORK =
      Path.of(System.getProperty("ember.bench.test.work", "target/bench-test")).toAbsolutePath();

  private static BenchOptions options;

  @BeforeAll
  static void generateData() throws Exception {
    deleteRecursively(WORK.resolve("output")); // reports and event logs of an earlier test run
    options =
        new BenchOptions(
            Suite.TPCH, new BigDecimal(ExpectedAnswer.SCALE), allQueries(), 1, 0, device(), "local[2]",
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
  void aTableWithoutItsMarkerIsGeneratedAgain() throws Exception {
    BenchSessions sessions = new BenchSessions(options, List.of());
    SparkSession spark = sessions.startGenerator();
    try {
      TpchDataSet data = new TpchDataSet(options.dataDirectory(), options.scale());
      Files.delete(Path.of(data.tableDirectory("region"), TpchDataSet.MARKER));
      assertFalse(data.isComplete(spark, "region"));
      ByteArrayOutputStream progress = new ByteArrayOutputStream();
      try (PrintStream out = new PrintStream(progress, true, StandardCharsets.UTF_8)) {
        data.ensureGenerated(spark, out);
      }
      String printed = progress.toString(StandardCharsets.UTF_8);
      assertTrue(printed.contains("generating region"), printed);
      assertFalse(printed.contains("generating lineitem"), "complete tables are reused: " + printed);
      assertTrue(data.isComplete(spark, "region"));
      assertEquals(5, spark.read().parquet(data.tableDirectory("region")).count());
    } finally {
      BenchSessions.stop(spark);
    }
  }

  @Test
  void benchmarkWithEmberOffAndOnMatchesTheBundledAnswers() throws Exception {
    ByteArrayOutputStream progress = new ByteArrayOutputStream();
    BenchReport report;
    try (PrintStream out = new PrintStream(progress, true, StandardCharsets.UTF_8)) {
      report = new Benchmark(options, out).run();
    }
    System.out.print(progress.toString(StandardCharsets.UTF_8));
    assertEquals(TpchQueries.COUNT, report.queries().size());
    List<String> failures = new ArrayList<>();
    for (QueryResult query : report.queries()) {
      if (!query.answersMatch()) {
        failures.add(query.name() + ": " + query.answerDetail());
      }
      // the check against the jar's answers must have been made, in both modes
      assertEquals(Optional.of(true), query.sparkMatchesExpected(), query.name() + " with Ember off");
      assertEquals(Optional.of(true), query.emberMatchesExpected(), query.name() + " with Ember on");
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
    for (JsonNode query : json.get("queries")) {
      // the host device runs every primitive on the host by design and counts none; on the emulator every
      // primitive of these 22 queries runs as a kernel, so none is counted either
      assertTrue(query.get("host_primitives").isObject(), query.get("name") + " lacks a host_primitives object");
      assertEquals(0, query.get("host_primitives").size(), query.get("name") + " on the " + device() + " device: "
          + query.get("host_primitives"));
    }
    assertTrue(Files.readString(output.resolve("report.md")).contains("| host primitive calls |"),
        "report.md lacks the host primitive calls column");
    assertTrue(Files.readString(output.resolve("report.html")).contains("<svg"), "report.html has no chart");
    assertTrue(Files.readString(output.resolve("report.md")).contains("| q22 |"), "report.md lacks q22");
    try (var files = Files.list(output.resolve("eventlogs"))) {
      assertEquals(2, files.count(), "expected one event log per application");
    }
    assertFalse(progress.toString(StandardCharsets.UTF_8).isEmpty(), "no progress was printed");
  }

  static void deleteRecursively(Path directory) throws Exception {
    if (!Files.exists(directory)) {
      return;
    }
    try (var paths = Files.walk(directory)) {
      for (Path path : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.delete(path);
      }
    }
  }

  /** Ember's device for the Ember runs: {@code -Dember.bench.test.device}, {@code host} by default. */
  private static String device() {
    return System.getProperty("ember.bench.test.device", "host");
  }

  private static List<String> allQueries() {
    return Suite.TPCH.allQueries();
  }
}
