package dev.ember.bench.compare;

import static java.util.Objects.requireNonNull;

import dev.ember.bench.query.ExpectedAnswer;
import java.math.BigDecimal;
import java.util.List;
import org.apache.spark.sql.Row;

/**
 * Checks a query's answer against the answer bundled with the tpch generator jar, an independent
 * check of the data generator, of Spark and of Ember at scale factor {@value ExpectedAnswer#SCALE}.
 *
 * <p>Rows are compared in order (every TPC-H query orders its result). Strings and dates must be
 * equal as text; a SQL null must be the text {@code null}. The bundled answers print numbers with
 * fewer digits than Spark computes (averages are rounded, trailing zeros dropped), so a number
 * matches when both agree at the coarser of the two scales: with {@code s} the smaller of the
 * expected text's decimal places and the actual value's scale, {@code |actual - expected| <=
 * 0.5 * 10^-s}. A floating actual value uses the expected text's decimal places.
 *
 * <p>Stateless; safe to use from any thread.
 */
public final class ExpectedAnswerCheck {
  private ExpectedAnswerCheck() {}

  /** Compares {@code actual} with the bundled {@code expected} answer. */
  public static Comparison check(ExpectedAnswer expected, List<Row> actual) {
    requireNonNull(expected, "expected is null");
    requireNonNull(actual, "actual is null");
    List<List<String>> rows = expected.rows();
    if (rows.size() != actual.size()) {
      return Comparison.mismatch(
          "row counts differ: expected " + rows.size() + ", got " + actual.size());
    }
    for (int rowIndex = 0; rowIndex < rows.size(); rowIndex++) {
      Row row = actual.get(rowIndex);
      List<String> fields = withoutTrailingDelimiter(rows.get(rowIndex), row.length());
      if (fields.size() != row.length()) {
        return Comparison.mismatch(
            "row " + rowIndex + ": expected " + fields.size() + " columns, got " + row.length());
      }
      for (int column = 0; column < fields.size(); column++) {
        if (!valueMatches(fields.get(column), row.get(column))) {
          return Comparison.mismatch(
              "row " + rowIndex + ", column " + column + ": expected '" + fields.get(column) + "', got '"
                  + row.get(column) + "'");
        }
      }
    }
    return Comparison.match();
  }

  /** Whether {@code actual} matches the bundled field text {@code expected}. */
  public static boolean valueMatches(String expected, Object actual) {
    requireNonNull(expected, "expected is null");
    if (actual == null) {
      return expected.equals("null");
    }
    if (actual instanceof Number) {
      BigDecimal expectedNumber;
      try {
        expectedNumber = new BigDecimal(expected.strip());
      } catch (NumberFormatException e) {
        return false;
      }
      return numberMatches(expectedNumber, (Number) actual);
    }
    return expected.equals(actual.toString());
  }

  private static boolean numberMatches(BigDecimal expected, Number actual) {
    BigDecimal actualNumber;
    int scale;
    if (actual instanceof Double || actual instanceof Float) {
      double value = actual.doubleValue();
      if (Double.isNaN(value) || Double.isInfinite(value)) {
        return false;
      }
      actualNumber = new BigDecimal(value);
      scale = Math.max(expected.scale(), 0);
    } else {
      actualNumber = new BigDecimal(actual.toString());
      scale = Math.max(Math.min(expected.scale(), actualNumber.scale()), 0);
    }
    BigDecimal halfUnit = BigDecimal.ONE.movePointLeft(scale).divide(BigDecimal.valueOf(2));
    return actualNumber.subtract(expected).abs().compareTo(halfUnit) <= 0;
  }

  private static List<String> withoutTrailingDelimiter(List<String> fields, int columns) {
    if (fields.size() == columns + 1 && fields.get(fields.size() - 1).isEmpty()) {
      return fields.subList(0, columns);
    }
    return fields;
  }
}
