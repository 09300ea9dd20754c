package dev.ember.bench.compare;

import static java.util.Objects.requireNonNull;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.apache.spark.sql.Row;

/**
 * Compares the answer of a query run with Ember off against the answer with Ember on.
 *
 * <p>Both answers are put in one canonical order first (a total order over the values, so rows
 * that tie on the query's own {@code order by} cannot make equal answers differ). Then row counts,
 * column counts and every value must agree: exactly for integers, strings, dates, booleans and
 * decimals (decimals by numeric value); for {@code float} and {@code double} within
 * {@value #RELATIVE_TOLERANCE} relative (NaN equals NaN).
 *
 * <p>Stateless; safe to use from any thread.
 */
public final class AnswerComparison {
  /** The largest relative difference accepted between two floating values. */
  public static final double RELATIVE_TOLERANCE = 1e-9;

  private AnswerComparison() {}

  /** Compares {@code expected} (Ember off) with {@code actual} (Ember on). */
  public static Comparison compare(List<Row> expected, List<Row> actual) {
    requireNonNull(expected, "expected is null");
    requireNonNull(actual, "actual is null");
    if (expected.size() != actual.size()) {
      return Comparison.mismatch(
          "row counts differ: " + expected.size() + " with Ember off, " + actual.size() + " with Ember on");
    }
    List<Row> left = sorted(expected);
    List<Row> right = sorted(actual);
    for (int rowIndex = 0; rowIndex < left.size(); rowIndex++) {
      Row leftRow = left.get(rowIndex);
      Row rightRow = right.get(rowIndex);
      if (leftRow.length() != rightRow.length()) {
        return Comparison.mismatch(
            "column counts differ: " + leftRow.length() + " with Ember off, " + rightRow.length() + " with Ember on");
      }
      for (int column = 0; column < leftRow.length(); column++) {
        Object leftValue = leftRow.get(column);
        Object rightValue = rightRow.get(column);
        if (!valuesMatch(leftValue, rightValue)) {
          return Comparison.mismatch(
              "row " + rowIndex + " (in canonical order), column " + column + ": " + describe(leftValue)
                  + " with Ember off, " + describe(rightValue) + " with Ember on");
        }
      }
    }
    return Comparison.match();
  }

  /** Whether two values of the same column agree under this class's rules. */
  public static boolean valuesMatch(Object left, Object right) {
    if (left == null || right == null) {
      return left == null && right == null;
    }
    if (isFloating(left) || isFloating(right)) {
      if (!(left instanceof Number) || !(right instanceof Number)) {
        return false;
      }
      return floatingMatch(((Number) left).doubleValue(), ((Number) right).doubleValue());
    }
    if (left instanceof BigDecimal && right instanceof BigDecimal) {
      return ((BigDecimal) left).compareTo((BigDecimal) right) == 0;
    }
    if (left instanceof Row && right instanceof Row) {
      return compare(List.of((Row) left), List.of((Row) right)).matches();
    }
    return left.equals(right);
  }

  /** Whether two doubles agree within {@link #RELATIVE_TOLERANCE} relative. */
  public static boolean floatingMatch(double left, double right) {
    if (Double.isNaN(left) || Double.isNaN(right)) {
      return Double.isNaN(left) && Double.isNaN(right);
    }
    if (left == right) {
      return true; // also equal infinities and 0.0 == -0.0
    }
    double scale = Math.max(Math.abs(left), Math.abs(right));
    return Math.abs(left - right) <= RELATIVE_TOLERANCE * scale;
  }

  private static boolean isFloating(Object value) {
    return value instanceof Double || value instanceof Float;
  }

  private static String describe(Object value) {
    return value == null ? "null" : value + " (" + value.getClass().getSimpleName() + ")";
  }

  private static List<Row> sorted(List<Row> rows) {
    List<Row> copy = new ArrayList<>(rows);
    copy.sort(CANONICAL_ORDER);
    return copy;
  }

  /** A total order over rows: column by column, nulls first, numbers by value, others by text. */
  private static final Comparator<Row> CANONICAL_ORDER =
      (left, right) -> {
        int columns = Math.min(left.length(), right.length());
        for (int column = 0; column < columns; column++) {
          int order = compareValues(left.get(column), right.get(column));
          if (order != 0) {
            return order;
          }
        }
        return Integer.compare(left.length(), right.length());
      };

  private static int compareValues(Object left, Object right) {
    if (left == null || right == null) {
      return left == null ? (right == null ? 0 : -1) : 1;
    }
    if (left instanceof Number && right instanceof Number) {
      if (isFloating(left) || isFloating(right)) {
        return Double.compare(((Number) left).doubleValue(), ((Number) right).doubleValue());
      }
      return new BigDecimal(left.toString()).compareTo(new BigDecimal(right.toString()));
    }
    return left.toString().compareTo(right.toString());
  }
}
