package dev.ember.bench.run;

import static java.util.Objects.requireNonNull;

import dev.ember.bench.plan.PlanSummary;
import java.util.List;
import java.util.Optional;
import org.apache.spark.sql.Row;

/**
 * One query run in one mode: its timings, its answer and its plan.
 *
 * @param queryName the query's short name ({@code q1})
 * @param mode Spark alone or with Ember
 * @param iterationMillis the wall time of each timed iteration, in milliseconds, in run order
 * @param rows the answer of the last iteration, in the order the query returned it
 * @param schema the answer's schema as Spark prints it ({@code simpleString})
 * @param plan what the executed plan of the last iteration says about Ember
 * @param error empty when the query ran; otherwise the failure, one line
 */
public record QueryRun(
    String queryName,
    RunMode mode,
    List<Double> iterationMillis,
    List<Row> rows,
    String schema,
    PlanSummary plan,
    Optional<String> error) {

  public QueryRun {
    requireNonNull(queryName, "queryName is null");
    requireNonNull(mode, "mode is null");
    iterationMillis = List.copyOf(requireNonNull(iterationMillis, "iterationMillis is null"));
    rows = List.copyOf(requireNonNull(rows, "rows is null"));
    requireNonNull(schema, "schema is null");
    requireNonNull(plan, "plan is null");
    requireNonNull(error, "error is null");
  }

  /** A run that failed with {@code error}. */
  public static QueryRun failed(String queryName, RunMode mode, String error) {
    return new QueryRun(queryName, mode, List.of(), List.of(), "", PlanSummary.empty(), Optional.of(error));
  }

  /** Whether every iteration completed. */
  public boolean succeeded() {
    return error.isEmpty();
  }

  /** The median of the timed iterations, in milliseconds; NaN for a failed run. */
  public double medianMillis() {
    return Median.of(iterationMillis);
  }
}
