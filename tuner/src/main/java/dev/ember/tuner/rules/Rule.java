package dev.ember.tuner.rules;

import java.util.Optional;

/**
 * A tuning rule: reads the context's metrics and, when its threshold is crossed, returns one
 * recommendation. Rules are stateless and thread safe.
 */
public interface Rule {
  /** A stable id such as {@code shuffle.partitions}; used in reports and history. */
  String id();

  /** The recommendation, or empty when the run gives no reason for one. */
  Optional<Recommendation> evaluate(RuleContext context);
}
