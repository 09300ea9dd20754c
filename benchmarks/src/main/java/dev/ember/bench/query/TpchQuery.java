package dev.ember.bench.query;

import static java.util.Objects.requireNonNull;

/**
 * One of the 22 TPC-H-like queries.
 *
 * @param number the TPC-H query number, 1 to 22
 * @param sql the Spark SQL text, one statement, no trailing semicolon
 */
public record TpchQuery(int number, String sql) implements BenchQuery {
  public TpchQuery {
    if (number < 1 || number > TpchQueries.COUNT) {
      throw new IllegalArgumentException("query number must be in [1, 22], got " + number);
    }
    requireNonNull(sql, "sql is null");
  }

  /** The short name used in reports and progress lines: {@code q1} to {@code q22}. */
  @Override
  public String name() {
    return "q" + number;
  }
}
