package dev.ember.tuner.qualification;

import static java.util.Objects.requireNonNull;

/**
 * Plan nodes of one name that stay on Spark for one reason, summed.
 *
 * @param nodeName the node name
 * @param reason why (one line)
 * @param count how many nodes
 * @param taskTimeMs their attributed task time
 */
public record UnsupportedOperator(String nodeName, String reason, int count, double taskTimeMs) {
  public UnsupportedOperator {
    requireNonNull(nodeName, "nodeName is null");
    requireNonNull(reason, "reason is null");
  }
}
