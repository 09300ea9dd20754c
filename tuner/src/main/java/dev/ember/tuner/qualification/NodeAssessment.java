package dev.ember.tuner.qualification;

import static java.util.Objects.requireNonNull;

import java.util.List;

/**
 * The verdict on one plan node.
 *
 * @param nodeName as the event log names it
 * @param category the work it does
 * @param status where it runs or would run
 * @param reasons why it stays on Spark (empty unless {@link NodeStatus#UNSUPPORTED})
 * @param taskTimeMs the share of its SQL execution's task time attributed to it
 */
public record NodeAssessment(String nodeName, OperatorCategory category, NodeStatus status, List<String> reasons,
    double taskTimeMs) {
  public NodeAssessment {
    requireNonNull(nodeName, "nodeName is null");
    requireNonNull(category, "category is null");
    requireNonNull(status, "status is null");
    reasons = List.copyOf(reasons);
  }
}
