package dev.ember.tuner.rules;

/** How sure a rule is: HIGH = measured directly and the fix is standard; LOW = a heuristic guess. */
public enum Confidence {
  HIGH,
  MEDIUM,
  LOW
}
