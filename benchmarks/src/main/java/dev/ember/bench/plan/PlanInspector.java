package dev.ember.bench.plan;

import static java.util.Objects.requireNonNull;

import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.spark.sql.execution.SparkPlan;
import org.apache.spark.sql.execution.adaptive.AdaptiveSparkPlanExec;
import org.apache.spark.sql.execution.adaptive.QueryStageExec;
import scala.jdk.javaapi.CollectionConverters;

/**
 * Reads an executed plan into a {@link PlanSummary}.
 *
 * <p>This is the benchmark's own stand-in for the plugin's {@code dev.ember.plan.PlanReport}: it
 * walks the final plan (through adaptive execution, query stages and subqueries), names every
 * {@code Ember*} node, counts the transitions, and lists every other operator as a fallback. The
 * plugin's planner reasons are not visible from here, so each fallback carries the same reason
 * saying that. When {@code PlanReport} exists, {@link #inspect(SparkPlan)} becomes a one-line
 * delegation to it.
 *
 * <p>Call after the query's action: before it, adaptive execution has not yet planned its stages.
 */
public final class PlanInspector {
  /** The reason given for a node left to Spark while the plugin's own reasons are not available. */
  public static final String UNKNOWN_REASON =
      "not converted by Ember (the plugin in this build does not report the reason)";

  /**
   * Plan nodes that only wrap, reuse, or connect other nodes; they are neither Ember nodes nor
   * fallbacks.
   */
  private static final Set<String> STRUCTURAL =
      Set.of(
          "AdaptiveSparkPlanExec", "WholeStageCodegenExec", "InputAdapter", "ColumnarToRowExec",
          "RowToColumnarExec", "ReusedExchangeExec", "ReusedSubqueryExec", "AQEShuffleReadExec",
          "ShuffleQueryStageExec", "BroadcastQueryStageExec", "TableCacheQueryStageExec",
          "ResultQueryStageExec", "SubqueryExec", "SubqueryBroadcastExec",
          "SubqueryAdaptiveBroadcastExec");

  private PlanInspector() {}

  /** Summarizes {@code executedPlan}, the result of {@code queryExecution().executedPlan()}. */
  public static PlanSummary inspect(SparkPlan executedPlan) {
    requireNonNull(executedPlan, "executedPlan is null");
    List<String> emberNodes = new ArrayList<>();
    List<PlanSummary.Fallback> fallbacks = new ArrayList<>();
    int[] transitions = new int[2];
    Map<SparkPlan, Boolean> seen = new IdentityHashMap<>();
    List<SparkPlan> pending = new ArrayList<>();
    pending.add(executedPlan);
    while (!pending.isEmpty()) {
      SparkPlan node = pending.remove(pending.size() - 1);
      if (seen.put(node, Boolean.TRUE) != null) {
        continue;
      }
      String name = node.getClass().getSimpleName();
      if (name.contains("RowToColumnar")) {
        transitions[0]++;
      } else if (name.contains("ColumnarToRow")) {
        transitions[1]++;
      } else if (name.startsWith("Ember")) {
        emberNodes.add(name);
      } else if (!STRUCTURAL.contains(name)) {
        fallbacks.add(new PlanSummary.Fallback(name, UNKNOWN_REASON));
      }
      pending.addAll(next(node));
    }
    return new PlanSummary(emberNodes, fallbacks, transitions[0], transitions[1]);
  }

  private static List<SparkPlan> next(SparkPlan node) {
    List<SparkPlan> next = new ArrayList<>();
    if (node instanceof AdaptiveSparkPlanExec adaptive) {
      next.add(adaptive.executedPlan());
    } else if (node instanceof QueryStageExec stage) {
      next.add(stage.plan());
    }
    next.addAll(CollectionConverters.asJava(node.children()));
    next.addAll(CollectionConverters.asJava(node.subqueries()));
    return next;
  }
}
