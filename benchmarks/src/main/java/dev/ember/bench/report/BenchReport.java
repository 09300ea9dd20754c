package dev.ember.bench.report;

import static java.util.Objects.requireNonNull;

import java.util.List;

/**
 * The whole benchmark report.
 *
 * @param benchmark the benchmark's name in reports ({@code TPC-H-like}, {@code TPC-DS-like})
 * @param missingQueries the specification's queries this project has not written yet, which did not run
 * @param queries one result per query, in run order
 * @param device the Ember device that was asked for ({@code auto}, {@code host}, ...)
 * @param deviceUsed the device an executor of the Ember application chose, with the reason, as
 *     the plugin describes it; {@code unknown} when it could not be asked
 * @param scale the scale factor, as text
 * @param sparkVersion the Spark version that ran the queries
 * @param machine a one-line description of the driver machine
 * @param master the Spark master URL
 * @param iterations timed runs per query and mode
 * @param warmups untimed runs before them
 * @param startedAt when the run started, ISO-8601 UTC
 * @param eventLogDirectory where both applications wrote their Spark event logs
 */
public record BenchReport(
    String benchmark,
    List<String> missingQueries,
    List<QueryResult> queries,
    String device,
    String deviceUsed,
    String scale,
    String sparkVersion,
    String machine,
    String master,
    int iterations,
    int warmups,
    String startedAt,
    String eventLogDirectory) {

  /** A TPC-H-like report, which misses no query. */
  public BenchReport(List<QueryResult> queries, String device, String deviceUsed, String scale, String sparkVersion,
      String machine, String master, int iterations, int warmups, String startedAt, String eventLogDirectory) {
    this("TPC-H-like", List.of(), queries, device, deviceUsed, scale, sparkVersion, machine, master, iterations,
        warmups, startedAt, eventLogDirectory);
  }

  public BenchReport {
    requireNonNull(benchmark, "benchmark is null");
    missingQueries = List.copyOf(requireNonNull(missingQueries, "missingQueries is null"));
    queries = List.copyOf(requireNonNull(queries, "queries is null"));
    requireNonNull(device, "device is null");
    requireNonNull(deviceUsed, "deviceUsed is null");
    requireNonNull(scale, "scale is null");
    requireNonNull(sparkVersion, "sparkVersion is null");
    requireNonNull(machine, "machine is null");
    requireNonNull(master, "master is null");
    requireNonNull(startedAt, "startedAt is null");
    requireNonNull(eventLogDirectory, "eventLogDirectory is null");
  }

  /**
   * The geometric mean of the speedups of the queries that ran in both modes; NaN when none did.
   * A slowdown enters as a factor below 1.
   */
  public double geomeanSpeedup() {
    double logSum = 0;
    int count = 0;
    for (QueryResult query : queries) {
      double speedup = query.speedup();
      if (speedup > 0) {
        logSum += Math.log(speedup);
        count++;
      }
    }
    return count == 0 ? Double.NaN : Math.exp(logSum / count);
  }

  /**
   * How many queries ran no Ember operator at all: their speedup measures only the plugin's planning
   * overhead and the machine's noise.
   */
  public long queriesWithoutEmberNodes() {
    return queries.stream().filter(query -> query.emberNodes().isEmpty()).count();
  }

  /**
   * How many queries had primitive calls that a GPU device ran on the host instead of as kernels (see
   * {@link QueryResult#hostPrimitiveCalls()}); 0 on the host device, which counts none.
   */
  public long queriesWithHostPrimitiveCalls() {
    return queries.stream().filter(query -> !query.hostPrimitiveCalls().isEmpty()).count();
  }

  /**
   * Ember's operator nodes over all operator nodes of the queries' Ember plans together (see
   * {@link dev.ember.bench.plan.NodeShare}); NaN when no plan was read.
   */
  public double emberNodeShare() {
    long ember = 0;
    long all = 0;
    for (QueryResult query : queries) {
      ember += query.nodeShare().emberNodes();
      all += query.nodeShare().operatorNodes();
    }
    return all == 0 ? Double.NaN : (double) ember / all;
  }

  /**
   * Every distinct reason an operator node stayed in Spark, as {@code `Node`: reason}, with the queries
   * it applies to and how many nodes, most nodes first.
   */
  public List<SparkNodeReason> sparkNodeReasons() {
    java.util.Map<String, SparkNodeReason> byReason = new java.util.LinkedHashMap<>();
    for (QueryResult query : queries) {
      for (dev.ember.bench.plan.PlanSummary.Fallback node : query.nodeShare().sparkNodes()) {
        String key = node.node() + "\n" + node.reason();
        SparkNodeReason known = byReason.get(key);
        byReason.put(key, known == null
            ? new SparkNodeReason(node.node(), node.reason(), 1, List.of(query.name()))
            : known.plus(query.name()));
      }
    }
    return byReason.values().stream()
        .sorted(java.util.Comparator.comparingInt(SparkNodeReason::nodes).reversed())
        .toList();
  }

  /**
   * One reason operator nodes stayed in Spark.
   *
   * @param node the Spark node class
   * @param reason the plugin's reason
   * @param nodes how many nodes, over all queries
   * @param queries the queries with such a node, in run order
   */
  public record SparkNodeReason(String node, String reason, int nodes, List<String> queries) {
    public SparkNodeReason {
      queries = List.copyOf(queries);
    }

    SparkNodeReason plus(String query) {
      List<String> more = new java.util.ArrayList<>(queries);
      if (!more.contains(query)) {
        more.add(query);
      }
      return new SparkNodeReason(node, reason, nodes + 1, more);
    }
  }

  /** Whether every query ran in both modes with matching answers. */
  public boolean allAnswersMatch() {
    return queries.stream().allMatch(QueryResult::answersMatch);
  }
}
