package dev.ember.tuner.qualification;

import static java.util.Objects.requireNonNull;

import dev.ember.tuner.model.ApplicationModel;
import dev.ember.tuner.model.PlanNode;
import dev.ember.tuner.model.SqlExecutionModel;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Qualifies applications against the plugin's support catalog and estimates speedups with the
 * hardware model (Amdahl's law per operator). For runs that already used Ember it reports what still
 * ran on Spark instead. Every assumption behind the numbers is returned with them.
 *
 * <p>Immutable and thread safe.
 */
public final class Qualifier {
  private final SupportCatalog catalog;
  private final HardwareModel hardware;
  private final String targetDevice;

  /**
   * @param targetDevice the hardware model device the headline estimate is for
   * @throws IllegalArgumentException when the model has no such device
   */
  public Qualifier(SupportCatalog catalog, HardwareModel hardware, String targetDevice) {
    this.catalog = requireNonNull(catalog, "catalog is null");
    this.hardware = requireNonNull(hardware, "hardware is null");
    requireNonNull(targetDevice, "targetDevice is null");
    this.targetDevice = hardware.device(targetDevice).map(HardwareModel.Device::name).orElseThrow(() ->
        new IllegalArgumentException("unknown device '" + targetDevice + "'; the hardware model knows "
            + hardware.devices().stream().map(HardwareModel.Device::name).toList()));
  }

  public ApplicationQualification qualify(ApplicationModel app) {
    requireNonNull(app, "app is null");
    boolean emberRun = app.usedEmber();
    List<ExecutionQualification> executions = new ArrayList<>();
    double sqlTaskTime = 0;
    double supported = 0;
    Map<String, double[]> estimateTotals = new LinkedHashMap<>();
    Map<String, UnsupportedOperator> unsupported = new HashMap<>();
    for (SqlExecutionModel execution : app.sqlExecutions()) {
      if (execution.plan() == null) {
        continue;
      }
      ExecutionQualification result = qualify(app, execution, emberRun);
      executions.add(result);
      sqlTaskTime += result.taskTimeMs();
      supported += result.supportedTimeMs();
      for (SpeedupEstimate estimate : result.estimates().values()) {
        double[] totals = estimateTotals.computeIfAbsent(estimate.device(), name -> new double[3]);
        totals[0] += estimate.cpuTaskTimeMs();
        totals[1] += estimate.estimatedTaskTimeMs();
        totals[2] += estimate.transitionCostMs();
      }
      for (UnsupportedOperator operator : result.unsupported()) {
        unsupported.merge(operator.nodeName() + "\u0000" + operator.reason(), operator, (a, b) ->
            new UnsupportedOperator(a.nodeName(), a.reason(), a.count() + b.count(), a.taskTimeMs() + b.taskTimeMs()));
      }
    }
    double taskTime = Math.max(app.totalTaskTime(), sqlTaskTime);
    double outsideSql = taskTime - sqlTaskTime;
    Map<String, SpeedupEstimate> estimates = new LinkedHashMap<>();
    if (!emberRun) {
      for (HardwareModel.Device device : hardware.devices()) {
        double[] totals = estimateTotals.getOrDefault(device.name(), new double[3]);
        estimates.put(device.name(), new SpeedupEstimate(device.name(), taskTime, totals[1] + outsideSql, totals[2],
            device.calibration()));
      }
    }
    List<UnsupportedOperator> top = new ArrayList<>(unsupported.values());
    top.sort(Comparator.comparingDouble(UnsupportedOperator::taskTimeMs).reversed()
        .thenComparing(UnsupportedOperator::nodeName));
    return new ApplicationQualification(emberRun, targetDevice, taskTime, sqlTaskTime, supported, estimates,
        executions, top, assumptions(emberRun, outsideSql));
  }

  private ExecutionQualification qualify(ApplicationModel app, SqlExecutionModel execution, boolean emberRun) {
    Map<PlanNode, Double> time = TimeAttribution.attribute(app, execution, hardware);
    Map<PlanNode, NodeAssessment> verdicts = new IdentityHashMap<>();
    List<NodeAssessment> nodes = new ArrayList<>();
    double taskTime = 0;
    double supportedTime = 0;
    double transitionTime = 0;
    Map<String, UnsupportedOperator> unsupported = new LinkedHashMap<>();
    for (PlanNode node : execution.plan().flatten()) {
      verdicts.put(node, assess(node, time.getOrDefault(node, 0.0), emberRun,
          emberRun ? execution.emberFallbackReasons(node.nodeName().trim()) : List.of()));
    }
    carry(execution.plan(), null, verdicts, emberRun);
    for (PlanNode node : execution.plan().flatten()) {
      NodeAssessment verdict = verdicts.get(node);
      nodes.add(verdict);
      taskTime += verdict.taskTimeMs();
      switch (verdict.status()) {
        case ON_EMBER, SUPPORTED -> supportedTime += verdict.taskTimeMs();
        case TRANSITION -> transitionTime += verdict.taskTimeMs();
        case UNSUPPORTED -> {
          String reason = String.join("; ", verdict.reasons());
          unsupported.merge(node.nodeName() + "\u0000" + reason,
              new UnsupportedOperator(node.nodeName(), reason, 1, verdict.taskTimeMs()),
              (a, b) -> new UnsupportedOperator(a.nodeName(), a.reason(), a.count() + b.count(),
                  a.taskTimeMs() + b.taskTimeMs()));
        }
        case NOT_AN_OPERATOR -> { }
      }
    }
    List<long[]> crossings = new ArrayList<>();
    countCrossings(execution, execution.plan(), null, verdicts, crossings);
    long transitionRows = 0;
    for (long[] crossing : crossings) {
      transitionRows += crossing[0];
    }
    Map<String, SpeedupEstimate> estimates = new LinkedHashMap<>();
    if (!emberRun) {
      for (HardwareModel.Device device : hardware.devices()) {
        double estimated = 0;
        for (NodeAssessment verdict : nodes) {
          estimated += verdict.status() == NodeStatus.SUPPORTED
              ? verdict.taskTimeMs() / device.factor(verdict.category()) : verdict.taskTimeMs();
        }
        double transitionCost = transitionRows * device.transitionNanosPerRow() / 1e6;
        estimates.put(device.name(), new SpeedupEstimate(device.name(), taskTime, estimated + transitionCost, transitionCost,
            device.calibration()));
      }
    }
    List<UnsupportedOperator> unsupportedList = new ArrayList<>(unsupported.values());
    unsupportedList.sort(Comparator.comparingDouble(UnsupportedOperator::taskTimeMs).reversed());
    return new ExecutionQualification(execution.executionId(), execution.description(), execution.duration(), taskTime,
        supportedTime, transitionTime, crossings.size(), transitionRows, unsupportedList, nodes, estimates);
  }

  /**
   * The verdict on one node. {@code pluginReasons}: for a run with Ember, the reasons its planner logged
   * ({@code dev.ember.plan.EmberFallbacks} events) for leaving nodes of this name in Spark.
   */
  NodeAssessment assess(PlanNode node, double taskTime, boolean emberRun, List<String> pluginReasons) {
    OperatorCategory category = OperatorCategory.of(node.nodeName());
    if (category == OperatorCategory.WRAPPER) {
      return new NodeAssessment(node.nodeName(), category, NodeStatus.NOT_AN_OPERATOR, List.of(), taskTime);
    }
    if (category == OperatorCategory.TRANSITION) {
      return new NodeAssessment(node.nodeName(), category, NodeStatus.TRANSITION, List.of(), taskTime);
    }
    if (node.isEmberNode()) {
      return new NodeAssessment(node.nodeName(), category, NodeStatus.ON_EMBER, List.of(), taskTime);
    }
    String name = node.nodeName().trim();
    if (emberRun && !pluginReasons.isEmpty()) {
      return new NodeAssessment(name, category, NodeStatus.UNSUPPORTED,
          pluginReasons.stream().map(reason -> "Ember: " + reason).toList(), taskTime);
    }
    Optional<SupportCatalog.Exec> exec = catalog.exec(name);
    if (exec.isEmpty()) {
      return new NodeAssessment(name, category, NodeStatus.UNSUPPORTED,
          List.of("Ember " + catalog.emberVersion() + " has no operator for " + name), taskTime);
    }
    List<String> reasons = new ArrayList<>();
    // A scan's plan text lists the filters pushed to the file reader (data source filters such as
    // StringStartsWith) and the data filters the Filter above it evaluates; Spark's reader applies the former
    // for Ember's scan too, so the scan's own expressions are not Ember's to support.
    Set<String> expressions = category == OperatorCategory.SCAN ? Set.of() : ExpressionMatcher.expressionsOf(node.simpleString());
    for (String expression : expressions) {
      if (catalog.expression(expression).isEmpty()) {
        reasons.add("expression " + expression + " is not in Ember's catalog");
      }
    }
    if (emberRun) {
      reasons.add(reasons.isEmpty()
          ? "the catalog supports " + name + " but it ran on Spark: run with spark.ember.explain=NOT_ON_GPU to see why"
              + (exec.get().enableKey().isEmpty() ? "" : " (is " + exec.get().enableKey() + " false?)")
          : "ran on Spark");
    }
    if (!reasons.isEmpty()) {
      return new NodeAssessment(name, category, NodeStatus.UNSUPPORTED, reasons, taskTime);
    }
    return new NodeAssessment(name, category, NodeStatus.SUPPORTED, List.of(), taskTime);
  }

  /**
   * Moves to Ember's side the Spark nodes that run on Ember's batches without a rule of their own (the catalog's
   * {@code carries}: a broadcast join's exchange, adaptive execution's shuffle read above an exchange) where the
   * real operator next to them (above or below, wrappers skipped) is on Ember's side and carries them.
   */
  private void carry(PlanNode node, PlanNode operatorAbove, Map<PlanNode, NodeAssessment> verdicts, boolean emberRun) {
    NodeAssessment verdict = verdicts.get(node);
    PlanNode above = operatorAbove;
    if (isRealOperator(verdict)) {
      if (!onEmber(verdict) && !node.isEmberNode()) {
        boolean carried = operatorAbove != null && carries(operatorAbove, verdicts, verdict.nodeName());
        for (PlanNode below : operatorsBelow(node, verdicts)) {
          carried |= carries(below, verdicts, verdict.nodeName());
        }
        if (carried) {
          verdicts.put(node, new NodeAssessment(verdict.nodeName(), verdict.category(),
              emberRun ? NodeStatus.ON_EMBER : NodeStatus.SUPPORTED, List.of(), verdict.taskTimeMs()));
        }
      }
      above = node;
    }
    for (PlanNode child : node.children()) {
      carry(child, above, verdicts, emberRun);
    }
  }

  /** Whether {@code neighbour} is on Ember's side and its exec carries a node named {@code carriedName}. */
  private boolean carries(PlanNode neighbour, Map<PlanNode, NodeAssessment> verdicts, String carriedName) {
    if (!onEmber(verdicts.get(neighbour))) {
      return false;
    }
    Optional<SupportCatalog.Exec> exec = neighbour.isEmberNode()
        ? catalog.execOfEmberNode(neighbour.nodeName()) : catalog.exec(neighbour.nodeName().trim());
    return exec.isPresent() && exec.get().carries().contains(carriedName);
  }

  /** The nearest real operators below a node, looking through wrappers (query stages, code generation). */
  private static List<PlanNode> operatorsBelow(PlanNode node, Map<PlanNode, NodeAssessment> verdicts) {
    List<PlanNode> below = new ArrayList<>();
    for (PlanNode child : node.children()) {
      if (isRealOperator(verdicts.get(child))) {
        below.add(child);
      } else if (verdicts.get(child).status() == NodeStatus.NOT_AN_OPERATOR) {
        below.addAll(operatorsBelow(child, verdicts));
      }
    }
    return below;
  }

  private static boolean isRealOperator(NodeAssessment verdict) {
    return verdict.status() == NodeStatus.SUPPORTED || verdict.status() == NodeStatus.UNSUPPORTED
        || verdict.status() == NodeStatus.ON_EMBER;
  }

  /**
   * Records each parent-child edge between real operators whose sides differ (Ember versus Spark),
   * with the rows crossing it (the child's "number of output rows", 0 when unknown).
   */
  private void countCrossings(SqlExecutionModel execution, PlanNode node, PlanNode operatorAbove,
      Map<PlanNode, NodeAssessment> verdicts, List<long[]> crossings) {
    NodeAssessment verdict = verdicts.get(node);
    PlanNode above = operatorAbove;
    if (isRealOperator(verdict)) {
      if (operatorAbove != null && onEmber(verdicts.get(operatorAbove)) != onEmber(verdict)) {
        Long rows = execution.metricValue(node, "number of output rows");
        crossings.add(new long[] {rows == null ? 0 : rows});
      }
      above = node;
    }
    for (PlanNode child : node.children()) {
      countCrossings(execution, child, above, verdicts, crossings);
    }
  }

  private static boolean onEmber(NodeAssessment verdict) {
    return verdict.status() == NodeStatus.SUPPORTED || verdict.status() == NodeStatus.ON_EMBER;
  }

  private List<String> assumptions(boolean emberRun, double outsideSqlMs) {
    List<String> assumptions = new ArrayList<>();
    assumptions.add("support catalog: Ember " + catalog.emberVersion() + " (" + catalog.execCount() + " operators, "
        + catalog.expressionCount() + " expressions), generated by " + catalog.generatedBy());
    assumptions.add("plan nodes are matched to the catalog by the node name the event log shows");
    assumptions.add("expressions are matched best-effort by function and operator names found in each node's plan text;"
        + " data types are not checked (the log's plan text does not carry them)");
    assumptions.add("task time per operator is estimated: each stage's task time is split among the plan fragments whose"
        + " SQL metrics it updated, then among operators by relative CPU cost weights from the hardware model");
    if (emberRun) {
      assumptions.add("this run used Ember: the numbers describe what still ran on Spark, not a prediction");
      return assumptions;
    }
    assumptions.add("speedup = logged task time / (unsupported time + supported time / device factor + transitions)"
        + " (Amdahl's law); per-operator factors come from the hardware model: " + hardware.about());
    assumptions.add("each switch between Ember and Spark operators costs the rows crossing it times the device's"
        + " transitionNanosPerRow; edges with unknown row counts cost nothing");
    assumptions.add("task time outside SQL executions (" + Math.round(outsideSqlMs) + " ms) is assumed unchanged");
    assumptions.add("task time is summed over tasks; wall-clock speedup also depends on parallelism and the driver,"
        + " which are assumed unchanged");
    HardwareModel.Device target = hardware.device(targetDevice).orElseThrow();
    assumptions.add("target device " + targetDevice + ": " + target.description() + "; "
        + (target.calibrated() ? target.calibration().describe() + "; the interval is the speedup over (1 ± the 90th"
            + " percentile of the leave-one-out errors)" : "its factors are estimates, not measured with Ember"));
    return assumptions;
  }
}
