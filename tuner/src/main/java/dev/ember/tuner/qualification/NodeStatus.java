package dev.ember.tuner.qualification;

/** Where a plan node runs or would run. */
public enum NodeStatus {
  /** An Ember node: it ran on Ember (Ember runs only). */
  ON_EMBER,
  /** A Spark node Ember's catalog converts, with every expression it names. */
  SUPPORTED,
  /** A Spark node that stays on Spark; the assessment says why. */
  UNSUPPORTED,
  /** A row/columnar transition: cost of crossing between engines, not work of its own. */
  TRANSITION,
  /** A wrapper with no work of its own (codegen stage, AQE query stage, input adapter). */
  NOT_AN_OPERATOR
}
