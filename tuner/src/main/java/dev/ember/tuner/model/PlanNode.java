package dev.ember.tuner.model;

import static java.util.Objects.requireNonNull;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * One node of a SQL execution's physical plan as the log shows it ({@code SparkPlanInfo}): its
 * {@code nodeName} (e.g. {@code Filter}, {@code HashAggregate}, {@code EmberFilterExec}), its
 * one-line description (capped at {@value #MAX_DESCRIPTION} characters; it holds user expressions),
 * children and declared metrics. Immutable.
 */
public final class PlanNode {
  /** Longest one-line description kept per node. */
  public static final int MAX_DESCRIPTION = 4096;

  private final String nodeName;
  private final String simpleString;
  private final List<PlanNode> children;
  private final List<PlanMetric> metrics;

  public PlanNode(String nodeName, String simpleString, List<PlanNode> children, List<PlanMetric> metrics) {
    this.nodeName = requireNonNull(nodeName, "nodeName is null").trim();
    String description = requireNonNull(simpleString, "simpleString is null");
    this.simpleString = description.length() > MAX_DESCRIPTION ? description.substring(0, MAX_DESCRIPTION) : description;
    this.children = List.copyOf(requireNonNull(children, "children is null"));
    this.metrics = List.copyOf(requireNonNull(metrics, "metrics is null"));
  }

  public String nodeName() {
    return nodeName;
  }

  public String simpleString() {
    return simpleString;
  }

  public List<PlanNode> children() {
    return children;
  }

  public List<PlanMetric> metrics() {
    return metrics;
  }

  /** True for nodes Ember put in the plan (names starting with {@code Ember}). */
  public boolean isEmberNode() {
    return nodeName.startsWith("Ember");
  }

  /** Visits this node and every descendant, parents first. */
  public void forEach(Consumer<PlanNode> visitor) {
    visitor.accept(this);
    for (PlanNode child : children) {
      child.forEach(visitor);
    }
  }

  /** Every node of the tree, parents first. */
  public List<PlanNode> flatten() {
    List<PlanNode> nodes = new ArrayList<>();
    forEach(nodes::add);
    return nodes;
  }
}
