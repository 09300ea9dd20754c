package dev.ember.bench;

import static java.util.Objects.requireNonNull;

import dev.ember.bench.data.GeneratedDataSet;
import dev.ember.bench.data.TpcdsDataSet;
import dev.ember.bench.data.TpchDataSet;
import dev.ember.bench.query.BenchQuery;
import dev.ember.bench.query.TpcdsQueries;
import dev.ember.bench.query.TpchQueries;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The bundled benchmarks {@code bin/ember bench} runs: their names, defaults, data sets and queries.
 *
 * <p>The default scale of each keeps a first run, build and data generation included, near ten minutes
 * on two cores ({@code docs/benchmark.md}, Timings).
 */
public enum Suite {
  /** TPC-H-like: the 22 queries over the {@code io.trino.tpch} generator's data. */
  TPCH("tpch", "TPC-H-like", new BigDecimal("0.1"), 3, 1),
  /** TPC-DS-like: the queries written so far over the {@code io.trino.tpcds} generator's data. */
  TPCDS("tpcds", "TPC-DS-like", new BigDecimal("0.01"), 1, 0);

  private final String label;
  private final String title;
  private final BigDecimal defaultScale;
  private final int defaultIterations;
  private final int defaultWarmups;

  Suite(String label, String title, BigDecimal defaultScale, int defaultIterations, int defaultWarmups) {
    this.label = label;
    this.title = title;
    this.defaultScale = defaultScale;
    this.defaultIterations = defaultIterations;
    this.defaultWarmups = defaultWarmups;
  }

  /** The command-line name, also used in application names and job descriptions ({@code tpch}). */
  public String label() {
    return label;
  }

  /** The name reports use ({@code TPC-H-like}). */
  public String title() {
    return title;
  }

  public BigDecimal defaultScale() {
    return defaultScale;
  }

  public int defaultIterations() {
    return defaultIterations;
  }

  public int defaultWarmups() {
    return defaultWarmups;
  }

  /** The suite a command-line name stands for, if any. */
  public static java.util.Optional<Suite> fromLabel(String label) {
    for (Suite suite : values()) {
      if (suite.label.equals(label.toLowerCase(Locale.ROOT))) {
        return java.util.Optional.of(suite);
      }
    }
    return java.util.Optional.empty();
  }

  /** The names of every query this project has written for the suite, in number order. */
  public List<String> allQueries() {
    return switch (this) {
      case TPCH -> TpchQueries.all().stream().map(BenchQuery::name).toList();
      case TPCDS -> TpcdsQueries.written();
    };
  }

  /** The queries the specification defines that this project has not written yet (none for TPC-H). */
  public List<String> missingQueries() {
    return switch (this) {
      case TPCH -> List.of();
      case TPCDS -> TpcdsQueries.missing();
    };
  }

  /**
   * The written queries that query number {@code number} stands for ({@code 14} → {@code q14a},
   * {@code q14b}); empty when there is none.
   */
  public List<String> queriesOf(int number) {
    List<String> names = new ArrayList<>();
    for (String name : allQueries()) {
      if (name.replaceAll("[ab]$", "").equals("q" + number)) {
        names.add(name);
      }
    }
    return names;
  }

  /** The highest query number of the specification. */
  public int lastNumber() {
    return switch (this) {
      case TPCH -> TpchQueries.COUNT;
      case TPCDS -> 99;
    };
  }

  /** The queries named, in the order given. */
  public List<BenchQuery> queries(List<String> names) {
    requireNonNull(names, "names is null");
    List<BenchQuery> queries = new ArrayList<>();
    for (String name : names) {
      queries.add(switch (this) {
        case TPCH -> TpchQueries.query(Integer.parseInt(name.substring(1)));
        case TPCDS -> TpcdsQueries.query(name);
      });
    }
    return List.copyOf(queries);
  }

  /** The suite's tables at {@code scale} under the cache root {@code dataDirectory}. */
  public GeneratedDataSet dataSet(String dataDirectory, BigDecimal scale) {
    return switch (this) {
      case TPCH -> new TpchDataSet(dataDirectory, scale);
      case TPCDS -> new TpcdsDataSet(dataDirectory, scale);
    };
  }
}
