package dev.ember.bench.query;

import static java.util.Objects.requireNonNull;

/**
 * One of the TPC-DS-like queries.
 *
 * @param name {@code q<N>} or, for the queries the specification splits in two, {@code q<N>a} and
 *     {@code q<N>b}
 * @param sql the Spark SQL text, one statement, no trailing semicolon
 */
public record TpcdsQuery(String name, String sql) implements BenchQuery {
  public TpcdsQuery {
    requireNonNull(name, "name is null");
    requireNonNull(sql, "sql is null");
    if (!TpcdsQueries.specificationNames().contains(name)) {
      throw new IllegalArgumentException("TPC-DS has no query named '" + name + "'");
    }
  }
}
