package dev.ember.tuner;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ember.tuner.history.HistoryReport;
import dev.ember.tuner.history.HistoryStore;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TestHistory {
  @TempDir
  Path directory;

  /** A run of job "etl" on one 4-core executor: 400 tiny tasks, so the shuffle rule always proposes 4 partitions. */
  private Path run(String appId, long start, long durationMs, Map<String, String> properties) throws IOException {
    Path file = directory.resolve("logs").resolve(appId);
    Files.createDirectories(file.getParent());
    Map<String, String> all = new LinkedHashMap<>(properties);
    all.put("spark.master", "yarn");
    try (OutputStream out = Files.newOutputStream(file); SyntheticEventLog log = new SyntheticEventLog(out, start)) {
      log.header(appId, "etl", all);
      log.stageSubmitted(0, 400, 10);
      for (int i = 0; i < 400; i++) {
        log.task(0, i, 20, new SyntheticEventLog.Task(50, 0, 2048, 2048, 0, 0, 0));
      }
      log.stageCompleted(0, 400, 10, durationMs - 10).applicationEnd(durationMs);
    }
    return file;
  }

  private HistoryReport record(Path log) throws IOException {
    TuneResult result = TestTuners.tuner(new HistoryStore(directory.resolve("history"))).run(List.of(log));
    assertEquals(List.of(), result.errors());
    return result.applications().get(0).history();
  }

  @Test
  void revertsASettingThatMadeTheJobSlowerAndDoesNotRetryIt() throws IOException {
    HistoryReport first = record(run("app-1", 1_000_000, 100_000, Map.of("spark.sql.shuffle.partitions", "200")));
    assertEquals(1, first.runs());
    assertNull(first.previousAppId());
    assertEquals("4", first.nextConfiguration().get("spark.sql.shuffle.partitions"),
        "the shuffle rule's proposal is among the first knobs to try");

    HistoryReport second = record(run("app-2", 2_000_000, 130_000, Map.of("spark.sql.shuffle.partitions", "4")));
    assertEquals(2, second.runs());
    assertEquals("app-1", second.previousAppId());
    assertEquals(0.3, second.durationChange(), 1e-9);
    assertEquals(List.of("spark.sql.shuffle.partitions: 200 -> 4"), second.changed());
    assertEquals("200", second.nextConfiguration().get("spark.sql.shuffle.partitions"), "reverted");
    assertTrue(second.notes().get(0).contains("reverting"), second.notes().toString());

    HistoryReport third = record(run("app-3", 3_000_000, 90_000, Map.of("spark.sql.shuffle.partitions", "200")));
    assertEquals(3, third.runs());
    assertEquals("app-2", third.previousAppId());
    assertFalse("4".equals(third.nextConfiguration().get("spark.sql.shuffle.partitions")),
        "a reverted setting is not proposed again: " + third.nextConfiguration());
    assertTrue(third.notes().get(0).startsWith("faster"), third.notes().toString());
  }

  @Test
  void recordingTheSameApplicationTwiceKeepsOneRecord() throws IOException {
    Path log = run("app-7", 1_000_000, 50_000, Map.of());
    record(log);
    assertEquals(1, record(log).runs());
  }

  @Test
  void comparesRealSparkAndEmberRunsOfTheSameJob() throws IOException {
    HistoryStore store = new HistoryStore(directory.resolve("history"), "clean-workload");
    ApplicationReport spark = TestTuners.tuner(store).run(List.of(SparkEventLogs.get(SparkEventLogs.Log.PLAIN)))
        .applications().get(0);
    ApplicationReport ember = TestTuners.tuner(store).run(List.of(SparkEventLogs.get(SparkEventLogs.Log.EMBER_ZSTD)))
        .applications().get(0);

    HistoryReport history = ember.history();
    assertEquals("clean-workload", history.job());
    assertEquals(2, history.runs());
    assertNull(history.previousAppId(), "no earlier Ember run to compare durations with");
    assertEquals(3, history.comparisons().size(), "the workload runs three SQL executions");
    // the Ember run used the host device, so the predictions compared are those for the model's cpu device
    assertEquals("cpu", history.predictionDevice());
    assertTrue(history.predictionBasis().startsWith("calibrated on "), history.predictionBasis());
    double sparkTotal = 0;
    double emberTotal = 0;
    double predictedEmberTotal = 0;
    for (HistoryReport.ExecutionComparison comparison : history.comparisons()) {
      sparkTotal += comparison.sparkTaskTimeMs();
      emberTotal += comparison.emberTaskTimeMs();
      predictedEmberTotal += comparison.sparkTaskTimeMs() / comparison.predictedSpeedup();
      double sparkTime = spark.qualification().executions().get(comparison.index()).taskTimeMs();
      double emberTime = ember.qualification().executions().get(comparison.index()).taskTimeMs();
      assertEquals(Math.round(sparkTime), comparison.sparkTaskTimeMs());
      assertEquals(Math.round(emberTime), comparison.emberTaskTimeMs());
      assertEquals((double) comparison.sparkTaskTimeMs() / comparison.emberTaskTimeMs(), comparison.actualSpeedup(), 1e-9);
      assertEquals(spark.qualification().executions().get(comparison.index()).estimates().get("cpu").speedup(),
          comparison.predictedSpeedup(), 0.001);
    }
    HistoryReport.ExecutionComparison overall = history.overall();
    assertEquals(-1, overall.index());
    assertEquals(Math.round(sparkTotal), overall.sparkTaskTimeMs());
    assertEquals(Math.round(emberTotal), overall.emberTaskTimeMs());
    assertEquals(sparkTotal / emberTotal, overall.actualSpeedup(), 1e-3);
    assertEquals(sparkTotal / predictedEmberTotal, overall.predictedSpeedup(), 1e-2);
  }

  @Test
  void comparesASparkRunWithAnEmberRunPerSqlExecution() throws IOException {
    Path spark = SparkEventLogs.get(SparkEventLogs.Log.PLAIN);
    Path ember = directory.resolve("ember-run");
    EmberRunLogs.rewrite(spark, ember, "auto", null);

    HistoryStore store = new HistoryStore(directory.resolve("history"));
    ApplicationReport sparkReport = TestTuners.tuner(store).run(List.of(spark)).applications().get(0);
    ApplicationReport emberReport = TestTuners.tuner(store).run(List.of(ember)).applications().get(0);

    assertFalse(sparkReport.qualification().emberRun());
    assertTrue(emberReport.qualification().emberRun());
    List<HistoryReport.ExecutionComparison> comparisons = emberReport.history().comparisons();
    assertEquals(sparkReport.qualification().executions().size(), comparisons.size());
    for (int i = 0; i < comparisons.size(); i++) {
      HistoryReport.ExecutionComparison comparison = comparisons.get(i);
      double predicted = sparkReport.qualification().executions().get(i).estimates().get("gb10").speedup();
      assertEquals(predicted, comparison.predictedSpeedup(), 0.001);
      // The hand-made Ember log keeps the Spark run's task times, so the measured speedup is exactly 1.
      assertEquals(1.0, comparison.actualSpeedup(), 1e-9);
    }
  }
}
