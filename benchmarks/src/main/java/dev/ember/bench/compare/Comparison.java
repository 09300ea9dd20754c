package dev.ember.bench.compare;

import static java.util.Objects.requireNonNull;

/**
 * The outcome of comparing two answers.
 *
 * @param matches whether the answers agree
 * @param detail empty when they match; otherwise where and how they first differ
 */
public record Comparison(boolean matches, String detail) {
  public Comparison {
    requireNonNull(detail, "detail is null");
  }

  /** Answers that agree. */
  public static Comparison match() {
    return new Comparison(true, "");
  }

  /** Answers that differ, with a message saying where. */
  public static Comparison mismatch(String detail) {
    return new Comparison(false, detail);
  }
}
