package dev.ember.tuner;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ember.tuner.qualification.NodeStatus;
import dev.ember.tuner.rules.Confidence;
import dev.ember.tuner.rules.Recommendation;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Ember runs (hand-made from a real Spark log, see {@link EmberRunLogs}): fallbacks and the host device. */
class TestEmberRuns {
  @TempDir
  Path directory;

  private ApplicationReport analyse(String device, String chosen) throws IOException {
    Path log = directory.resolve("ember-" + device + "-" + chosen);
    EmberRunLogs.rewrite(SparkEventLogs.get(SparkEventLogs.Log.PLAIN), log, device, chosen);
    return TestTuners.tuner(null).run(List.of(log)).applications().get(0);
  }

  private static Recommendation find(ApplicationReport report, String id) {
    return report.recommendations().stream().filter(r -> r.ruleId().equals(id)).findFirst()
        .orElseThrow(() -> new AssertionError(id + " did not fire: "
            + report.recommendations().stream().map(Recommendation::ruleId).toList()));
  }

  @Test
  void reportsTheFallbacksThatCostTheMostTime() throws IOException {
    ApplicationReport report = analyse("auto", "cuda");

    assertTrue(report.app().usedEmber());
    assertTrue(report.qualification().emberRun());
    assertTrue(report.qualification().estimates().isEmpty(), "no prediction for a run that already used Ember");
    assertTrue(report.qualification().executions().stream().flatMap(e -> e.nodes().stream())
        .anyMatch(node -> node.status() == NodeStatus.ON_EMBER && node.nodeName().equals("EmberFilterExec")));
    Recommendation fallbacks = find(report, "ember.fallbacks");
    assertEquals("NOT_ON_GPU", fallbacks.settings().get("spark.ember.explain"));
    assertTrue(String.valueOf(fallbacks.metrics().get("fallback 1")).contains("no operator for"), fallbacks.metrics().toString());
    assertFalse(report.recommendations().stream().anyMatch(r -> r.ruleId().equals("ember.hostDevice")),
        "the plugin reported cuda");
    assertFalse(report.recommendations().stream().anyMatch(r -> r.ruleId().equals("ember.enable")));
  }

  @Test
  void flagsARunThatUsedTheHostDevice() throws IOException {
    Recommendation host = find(analyse("auto", "host"), "ember.hostDevice");
    assertEquals(Confidence.HIGH, host.confidence());
    assertEquals("cuda", host.settings().get("spark.ember.device"));
  }

  @Test
  void asksToCheckTheDeviceWhenThePluginDidNotRecordIt() throws IOException {
    assertEquals(Confidence.LOW, find(analyse("auto", null), "ember.hostDevice").confidence());
  }

  @Test
  void sizesGpuConcurrencyAndBatchesForEmberRuns() throws IOException {
    ApplicationReport report = analyse("cuda", "cuda");
    Recommendation concurrency = find(report, "ember.concurrentGpuTasks");
    int tasks = Integer.parseInt(concurrency.settings().get("spark.ember.concurrentGpuTasks"));
    assertTrue(tasks >= 1 && tasks <= report.app().executorCores(), "at most one task per core: " + tasks);
    Recommendation overhead = find(report, "executor.memoryOverhead");
    assertTrue(overhead.threshold().contains("Ember"));
  }
}
