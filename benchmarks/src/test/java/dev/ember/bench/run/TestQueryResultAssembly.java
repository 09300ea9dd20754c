package dev.ember.bench.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ember.bench.plan.NodeShare;
import dev.ember.bench.plan.PlanMetrics;
import dev.ember.bench.plan.PlanSummary;
import dev.ember.bench.query.ExpectedAnswer;
import dev.ember.bench.query.TpchQueries;
import dev.ember.bench.report.QueryResult;
import java.math.BigDecimal;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.junit.jupiter.api.Test;

/** How two runs of one query become a report line: every failure and difference is a mismatch. */
class TestQueryResultAssembly {
  private static final String SCHEMA = "struct<o_orderpriority:string,order_count:bigint>";
  private static final PlanSummary PLAN =
      new PlanSummary(List.of("EmberFilterExec", "EmberFilterExec"), List.of(), 0, 1,
          new PlanMetrics(0, Map.of(), Map.of("EmberFilterExec", 4L)), NodeShare.none());

  private static QueryRun run(RunMode mode, List<Row> rows, double millis) {
    return new QueryRun("q4", mode, List.of(millis), rows, SCHEMA, PLAN, Optional.empty());
  }

  /** The start of the bundled q4 answer, so a complete answer needs all five rows. */
  private static List<Row> q4Answer() {
    return List.of(
        RowFactory.create("1-URGENT", 93L), RowFactory.create("2-HIGH", 103L), RowFactory.create("3-MEDIUM", 109L),
        RowFactory.create("4-NOT SPECIFIED", 102L), RowFactory.create("5-LOW", 128L));
  }

  @Test
  void matchingRunsGiveASpeedup() {
    QueryResult result =
        Benchmark.compare(TpchQueries.query(4), run(RunMode.SPARK, q4Answer(), 300), run(RunMode.EMBER, q4Answer(), 100), Optional.empty());
    assertTrue(result.answersMatch(), result.answerDetail());
    assertEquals(3.0, result.speedup(), 1e-12);
    assertEquals(List.of("EmberFilterExec"), result.emberNodes());
    assertEquals(Optional.empty(), result.sparkMatchesExpected());
    assertEquals(Map.of("EmberFilterExec", 4L), result.hostPrimitiveCalls(), "the Ember run's host calls");
  }

  @Test
  void hostPrimitiveCallsHoldOnlyNodeClassesWithCalls() {
    assertThrows(IllegalArgumentException.class,
        () -> new PlanMetrics(0, Map.of(), Map.of("EmberFilterExec", 0L)));
  }

  @Test
  void differentAnswersAreAMismatch() {
    List<Row> wrong = List.of(RowFactory.create("1-URGENT", 94L));
    QueryResult result =
        Benchmark.compare(TpchQueries.query(4), run(RunMode.SPARK, q4Answer(), 300), run(RunMode.EMBER, wrong, 100), Optional.empty());
    assertFalse(result.answersMatch());
    assertTrue(result.answerDetail().contains("row counts differ"), result.answerDetail());
  }

  @Test
  void aFailedRunIsAMismatchWithoutSpeedup() {
    QueryResult result =
        Benchmark.compare(
            TpchQueries.query(4), run(RunMode.SPARK, q4Answer(), 300), QueryRun.failed("q4", RunMode.EMBER, "boom"), Optional.empty());
    assertFalse(result.answersMatch());
    assertTrue(Double.isNaN(result.speedup()));
    assertTrue(result.answerDetail().contains("Ember on failed: boom"), result.answerDetail());
  }

  @Test
  void bundledAnswersAreCheckedAtTheTinyScale() {
    QueryResult good =
        Benchmark.compare(TpchQueries.query(4), run(RunMode.SPARK, q4Answer(), 1), run(RunMode.EMBER, q4Answer(), 1), ExpectedAnswer.bundled(4));
    assertTrue(good.answersMatch(), good.answerDetail());
    assertEquals(Optional.of(true), good.sparkMatchesExpected());
    assertEquals(Optional.of(true), good.emberMatchesExpected());

    List<Row> bothWrong = List.of(RowFactory.create("1-URGENT", new BigDecimal("1")));
    QueryResult bad =
        Benchmark.compare(TpchQueries.query(4), run(RunMode.SPARK, bothWrong, 1), run(RunMode.EMBER, bothWrong, 1), ExpectedAnswer.bundled(4));
    assertFalse(bad.answersMatch(), "two runs that agree but differ from the bundled answer do not match");
    assertEquals(Optional.of(false), bad.sparkMatchesExpected());
  }
}
