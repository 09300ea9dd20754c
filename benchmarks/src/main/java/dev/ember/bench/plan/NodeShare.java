package dev.ember.bench.plan;

import static java.util.Objects.requireNonNull;

import dev.ember.plan.EmberTags;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.execution.ColumnarToRowTransition;
import org.apache.spark.sql.execution.InputAdapter;
import org.apache.spark.sql.execution.ReusedSubqueryExec;
import org.apache.spark.sql.execution.RowToColumnarTransition;
import org.apache.spark.sql.execution.SparkPlan;
import org.apache.spark.sql.execution.SubqueryAdaptiveBroadcastExec;
import org.apache.spark.sql.execution.SubqueryBroadcastExec;
import org.apache.spark.sql.execution.SubqueryExec;
import org.apache.spark.sql.execution.WholeStageCodegenExec;
import org.apache.spark.sql.execution.adaptive.AQEShuffleReadExec;
import org.apache.spark.sql.execution.adaptive.AdaptiveSparkPlanExec;
import org.apache.spark.sql.execution.adaptive.QueryStageExec;
import org.apache.spark.sql.execution.exchange.ReusedExchangeExec;

/**
 * How much of an executed plan Ember ran, counted in operator nodes: Ember's nodes over all operator
 * nodes, scans and exchanges included. Not counted: the transitions where Ember meets Spark (Spark's
 * and Ember's row/columnar conversions, {@code EmberCopyToArrowExec}), and the wrappers that adaptive
 * execution, code generation and subqueries put around operators (adaptive plans, query stages, shuffle
 * reads, reused exchanges and subqueries, whole-stage code generation and its input adapters). A node
 * reached twice (a reused exchange) counts once.
 *
 * @param emberNodes operator nodes Ember ran
 * @param operatorNodes all operator nodes
 * @param sparkNodes one entry per operator node that stayed in Spark, with the plugin's reason, or
 *     {@value #NO_REASON} when the plugin tagged none
 */
public record NodeShare(int emberNodes, int operatorNodes, List<PlanSummary.Fallback> sparkNodes) {
  /** The reason given for a Spark node the plugin left no reason on. */
  public static final String NO_REASON = "no reason recorded by Ember";

  public NodeShare {
    sparkNodes = List.copyOf(requireNonNull(sparkNodes, "sparkNodes is null"));
    if (emberNodes < 0 || operatorNodes < emberNodes || operatorNodes - emberNodes != sparkNodes.size()) {
      throw new IllegalArgumentException("inconsistent counts: " + emberNodes + " Ember of " + operatorNodes
          + " operator nodes with " + sparkNodes.size() + " Spark nodes");
    }
  }

  /** No plan (a failed run). */
  public static NodeShare none() {
    return new NodeShare(0, 0, List.of());
  }

  /** Ember's nodes over all operator nodes; NaN for an empty plan. */
  public double share() {
    return operatorNodes == 0 ? Double.NaN : (double) emberNodes / operatorNodes;
  }

  /** Counts the nodes of {@code executedPlan}, read after its action. */
  public static NodeShare of(SparkPlan executedPlan) {
    Walk walk = new Walk();
    walk.visit(requireNonNull(executedPlan, "executedPlan is null"));
    return new NodeShare(walk.ember, walk.ember + walk.spark.size(), walk.spark);
  }

  /** Whether a node is a transition or a wrapper, which the share does not count. */
  static boolean isTransitionOrWrapper(SparkPlan plan) {
    String name = plan.getClass().getSimpleName();
    return plan instanceof ColumnarToRowTransition || plan instanceof RowToColumnarTransition
        || plan instanceof AdaptiveSparkPlanExec || plan instanceof QueryStageExec
        || plan instanceof AQEShuffleReadExec || plan instanceof ReusedExchangeExec
        || plan instanceof ReusedSubqueryExec || plan instanceof SubqueryExec
        || plan instanceof SubqueryBroadcastExec || plan instanceof SubqueryAdaptiveBroadcastExec
        || plan instanceof WholeStageCodegenExec || plan instanceof InputAdapter
        || (isEmberClass(plan) && (name.equals("EmberRowToColumnarExec") || name.equals("EmberCopyToArrowExec")));
  }

  private static boolean isEmberClass(SparkPlan plan) {
    return plan.getClass().getName().startsWith("dev.ember.") && plan.getClass().getSimpleName().startsWith("Ember");
  }

  private static final class Walk {
    final Map<SparkPlan, Boolean> seen = new IdentityHashMap<>();
    final List<PlanSummary.Fallback> spark = new ArrayList<>();
    int ember;

    void visit(SparkPlan plan) {
      if (seen.put(plan, Boolean.TRUE) != null) {
        return;
      }
      boolean emberNode = false;
      boolean wrapper = isTransitionOrWrapper(plan);
      if (!wrapper) {
        if (isEmberClass(plan)) {
          ember++;
          emberNode = true;
        } else {
          scala.Option<String> reason = plan.getTagValue(EmberTags.FALLBACK_REASON);
          spark.add(new PlanSummary.Fallback(
              plan.getClass().getSimpleName(), reason.isDefined() ? reason.get() : NO_REASON));
        }
      }
      if (plan instanceof AdaptiveSparkPlanExec adaptive) {
        visit(adaptive.executedPlan());
      } else if (plan instanceof QueryStageExec stage) {
        visit(stage.plan());
      } else if (plan instanceof ReusedExchangeExec reused) {
        visit(reused.child());
      }
      scala.collection.Iterator<SparkPlan> children = plan.children().iterator();
      while (children.hasNext()) {
        visit(children.next());
      }
      // plans a node keeps outside its children (the build side of a broadcast join); not Spark's scan
      // that Ember's scan replaced, nor an adaptive plan's initial plan: neither runs
      boolean replacedScan = emberNode && plan.getClass().getSimpleName().contains("Scan");
      if (!replacedScan && !wrapper) {
        for (int i = 0; i < plan.productArity(); i++) {
          if (plan.productElement(i) instanceof SparkPlan held) {
            visit(held);
          }
        }
      }
      scala.collection.Iterator<SparkPlan> subqueries = plan.subqueries().iterator();
      while (subqueries.hasNext()) {
        visit(subqueries.next());
      }
    }
  }
}
