package dev.ember.bench.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ember.bench.BenchOptions;
import dev.ember.bench.Suite;
import dev.ember.bench.query.BenchQuery;
import dev.ember.bench.report.BenchReport;
import dev.ember.bench.report.JsonReport;
import dev.ember.bench.report.QueryResult;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The report's host primitive calls, read from real plans on Ember's CUDA driver emulator
 * ({@code spark.ember.device=emulator}) through the benchmark's query runner into {@code report.json}: a
 * cast from a string (which the expression kernel refuses) runs on the host and is counted on its projection;
 * a grouping by a fixed-width key, with a string min and a stddev (the moments fold on the group-by kernels
 * too), counts nothing, so its {@code host_primitives} is empty.
 *
 * <p>Runs in its own JVM (the surefire execution {@code emulator-host-primitives}): a JVM chooses its
 * device once, and the other tests of this module run on the host device.
 */
class TestHostPrimitivesOnEmulator {
  @TempDir
  static Path work;

  private static SparkSession spark;

  private record Query(String name, String sql) implements BenchQuery {}

  @BeforeAll
  static void start() throws Exception {
    BenchOptions options = new BenchOptions(
        Suite.TPCH, new BigDecimal("0.01"), List.of("q1"), 1, 0, "emulator", "local[2]", work.resolve("output"),
        work.resolve("data").toString(), Map.of("spark.sql.shuffle.partitions", "2"));
    Path eventLogs = Files.createDirectories(work.resolve("eventlogs"));
    spark = new BenchSessions(options, List.of()).start(RunMode.EMBER, eventLogs);
    String table = work.resolve("data").resolve("keys").toString();
    spark.range(0, 3000).selectExpr("id % 7 AS k", "concat('key', id % 13) AS s", "id AS v")
        .write().parquet(table);
    spark.read().parquet(table).createOrReplaceTempView("keys");
  }

  @AfterAll
  static void stop() {
    if (spark != null) {
      BenchSessions.stop(spark);
    }
  }

  @Test
  void aStringCastCountsHostCallsAndAKernelGroupingNone() throws Exception {
    String device = DeviceProbe.chosenDevice(spark);
    assertFalse(device.startsWith("host"), "the test must run on the emulator, not " + device);
    QueryResult fixed = result(new Query("fixed",
        "SELECT k, count(*), sum(v), min(s), stddev(v) FROM keys GROUP BY k"));
    QueryResult cast = result(new Query("cast", "SELECT k, try_cast(s AS INT) AS n FROM keys"));
    System.out.println("host primitive calls on " + device + ": fixed " + fixed.hostPrimitiveCalls()
        + ", cast " + cast.hostPrimitiveCalls());

    assertTrue(fixed.emberNodes().contains("EmberHashAggregateExec"), "Ember aggregated: " + fixed.emberNodes());
    assertEquals(Map.of(), fixed.hostPrimitiveCalls(),
        "fixed-width keys, a string min and stddev group on the kernels");
    assertTrue(cast.hostPrimitiveCalls().getOrDefault("EmberProjectExec", 0L) > 0,
        "a cast from a string runs on the host: " + cast.hostPrimitiveCalls());
    assertTrue(cast.hostPrimitiveCalls().values().stream().allMatch(calls -> calls > 0),
        "only node classes with calls: " + cast.hostPrimitiveCalls());

    BenchReport report = new BenchReport(List.of(fixed, cast), "emulator", device, "0.01", spark.version(),
        "test", "local[2]", 1, 0, "2026-01-01T00:00:00Z", work.resolve("eventlogs").toString());
    JsonNode queries = new ObjectMapper().readTree(JsonReport.toJson(report)).get("queries");
    assertTrue(queries.get(0).get("host_primitives").isObject(), queries.get(0).toString());
    assertEquals(0, queries.get(0).get("host_primitives").size(), queries.get(0).toString());
    JsonNode counted = queries.get(1).get("host_primitives");
    assertEquals(cast.hostPrimitiveCalls().get("EmberProjectExec").longValue(),
        counted.get("EmberProjectExec").asLong(), counted.toString());
  }

  /** The query run once with Ember on, as the report would carry it (its answer compared with itself). */
  private static QueryResult result(Query query) {
    QueryRun run = new QueryRunner(spark, "test", RunMode.EMBER, 0, 1).run(query);
    assertTrue(run.succeeded(), query.name() + ": " + run.error());
    return Benchmark.compare(query, run, run, Optional.empty());
  }
}
