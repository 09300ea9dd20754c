package dev.ember.bench.query;

/** One query of a bundled benchmark: the name reports use and its Spark SQL text. */
public interface BenchQuery {
  /** The short name used in reports, progress lines and event logs ({@code q1}, {@code q14a}). */
  String name();

  /** The Spark SQL text, one statement, no trailing semicolon. */
  String sql();
}
