package dev.ember.tuner.qualification;

import static java.util.Objects.requireNonNull;

import dev.ember.tuner.model.ApplicationModel;
import dev.ember.tuner.model.PlanMetric;
import dev.ember.tuner.model.PlanNode;
import dev.ember.tuner.model.SqlExecutionModel;
import dev.ember.tuner.model.StageModel;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Splits a SQL execution's task time among its plan nodes.
 *
 * <p>The plan is cut into fragments at exchanges (an exchange and the subtree below it form the map
 * side). A fragment claims the stages in which any of its nodes' SQL metrics were updated (the
 * stage's accumulables name them). Each stage's task time goes to the fragments claiming it, and
 * within a fragment to its operators in proportion to the hardware model's CPU cost weights. Time of
 * stages no fragment claims is spread over all operators the same way. This is an estimate: the log
 * has no per-operator time for most operators.
 */
final class TimeAttribution {
  private TimeAttribution() {}

  /** Attributed task time per node (identity keys), milliseconds. */
  static Map<PlanNode, Double> attribute(ApplicationModel app, SqlExecutionModel execution, HardwareModel hardware) {
    requireNonNull(execution.plan(), "execution has no plan");
    Map<PlanNode, Integer> fragmentOf = new IdentityHashMap<>();
    assign(execution.plan(), 0, new int[] {0}, fragmentOf);

    Map<Integer, List<PlanNode>> fragments = new HashMap<>();
    Map<Integer, Double> fragmentWeight = new HashMap<>();
    Map<Integer, Set<Integer>> fragmentStages = new HashMap<>();
    double totalWeight = 0;
    for (Map.Entry<PlanNode, Integer> entry : fragmentOf.entrySet()) {
      PlanNode node = entry.getKey();
      int fragment = entry.getValue();
      double weight = hardware.cpuCostWeight(OperatorCategory.of(node.nodeName()));
      fragments.computeIfAbsent(fragment, id -> new ArrayList<>()).add(node);
      fragmentWeight.merge(fragment, weight, Double::sum);
      totalWeight += weight;
      for (PlanMetric metric : node.metrics()) {
        fragmentStages.computeIfAbsent(fragment, id -> new HashSet<>()).addAll(execution.metricStages(metric.accumulatorId()));
      }
    }

    Map<PlanNode, Double> time = new IdentityHashMap<>();
    for (PlanNode node : fragmentOf.keySet()) {
      time.put(node, 0.0);
    }
    if (totalWeight <= 0) {
      return time;
    }
    for (StageModel stage : app.stagesOf(execution)) {
      double stageTime = stage.taskTimeTotal();
      if (stageTime <= 0) {
        continue;
      }
      List<Integer> claimants = new ArrayList<>();
      double claimantWeight = 0;
      for (Map.Entry<Integer, Set<Integer>> entry : fragmentStages.entrySet()) {
        if (entry.getValue().contains(stage.stageId()) && fragmentWeight.getOrDefault(entry.getKey(), 0.0) > 0) {
          claimants.add(entry.getKey());
          claimantWeight += fragmentWeight.get(entry.getKey());
        }
      }
      if (claimants.isEmpty()) {
        for (PlanNode node : fragmentOf.keySet()) {
          double weight = hardware.cpuCostWeight(OperatorCategory.of(node.nodeName()));
          time.merge(node, stageTime * weight / totalWeight, Double::sum);
        }
        continue;
      }
      for (int fragment : claimants) {
        for (PlanNode node : fragments.get(fragment)) {
          double weight = hardware.cpuCostWeight(OperatorCategory.of(node.nodeName()));
          time.merge(node, stageTime * weight / claimantWeight, Double::sum);
        }
      }
    }
    return time;
  }

  private static void assign(PlanNode node, int fragment, int[] nextFragment, Map<PlanNode, Integer> fragmentOf) {
    int own = fragment;
    if (isExchange(node)) {
      own = ++nextFragment[0];
    }
    fragmentOf.put(node, own);
    for (PlanNode child : node.children()) {
      assign(child, own, nextFragment, fragmentOf);
    }
  }

  private static boolean isExchange(PlanNode node) {
    String name = node.nodeName();
    return name.endsWith("Exchange") || name.startsWith("Exchange") || name.contains("ShuffleExchange")
        || name.contains("BroadcastExchange");
  }
}
