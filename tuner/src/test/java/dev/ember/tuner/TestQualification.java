package dev.ember.tuner;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ember.tuner.qualification.ApplicationQualification;
import dev.ember.tuner.qualification.ExecutionQualification;
import dev.ember.tuner.qualification.ExpressionMatcher;
import dev.ember.tuner.qualification.HardwareModel;
import dev.ember.tuner.qualification.NodeAssessment;
import dev.ember.tuner.qualification.NodeStatus;
import dev.ember.tuner.qualification.OperatorCategory;
import dev.ember.tuner.qualification.Qualifier;
import dev.ember.tuner.qualification.SupportCatalog;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class TestQualification {
  @Test
  void qualifiesARealRunAgainstTheBundledCatalog() {
    ApplicationReport report = TestTuners.tuner(null).run(List.of(SparkEventLogs.get(SparkEventLogs.Log.PLAIN)))
        .applications().get(0);
    ApplicationQualification qualification = report.qualification();

    assertFalse(qualification.emberRun());
    assertEquals("gb10", qualification.targetDevice());
    List<NodeAssessment> nodes = qualification.executions().stream().flatMap(e -> e.nodes().stream()).toList();
    NodeAssessment filter = nodes.stream()
        .filter(node -> node.nodeName().equals("Filter") && node.status() == NodeStatus.SUPPORTED).findFirst()
        .orElseThrow(() -> new AssertionError("Filter (isnotnull AND >) is in the catalog: " + nodes));
    assertEquals(OperatorCategory.FILTER, filter.category());
    NodeAssessment aggregate = nodes.stream().filter(node -> node.nodeName().equals("HashAggregate")).findFirst().orElseThrow();
    assertEquals(NodeStatus.SUPPORTED, aggregate.status(), "sum runs in EmberHashAggregateExec: " + aggregate.reasons());
    // ShuffleExchangeExec is named Exchange in the log; the catalog says so (planNodeName)
    NodeAssessment exchange = nodes.stream().filter(node -> node.nodeName().equals("Exchange")).findFirst().orElseThrow();
    assertEquals(NodeStatus.SUPPORTED, exchange.status(), exchange.reasons().toString());
    assertEquals(OperatorCategory.EXCHANGE, exchange.category());

    assertTrue(qualification.supportedShare() > 0 && qualification.supportedShare() < 1, "share " + qualification.supportedShare());
    double attributed = qualification.executions().stream().mapToDouble(ExecutionQualification::taskTimeMs).sum();
    assertEquals(qualification.sqlTaskTimeMs(), attributed, 1e-6);
    assertTrue(qualification.sqlTaskTimeMs() > 0.9 * report.metrics().taskTime(),
        "almost all task time of this run is inside SQL executions and must be attributed to plan nodes");
    assertTrue(qualification.estimates().get("gb10").speedup() > 1);
    assertTrue(qualification.estimates().get("h200").speedup() >= qualification.estimates().get("l4").speedup());
    assertTrue(qualification.estimates().get("cpu").calibrated(), "the host device's factors are measured");
    assertTrue(qualification.estimates().get("cpu").speedup() > 1, "the calibrated host device is faster than Spark");
    assertTrue(qualification.assumptions().stream().anyMatch(a -> a.contains("best-effort")));
  }

  @Test
  void findsExpressionsInPlanText() {
    assertEquals(Set.of("isnotnull", "And", "GreaterThan"),
        ExpressionMatcher.expressionsOf("Filter (isnotnull(amount#5) AND (amount#5 > 10.0))"));
    assertEquals(Set.of("sum"), ExpressionMatcher.expressionsOf("HashAggregate(keys=[key#4L], functions=[partial_sum(doubled#7)])"));
    assertEquals(Set.of("concat", "cast"),
        ExpressionMatcher.expressionsOf("Project [id#21L AS key#22L, concat(k, cast(id#21L as string)) AS label#23]"));
    assertEquals(Set.of(), ExpressionMatcher.expressionsOf("Exchange hashpartitioning(key#4L, 4), ENSURE_REQUIREMENTS, [plan_id=34]"));
    assertEquals(Set.of("upper"), ExpressionMatcher.expressionsOf("Project [upper('a > b (c)') AS x#1]"),
        "text inside quotes is a literal, not an expression");
  }

  @Test
  void judgesNodesWithTheCatalogNotAHardCodedList() {
    SupportCatalog catalog = SupportCatalog.bundled();
    assertTrue(catalog.exec("Filter").isPresent());
    assertTrue(catalog.expression("isnotnull").isPresent(), "function names match class names ignoring case and _");
    assertTrue(catalog.expression("is_not_null").isPresent());
    assertTrue(catalog.expression("upper").isPresent());
    assertFalse(catalog.expression("initcap").isPresent());
  }

  @Test
  void refusesAnUnknownDeviceWithTheKnownOnes() {
    IllegalArgumentException error = assertThrows(IllegalArgumentException.class,
        () -> new Qualifier(SupportCatalog.bundled(), HardwareModel.bundled(), "tpu"));
    assertTrue(error.getMessage().contains("gb10") && error.getMessage().contains("h100"), error.getMessage());
  }

  @Test
  void hardwareModelDescribesTheDevicesTheIssueNames() {
    HardwareModel model = HardwareModel.bundled();
    for (String device : List.of("gb10", "h100", "h200", "l4", "a100", "cpu")) {
      assertTrue(model.device(device).isPresent(), device);
    }
    HardwareModel.Device gb10 = model.device("GB10").orElseThrow();
    assertEquals(273, gb10.memoryBandwidthGBps());
    assertTrue(gb10.unifiedMemory());
    assertTrue(model.device("cpu").orElseThrow().calibrated());
  }
}
