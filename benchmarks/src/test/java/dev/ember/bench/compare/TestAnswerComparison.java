package dev.ember.bench.compare;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigDecimal;
import java.sql.Date;
import java.util.List;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.junit.jupiter.api.Test;

class TestAnswerComparison {
  private static Row row(Object... values) {
    return RowFactory.create(values);
  }

  @Test
  void equalAnswersInDifferentOrderMatch() {
    List<Row> off = List.of(row(1L, "a", new BigDecimal("1.50")), row(2L, "b", null));
    List<Row> on = List.of(row(2L, "b", null), row(1L, "a", new BigDecimal("1.50")));
    assertTrue(AnswerComparison.compare(off, on).matches());
  }

  @Test
  void decimalsCompareByValueAndExactly() {
    assertTrue(AnswerComparison.valuesMatch(new BigDecimal("1.50"), new BigDecimal("1.5")));
    assertFalse(AnswerComparison.valuesMatch(new BigDecimal("1.50"), new BigDecimal("1.51")));
    assertFalse(AnswerComparison.valuesMatch(new BigDecimal("0.000001"), new BigDecimal("0.000002")));
  }

  @Test
  void integersStringsAndDatesMustBeEqual() {
    assertFalse(AnswerComparison.valuesMatch(1L, 2L));
    assertFalse(AnswerComparison.valuesMatch("abc", "abd"));
    assertFalse(AnswerComparison.valuesMatch(Date.valueOf("1995-03-15"), Date.valueOf("1995-03-16")));
    assertTrue(AnswerComparison.valuesMatch(Date.valueOf("1995-03-15"), Date.valueOf("1995-03-15")));
    assertFalse(AnswerComparison.valuesMatch(null, 0L));
    assertTrue(AnswerComparison.valuesMatch(null, null));
  }

  @Test
  void floatingValuesMatchWithinOneInABillion() {
    assertTrue(AnswerComparison.floatingMatch(1e6, 1e6 * (1 + 5e-10)));
    assertFalse(AnswerComparison.floatingMatch(1e6, 1e6 * (1 + 5e-9)));
    assertTrue(AnswerComparison.floatingMatch(Double.NaN, Double.NaN));
    assertFalse(AnswerComparison.floatingMatch(Double.NaN, 1.0));
    assertTrue(AnswerComparison.floatingMatch(0.0, -0.0));
    assertFalse(AnswerComparison.floatingMatch(0.0, 1e-300));
  }

  @Test
  void differencesAreReportedWithTheirPlace() {
    Comparison rows = AnswerComparison.compare(List.of(row(1L)), List.of(row(1L), row(2L)));
    assertFalse(rows.matches());
    assertTrue(rows.detail().contains("row counts differ"), rows.detail());
    Comparison value = AnswerComparison.compare(List.of(row(1L, 2.0)), List.of(row(1L, 2.5)));
    assertFalse(value.matches());
    assertTrue(value.detail().contains("column 1"), value.detail());
  }
}
