package dev.ember.bench.report;

import static java.util.Objects.requireNonNull;

import java.util.List;

/**
 * The whole benchmark report.
 *
 * @param queries one result per query, in run order
 * @param device the Ember device that was asked for ({@code auto}, {@code host}, ...)
 * @param scale the TPC-H scale factor, as text
 * @param sparkVersion the Spark version that ran the queries
 * @param machine a one-line description of the driver machine
 * @param master the Spark master URL
 * @param iterations timed runs per query and mode
 * @param warmups untimed runs before them
 * @param startedAt when the run started, ISO-8601 UTC
 * @param eventLogDirectory where both applications wrote their Spark event logs
 */
public record BenchReport(
    List<QueryResult> queries,
    String device,
    String scale,
    String sparkVersion,
    String machine,
    String master,
    int iterations,
    int warmups,
    String startedAt,
    String eventLogDirectory) {

  public BenchReport {
    queries = List.copyOf(requireNonNull(queries, "queries is null"));
    requireNonNull(device, "device is null");
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

  /** Whether every query ran in both modes with matching answers. */
  public boolean allAnswersMatch() {
    return queries.stream().allMatch(QueryResult::answersMatch);
  }
}
