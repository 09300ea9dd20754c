package dev.ember.bench.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.ember.bench.plan.PlanSummary;
import java.util.List;
import java.util.Optional;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.junit.jupiter.api.Test;

/** Rounds of one query combine: all iterations count, the last answer is kept, a failure sticks. */
class TestQueryRun {
  private static QueryRun run(double millis, long answer) {
    List<Row> rows = List.of(RowFactory.create(answer));
    return new QueryRun("q6", RunMode.SPARK, List.of(millis), rows, "struct<x:bigint>", PlanSummary.empty(), Optional.empty());
  }

  @Test
  void roundsCombineTheirIterations() {
    QueryRun combined = run(30, 1).then(run(10, 2)).then(run(20, 3));
    assertEquals(List.of(30.0, 10.0, 20.0), combined.iterationMillis());
    assertEquals(20.0, combined.medianMillis());
    assertEquals(3L, combined.rows().get(0).getLong(0));
  }

  @Test
  void aFailureInAnyRoundSticks() {
    QueryRun failed = QueryRun.failed("q6", RunMode.SPARK, "boom");
    assertEquals(Optional.of("boom"), run(30, 1).then(failed).then(run(10, 1)).error());
    assertEquals(Optional.of("boom"), failed.then(run(10, 1)).error());
  }

  @Test
  void onlyRunsOfTheSameQueryAndModeCombine() {
    QueryRun other = QueryRun.failed("q7", RunMode.SPARK, "boom");
    assertThrows(IllegalArgumentException.class, () -> run(1, 1).then(other));
  }
}
