package dev.ember.tuner;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ember.tuner.qualification.NodeStatus;
import dev.ember.tuner.rules.Confidence;
import dev.ember.tuner.rules.Recommendation;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Rules whose triggers a local test run cannot produce (several executors, YARN kills, large inputs,
 * huge broadcasts), on hand-made logs with exactly the metrics each rule reads.
 */
class TestRulesOnSyntheticRuns {
  @TempDir
  Path directory;

  private interface Body {
    void write(SyntheticEventLog log) throws IOException;
  }

  private ApplicationReport analyse(String name, Map<String, String> properties, int cores, Body body) throws IOException {
    Path file = directory.resolve("app-" + name);
    try (OutputStream out = Files.newOutputStream(file); SyntheticEventLog log = new SyntheticEventLog(out, 10_000_000)) {
      log.header("app-" + name, name, properties, cores);
      body.write(log);
      log.applicationEnd(100_000);
    }
    TuneResult result = TestTuners.tuner(null).run(List.of(file));
    assertEquals(List.of(), result.errors());
    return result.applications().get(0);
  }

  private static Recommendation find(ApplicationReport report, String id) {
    return report.recommendations().stream().filter(r -> r.ruleId().equals(id)).findFirst()
        .orElseThrow(() -> new AssertionError(id + " did not fire: "
            + report.recommendations().stream().map(Recommendation::ruleId).toList()));
  }

  private static void stage(SyntheticEventLog log, int stageId, int tasks, SyntheticEventLog.Task task) throws IOException {
    log.stageSubmitted(stageId, tasks, 100);
    for (int i = 0; i < tasks; i++) {
      log.task(stageId, i, 200, task);
    }
    log.stageCompleted(stageId, tasks, 100, 50_000);
  }

  @Test
  void singleCoreExecutorsAreWidened() throws IOException {
    ApplicationReport report = analyse("narrow", Map.of("spark.executor.memory", "2g"), 1, log -> {
      log.executor("2", 1, 0);
      stage(log, 0, 4, SyntheticEventLog.Task.simple(100));
      log.onExecutor("2");
      stage(log, 1, 4, SyntheticEventLog.Task.simple(100));
    });
    Recommendation cores = find(report, "executor.cores");
    assertEquals("4", cores.settings().get("spark.executor.cores"));
    assertEquals("8g", cores.settings().get("spark.executor.memory"), "memory per core is kept");
  }

  @Test
  void unusedHeapIsGivenBack() throws IOException {
    // Tasks report a ~200 MB JVM heap peak against 8 GiB configured, no spill, no GC.
    ApplicationReport report = analyse("roomy", Map.of("spark.executor.memory", "8g"), 4,
        log -> stage(log, 0, 8, SyntheticEventLog.Task.simple(100)));
    Recommendation memory = find(report, "executor.memory");
    assertEquals("5735m", memory.settings().get("spark.executor.memory"));
  }

  @Test
  void executorsKilledForMemoryGetMoreOverhead() throws IOException {
    ApplicationReport report = analyse("killed", Map.of("spark.executor.memory", "8g"), 4, log -> {
      stage(log, 0, 4, SyntheticEventLog.Task.simple(100));
      log.executorRemoved("1", "Container killed by YARN for exceeding physical memory limits. 9.1 GB of 9 GB used", 60_000);
    });
    Recommendation overhead = find(report, "executor.memoryOverhead");
    assertEquals(Confidence.HIGH, overhead.confidence());
    assertEquals("1229m", overhead.settings().get("spark.executor.memoryOverhead"), "1.5x the default 10% of 8g");
  }

  @Test
  void fewLargeInputSplitsAreMadeSmaller() throws IOException {
    ApplicationReport report = analyse("large-splits", Map.of(), 4,
        log -> stage(log, 0, 2, new SyntheticEventLog.Task(1000, 0, 0, 0, 0, 128L << 20, 0)));
    Recommendation splits = find(report, "files.maxPartitionBytes");
    assertEquals("64m", splits.settings().get("spark.sql.files.maxPartitionBytes"), "256 MiB over 4 slots");
  }

  @Test
  void hugeBroadcastsLowerTheThreshold() throws IOException {
    ApplicationReport report = analyse("big-broadcast", Map.of("spark.sql.autoBroadcastJoinThreshold", "1g"), 4, log -> {
      String plan = SyntheticEventLog.planNode("BroadcastHashJoin", "BroadcastHashJoin [k#1], [k#2], Inner, BuildRight, false",
          SyntheticEventLog.planNode("BroadcastExchange", "BroadcastExchange HashedRelationBroadcastMode(List(input[0, bigint, false]),false)",
              "", "data size", 11), "number of output rows", 12);
      log.sqlStart(0, "join", plan, 50).jobStart(0, 0, 0, 60);
      stage(log, 0, 4, SyntheticEventLog.Task.simple(100));
      log.stageCompleted(0, 4, 100, 50_000, 11, 600L << 20).jobEnd(0, 60_000).sqlEnd(0, 60_001);
    });
    Recommendation broadcast = find(report, "broadcast.threshold");
    assertEquals("256m", broadcast.settings().get("spark.sql.autoBroadcastJoinThreshold"));
    assertEquals("600.0 MiB", broadcast.metrics().get("largest broadcast"));
  }

  @Test
  void nodesTheCatalogCarriesAndTableNamedScansCountAsEmbers() throws IOException {
    // a broadcast hash join (its exchange carried) over a Parquet table's scan, whose event-log name goes on
    // with the table's name and whose pushed filters (StringStartsWith, a data source filter) Spark's reader runs; an aggregate over adaptive execution's shuffle read of an exchange (carried); an
    // ORC scan below the broadcast stays Spark's, so the exchange above it would cross back to Ember
    String orc = SyntheticEventLog.planNode("Scan orc", "FileScan orc [k#1]", "", "number of output rows", 31);
    String broadcast = SyntheticEventLog.planNode("BroadcastQueryStage", "BroadcastQueryStage 1",
        SyntheticEventLog.planNode("BroadcastExchange", "BroadcastExchange HashedRelationBroadcastMode(List(input[0, bigint, false]),false)",
            orc, "data size", 32));
    String parquet = SyntheticEventLog.planNode("Scan parquet spark_catalog.default.facts",
        "FileScan parquet spark_catalog.default.facts[k#2,s#3] PushedFilters: [IsNotNull(s), StringStartsWith(s,ab)]",
        "", "number of output rows", 33);
    String join = SyntheticEventLog.planNode("BroadcastHashJoin", "BroadcastHashJoin [k#2], [k#1], Inner, BuildRight",
        parquet + "," + broadcast, "number of output rows", 34);
    String exchange = SyntheticEventLog.planNode("Exchange", "Exchange hashpartitioning(k#2, 4), ENSURE_REQUIREMENTS",
        join, "shuffle records written", 35);
    String read = SyntheticEventLog.planNode("AQEShuffleRead", "AQEShuffleRead coalesced",
        SyntheticEventLog.planNode("ShuffleQueryStage", "ShuffleQueryStage 0", exchange), "number of partitions", 36);
    String plan = SyntheticEventLog.planNode("HashAggregate", "HashAggregate(keys=[k#2], functions=[count(1)])",
        read, "number of output rows", 37);
    ApplicationReport report = analyse("carried", Map.of(), 4, log -> {
      log.sqlStart(0, "join and group", plan, 50).jobStart(0, 0, 0, 60);
      stage(log, 0, 4, SyntheticEventLog.Task.simple(100));
      log.stageCompleted(0, 4, 100, 50_000, 31, 1000, 33, 5000).jobEnd(0, 60_000).sqlEnd(0, 60_001);
    });
    Map<String, NodeStatus> status = new HashMap<>();
    report.qualification().executions().get(0).nodes().forEach(node -> status.put(node.nodeName(), node.status()));
    assertEquals(NodeStatus.SUPPORTED, status.get("Scan parquet spark_catalog.default.facts"), status.toString());
    assertEquals(NodeStatus.SUPPORTED, status.get("BroadcastExchange"), status.toString());
    assertEquals(NodeStatus.SUPPORTED, status.get("AQEShuffleRead"), status.toString());
    assertEquals(NodeStatus.SUPPORTED, status.get("Exchange"), status.toString());
    assertEquals(NodeStatus.UNSUPPORTED, status.get("Scan orc"), status.toString());
    // the one crossing: the ORC scan's 1000 rows into the broadcast exchange
    assertEquals(1, report.qualification().executions().get(0).transitions());
  }

  @Test
  void aQualifyingCpuRunIsToldToUseEmber() throws IOException {
    // Filter and Project with catalogued expressions over an ORC scan (Ember reads Parquet only): 2 of 5
    // cost-weight units supported.
    ApplicationReport report = analyse("qualifies", Map.of(), 4, log -> {
      String plan = SyntheticEventLog.planNode("Project", "Project [x#1, (x#1 + 1) AS y#2]",
          SyntheticEventLog.planNode("Filter", "Filter (isnotnull(x#1) AND (x#1 > 1))",
              SyntheticEventLog.planNode("Scan orc", "FileScan orc [x#1]", "", "number of output rows", 21),
              "number of output rows", 22));
      log.sqlStart(0, "select", plan, 50).jobStart(0, 0, 0, 60);
      stage(log, 0, 8, new SyntheticEventLog.Task(1000, 0, 0, 0, 0, 16L << 20, 64L << 20));
      log.stageCompleted(0, 8, 100, 50_000, 21, 1000, 22, 0).jobEnd(0, 60_000).sqlEnd(0, 60_001);
    });
    assertEquals(0.4, report.qualification().supportedShare(), 1e-9);
    Recommendation enable = find(report, "ember.enable");
    assertEquals("dev.ember.EmberPlugin", enable.settings().get("spark.plugins"));
    // gb10 over 8 tasks x 1 s: scan 4.8 s unchanged, filter and project 3.2 s / 3, and the scan's
    // 1000 output rows crossing into Ember at 15 ns each.
    assertEquals(8000 / (4800 + 3200 / 3.0 + 1000 * 15e-6), report.qualification().targetEstimate().speedup(), 1e-9);
    Recommendation batch = find(report, "ember.batchSize");
    assertEquals("16m", batch.settings().get("spark.ember.batchSizeBytes"), "capped by the largest task input");
    assertEquals("4", find(report, "ember.concurrentGpuTasks").settings().get("spark.ember.concurrentGpuTasks"),
        "gb10 memory allows far more than the 4 cores");
    assertTrue(find(report, "executor.memoryOverhead").threshold().contains("Ember"));
  }
}
