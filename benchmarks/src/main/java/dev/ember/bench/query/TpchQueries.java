package dev.ember.bench.query;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The 22 TPC-H-like queries, written from the TPC-H specification as Spark SQL with the
 * specification's validation parameters. The texts live in {@code dev/ember/bench/tpch/q<N>.sql}.
 *
 * <p>Differences from the specification, all deliberate: Q15's view is a common table expression;
 * Q11's fraction is fixed at 0.0001 (as the answers bundled with the generator use) instead of
 * 0.0001 / SF; row limits use {@code limit}.
 */
public final class TpchQueries {
  /** How many queries TPC-H defines. */
  public static final int COUNT = 22;

  private static final String RESOURCE_FOLDER = "/dev/ember/bench/tpch/";

  private TpchQueries() {}

  /** All 22 queries, in number order. */
  public static List<TpchQuery> all() {
    List<TpchQuery> queries = new ArrayList<>();
    for (int number = 1; number <= COUNT; number++) {
      queries.add(query(number));
    }
    return List.copyOf(queries);
  }

  /** The queries with the given numbers, in the order given. */
  public static List<TpchQuery> select(List<Integer> numbers) {
    requireNonNull(numbers, "numbers is null");
    List<TpchQuery> queries = new ArrayList<>();
    for (int number : numbers) {
      queries.add(query(number));
    }
    return List.copyOf(queries);
  }

  /** Query {@code number}, 1 to 22. */
  public static TpchQuery query(int number) {
    if (number < 1 || number > COUNT) {
      throw new IllegalArgumentException("TPC-H has queries 1 to 22; there is no query " + number);
    }
    String resource = RESOURCE_FOLDER + "q" + number + ".sql";
    try (InputStream in = TpchQueries.class.getResourceAsStream(resource)) {
      if (in == null) {
        throw new IllegalStateException("the query text " + resource + " is missing from the classpath");
      }
      return new TpchQuery(number, new String(in.readAllBytes(), StandardCharsets.UTF_8).strip());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + resource, e);
    }
  }
}
