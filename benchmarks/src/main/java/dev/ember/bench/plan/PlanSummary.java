package dev.ember.bench.plan;

import static java.util.Objects.requireNonNull;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;

/**
 * What one executed query plan says about Ember: the Ember nodes that ran, the nodes that stayed in
 * Spark with the reason, and the row/columnar transitions.
 *
 * @param emberNodes the Ember node names that ran
 * @param fallbacks the nodes left to Spark, one entry per node, with the plugin's reason
 * @param rowToColumnar how many row-to-columnar transitions the plan holds
 * @param columnarToRow how many columnar-to-row transitions the plan holds
 * @param metrics the plan's shuffle bytes and Ember operator times
 * @param nodeShare the plan's operator nodes, Ember's and Spark's
 */
public record PlanSummary(
    List<String> emberNodes, List<Fallback> fallbacks, int rowToColumnar, int columnarToRow, PlanMetrics metrics,
    NodeShare nodeShare) {

  /** A summary without metrics or node counts. */
  public PlanSummary(List<String> emberNodes, List<Fallback> fallbacks, int rowToColumnar, int columnarToRow) {
    this(emberNodes, fallbacks, rowToColumnar, columnarToRow, PlanMetrics.none(), NodeShare.none());
  }

  /** A node that stayed in Spark, and why. */
  public record Fallback(String node, String reason) {
    public Fallback {
      requireNonNull(node, "node is null");
      requireNonNull(reason, "reason is null");
    }
  }

  public PlanSummary {
    emberNodes = List.copyOf(requireNonNull(emberNodes, "emberNodes is null"));
    fallbacks = List.copyOf(requireNonNull(fallbacks, "fallbacks is null"));
    requireNonNull(metrics, "metrics is null");
    requireNonNull(nodeShare, "nodeShare is null");
    if (rowToColumnar < 0 || columnarToRow < 0) {
      throw new IllegalArgumentException(
          "transition counts must not be negative: " + rowToColumnar + ", " + columnarToRow);
    }
  }

  /** The summary of a plan that could not be inspected (the query failed before it ran). */
  public static PlanSummary empty() {
    return new PlanSummary(List.of(), List.of(), 0, 0);
  }

  /** The distinct Ember node names, in order of first appearance. */
  public List<String> distinctEmberNodes() {
    return List.copyOf(new LinkedHashSet<>(emberNodes));
  }

  /** The distinct fallbacks (same node and reason once), in order of first appearance. */
  public List<Fallback> distinctFallbacks() {
    return new ArrayList<>(new LinkedHashSet<>(fallbacks));
  }
}
