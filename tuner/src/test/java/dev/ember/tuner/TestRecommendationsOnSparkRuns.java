package dev.ember.tuner;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ember.tuner.rules.Recommendation;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** The rules on real Spark runs built to trigger them, and on a clean run that must not. */
class TestRecommendationsOnSparkRuns {
  private static ApplicationReport report(SparkEventLogs.Log log) {
    TuneResult result = TestTuners.tuner(null).run(List.of(SparkEventLogs.get(log)));
    assertEquals(List.of(), result.errors());
    assertEquals(1, result.applications().size());
    return result.applications().get(0);
  }

  private static Optional<Recommendation> find(ApplicationReport report, String ruleId) {
    return report.recommendations().stream().filter(r -> r.ruleId().equals(ruleId)).findFirst();
  }

  private static Set<String> ids(ApplicationReport report) {
    return report.recommendations().stream().map(Recommendation::ruleId).collect(Collectors.toSet());
  }

  @Test
  void spillingSortTriggersTheSpillRule() {
    ApplicationReport report = report(SparkEventLogs.Log.SPILL_LZ4);
    assertTrue(report.metrics().diskSpilled() > 0, "the forced-spill run spilled to disk");
    Recommendation spill = find(report, "spill").orElseThrow(() -> new AssertionError(ids(report).toString()));
    assertEquals("0.75", spill.settings().get("spark.memory.fraction"));
    assertEquals("2000", spill.metrics().get("spark.shuffle.spill.numElementsForceSpillThreshold"));
    assertTrue(spill.expectedEffect().contains("numElementsForceSpillThreshold"));
  }

  @Test
  void skewedJoinTriggersTheSkewRule() {
    ApplicationReport report = report(SparkEventLogs.Log.SKEW_LZF);
    Recommendation skew = find(report, "aqe.skewJoin").orElseThrow(() -> new AssertionError(ids(report).toString()));
    assertEquals("true", skew.settings().get("spark.sql.adaptive.skewJoin.enabled"));
    assertEquals("shuffle read", skew.metrics().get("skew measured on"));
    assertTrue(((Number) skew.metrics().get("max / median")).doubleValue() >= 5, skew.metrics().toString());
    // Broadcasting was disabled on purpose; the dimension side is tiny, so the broadcast rule speaks up.
    Recommendation broadcast = find(report, "broadcast.threshold").orElseThrow();
    assertEquals("10m", broadcast.settings().get("spark.sql.autoBroadcastJoinThreshold"));
  }

  @Test
  void garbageHeavyTasksTriggerTheGcRule() {
    ApplicationReport report = report(SparkEventLogs.Log.GC_SNAPPY);
    assertTrue(report.metrics().gcShare() > 0.10, "GC share " + report.metrics().gcShare());
    Recommendation gc = find(report, "gc.pressure").orElseThrow(() -> new AssertionError(ids(report).toString()));
    assertTrue(gc.settings().get("spark.executor.extraJavaOptions").endsWith("-XX:+UseG1GC"));
    assertEquals("1536m", gc.settings().get("spark.executor.memory"));
  }

  @Test
  void tinyPartitionsTriggerTheShufflePartitionsRule() {
    ApplicationReport report = report(SparkEventLogs.Log.TINY_PARTITIONS_ZSTD);
    Recommendation partitions = find(report, "shuffle.partitions")
        .orElseThrow(() -> new AssertionError(ids(report).toString()));
    assertEquals(200, partitions.metrics().get("spark.sql.shuffle.partitions"));
    int recommended = Integer.parseInt(partitions.settings().get("spark.sql.shuffle.partitions"));
    assertEquals(report.metrics().slots(), recommended, "a few KB of shuffle needs one partition per slot");
    assertEquals("true", partitions.settings().get("spark.sql.adaptive.coalescePartitions.enabled"));
    assertTrue(partitions.title().contains("tiny"));
  }

  @Test
  void cleanRunTriggersNoneOfThem() {
    ApplicationReport report = report(SparkEventLogs.Log.PLAIN);
    Set<String> fired = ids(report);
    for (String rule : List.of("spill", "aqe.skewJoin", "gc.pressure", "shuffle.partitions")) {
      assertFalse(fired.contains(rule), rule + " fired on the clean run: " + fired);
    }
  }

  @Test
  void everyRecommendationExplainsItself() {
    for (SparkEventLogs.Log log : SparkEventLogs.Log.values()) {
      for (Recommendation recommendation : report(log).recommendations()) {
        assertFalse(recommendation.metrics().isEmpty(), recommendation.ruleId() + " read no metrics");
        assertFalse(recommendation.threshold().isBlank(), recommendation.ruleId());
        assertFalse(recommendation.expectedEffect().isBlank(), recommendation.ruleId());
        for (Map.Entry<String, String> setting : recommendation.settings().entrySet()) {
          assertTrue(setting.getKey().startsWith("spark."), setting.getKey());
          assertFalse(setting.getValue().isBlank(), setting.getKey());
        }
      }
    }
  }
}
