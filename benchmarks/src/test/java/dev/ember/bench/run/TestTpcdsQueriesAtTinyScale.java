package dev.ember.bench.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ember.bench.BenchOptions;
import dev.ember.bench.Suite;
import dev.ember.bench.data.TpcdsDataSet;
import dev.ember.bench.query.TpcdsQueries;
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
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;

/**
 * A few TPC-DS-like queries at scale 0.01 through the whole benchmark, Ember off and on (device host,
 * one round): the generator writes TPC-DS's types, the answers match, and the report carries the node
 * share, the reasons nodes stayed in Spark and the queries not written yet. The queries cover a rollup
 * with rank (q36), running windows over a full outer join (q51), a three-channel union (q33) and existence
 * joins under OR (q35); each returns rows at this scale (q10, whose answer is empty here, is planned by
 * adaptive execution as an empty relation and runs no operator at all).
 */
class TestTpcdsQueriesAtTinyScale {
  private static final Path WORK =
      Path.of(System.getProperty("ember.bench.test.work", "target/bench-test")).toAbsolutePath();
  private static final List<String> QUERIES = List.of("q3", "q33", "q35", "q36", "q51");

  @Test
  void benchmarkWithEmberOffAndOnMatchesAndReportsTheNodeShare() throws Exception {
    Path output = WORK.resolve("tpcds-output");
    TestTpchQueriesAtTinyScale.deleteRecursively(output);
    BenchOptions options =
        new BenchOptions(
            Suite.TPCDS, new BigDecimal("0.01"), QUERIES, 1, 0, "host", "local[2]", output,
            WORK.resolve("data").toString(), Map.of("spark.sql.shuffle.partitions", "4"));
    ByteArrayOutputStream progress = new ByteArrayOutputStream();
    BenchReport report;
    try (PrintStream out = new PrintStream(progress, true, StandardCharsets.UTF_8)) {
      report = new Benchmark(options, out).run();
    }
    String printed = progress.toString(StandardCharsets.UTF_8);
    System.out.print(printed);

    List<String> failures = new ArrayList<>();
    for (QueryResult query : report.queries()) {
      if (!query.answersMatch() || query.failedInBothModes()) {
        failures.add(query.name() + ": " + query.answerDetail());
      }
      assertTrue(query.nodeShare().operatorNodes() > 0, query.name() + " counted no operator node");
      assertTrue(query.nodeShare().emberNodes() > 0, query.name() + " ran no Ember node");
    }
    assertEquals(List.of(), failures, "queries whose answers do not match or that failed");
    assertEquals(QUERIES, report.queries().stream().map(QueryResult::name).toList());
    assertEquals(TpcdsQueries.missing(), report.missingQueries());
    double share = report.emberNodeShare();
    assertTrue(share > 0 && share <= 1, "overall node share " + share);

    JsonNode json = new ObjectMapper().readTree(output.resolve("report.json").toFile());
    assertEquals("TPC-DS-like", json.get("benchmark").asText());
    assertEquals(share, json.get("ember_node_share").asDouble(), 0.0005);
    assertEquals(TpcdsQueries.missing().size(), json.get("missing_queries").size());
    assertTrue(json.get("spark_node_reasons").isArray(), "report.json lacks spark_node_reasons");
    for (JsonNode reason : json.get("spark_node_reasons")) {
      assertTrue(reason.get("queries").size() > 0 && reason.get("nodes").asInt() > 0, reason.toString());
    }
    JsonNode first = json.get("queries").get(0);
    for (String field : List.of("ember_node_share", "operator_nodes", "ember_operator_nodes")) {
      assertTrue(first.has(field), "a query entry lacks " + field);
    }
    String markdown = Files.readString(output.resolve("report.md"));
    assertTrue(markdown.contains("Ember node share"), "report.md lacks the node share");
    assertTrue(printed.contains("generating store_sales") || printed.contains("TPC-DS-like data"), printed);
    try (var files = Files.list(output.resolve("eventlogs"))) {
      assertEquals(2, files.count(), "expected one event log per application");
    }
    checkTypes(options);
  }

  /** The tables carry TPC-DS's types: integer keys, decimals as decimals, dates as dates. */
  private static void checkTypes(BenchOptions options) {
    BenchSessions sessions = new BenchSessions(options, List.of());
    SparkSession spark = sessions.startGenerator();
    try {
      TpcdsDataSet data = new TpcdsDataSet(options.dataDirectory(), options.scale());
      var sales = spark.read().parquet(data.tableDirectory("store_sales")).schema();
      assertEquals("int", sales.apply("ss_item_sk").dataType().simpleString());
      assertEquals("decimal(7,2)", sales.apply("ss_sales_price").dataType().simpleString());
      var dates = spark.read().parquet(data.tableDirectory("date_dim"));
      assertEquals("date", dates.schema().apply("d_date").dataType().simpleString());
      Row first = dates.where("d_date_sk = 2415022").select("d_date", "d_year").first();
      assertEquals(java.sql.Date.valueOf("1900-01-02"), first.get(0));
      assertEquals(1900, first.getInt(1));
      // the generator's own row counts at this scale (dsdgen's, which do not shrink linearly below 1)
      assertEquals(1_920_800, spark.read().parquet(data.tableDirectory("customer_demographics")).count());
      assertEquals(73_049, dates.count());
    } finally {
      BenchSessions.stop(spark);
    }
  }
}
