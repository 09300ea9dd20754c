package dev.ember.bench.run;

import static java.util.Objects.requireNonNull;

import dev.ember.bench.plan.PlanInspector;
import dev.ember.bench.plan.PlanSummary;
import dev.ember.bench.query.BenchQuery;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * Runs one query in one session: untimed warm-up runs, then timed iterations.
 *
 * <p>Each run plans the query afresh and collects its whole answer to the driver, so a timing
 * covers planning, execution and the transfer of the result. The plan is read after the last
 * iteration's action (adaptive execution plans its stages only while running). Each run's Spark
 * job description names the query, so event logs show which query a SQL execution belongs to.
 */
public final class QueryRunner {
  private final SparkSession spark;
  private final String benchmark;
  private final RunMode mode;
  private final int warmups;
  private final int iterations;

  /**
   * @param spark the session the tables are registered in
   * @param benchmark the benchmark's label, first word of each job description ({@code tpch})
   * @param mode which application this is
   * @param warmups untimed runs before the timed ones, at least 0
   * @param iterations timed runs, at least 1
   */
  public QueryRunner(SparkSession spark, String benchmark, RunMode mode, int warmups, int iterations) {
    this.spark = requireNonNull(spark, "spark is null");
    this.benchmark = requireNonNull(benchmark, "benchmark is null");
    this.mode = requireNonNull(mode, "mode is null");
    if (warmups < 0) {
      throw new IllegalArgumentException("warmups must not be negative, got " + warmups);
    }
    if (iterations < 1) {
      throw new IllegalArgumentException("iterations must be at least 1, got " + iterations);
    }
    this.warmups = warmups;
    this.iterations = iterations;
  }

  /** Runs {@code query}; a failure is returned as a failed {@link QueryRun}, never thrown. */
  public QueryRun run(BenchQuery query) {
    requireNonNull(query, "query is null");
    try {
      for (int warmup = 1; warmup <= warmups; warmup++) {
        describe(query, "warm-up " + warmup + " of " + warmups);
        spark.sql(query.sql()).collectAsList();
      }
      List<Double> millis = new ArrayList<>();
      List<Row> rows = List.of();
      String schema = "";
      PlanSummary plan = PlanSummary.empty();
      for (int iteration = 1; iteration <= iterations; iteration++) {
        describe(query, "iteration " + iteration + " of " + iterations);
        long start = System.nanoTime();
        Dataset<Row> dataset = spark.sql(query.sql());
        rows = dataset.collectAsList();
        millis.add((System.nanoTime() - start) / 1e6);
        if (iteration == iterations) {
          schema = dataset.schema().simpleString();
          plan = PlanInspector.inspect(dataset.queryExecution().executedPlan());
        }
      }
      return new QueryRun(query.name(), mode, millis, rows, schema, plan, Optional.empty());
    } catch (RuntimeException e) {
      return QueryRun.failed(query.name(), mode, oneLine(e));
    } finally {
      spark.sparkContext().setJobDescription(null);
    }
  }

  private void describe(BenchQuery query, String which) {
    spark.sparkContext().setJobDescription(benchmark + " " + query.name() + " (" + mode.label() + ", " + which + ")");
  }

  private static String oneLine(Throwable error) {
    String message = error.getClass().getSimpleName() + ": " + error.getMessage();
    int newline = message.indexOf('\n');
    return newline < 0 ? message : message.substring(0, newline);
  }
}
