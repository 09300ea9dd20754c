package dev.ember.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import org.apache.spark.sql.Row;

/**
 * Compares collected rows exactly: floating values by their bits except that every NaN equals every
 * NaN, so -0.0 and 0.0 differ, as they differ in Spark's output. Unordered comparisons sort both sides
 * by a canonical text first.
 */
public final class RowComparison {
    private RowComparison() {}

    /** The first difference, or null when the row lists are the same. */
    public static String difference(List<Row> expected, List<Row> actual, boolean ordered) {
        List<Row> left = new ArrayList<>(expected);
        List<Row> right = new ArrayList<>(actual);
        if (!ordered) {
            Comparator<Row> canonical = Comparator.comparing(RowComparison::canonical);
            left.sort(canonical);
            right.sort(canonical);
        }
        if (left.size() != right.size()) {
            return "row counts differ: Spark " + left.size() + ", Ember " + right.size();
        }
        for (int i = 0; i < left.size(); i++) {
            if (!sameRow(left.get(i), right.get(i))) {
                return "row " + i + " differs: Spark " + canonical(left.get(i)) + ", Ember " + canonical(right.get(i));
            }
        }
        return null;
    }

    static String canonical(Row row) {
        StringBuilder text = new StringBuilder("[");
        for (int i = 0; i < row.length(); i++) {
            if (i > 0) {
                text.append(", ");
            }
            Object value = row.get(i);
            if (value instanceof Double d) {
                text.append(d.isNaN() ? "NaN" : Double.toString(d)).append('d');
            } else if (value instanceof Float f) {
                text.append(f.isNaN() ? "NaN" : Float.toString(f)).append('f');
            } else if (value instanceof BigDecimal decimal) {
                text.append(decimal.toPlainString()).append("bd");
            } else if (value instanceof String s) {
                text.append('"').append(s).append('"');
            } else {
                text.append(value);
            }
        }
        return text.append(']').toString();
    }

    private static boolean sameRow(Row left, Row right) {
        if (left.length() != right.length()) {
            return false;
        }
        for (int i = 0; i < left.length(); i++) {
            if (!sameValue(left.get(i), right.get(i))) {
                return false;
            }
        }
        return true;
    }

    private static boolean sameValue(Object left, Object right) {
        if (left instanceof Double a && right instanceof Double b) {
            return (a.isNaN() && b.isNaN()) || Double.doubleToRawLongBits(a) == Double.doubleToRawLongBits(b);
        }
        if (left instanceof Float a && right instanceof Float b) {
            return (a.isNaN() && b.isNaN()) || Float.floatToRawIntBits(a) == Float.floatToRawIntBits(b);
        }
        if (left instanceof BigDecimal a && right instanceof BigDecimal b) {
            return a.equals(b);
        }
        return Objects.equals(left, right);
    }

    /**
     * Asserts the rows equal, doubles within a relative 1e-9 (sums and moments whose rows were added in
     * another order); the first column is an exact key the rows pair up on.
     */
    public static void assertClose(List<Row> expected, List<Row> actual) {
        assertEquals(expected.size(), actual.size(), "row counts differ");
        Comparator<Row> byText = Comparator.comparing(Row::toString);
        List<Row> left = new ArrayList<>(expected);
        List<Row> right = new ArrayList<>(actual);
        // the first column is an exact key: sort on it so that rows pair up despite rounding differences
        Comparator<Row> byKey = Comparator.comparing(row -> String.valueOf(row.get(0)));
        left.sort(byKey.thenComparing(byText));
        right.sort(byKey.thenComparing(byText));
        for (int i = 0; i < left.size(); i++) {
            Row a = left.get(i);
            Row b = right.get(i);
            for (int c = 0; c < a.length(); c++) {
                Object x = a.get(c);
                Object y = b.get(c);
                if (x instanceof Double dx && y instanceof Double dy) {
                    boolean same = dx.equals(dy) || Math.abs(dx - dy) <= 1e-9 * Math.max(Math.abs(dx), Math.abs(dy));
                    assertTrue(same, "row " + a + " vs " + b);
                } else {
                    assertEquals(x, y, "row " + a + " vs " + b);
                }
            }
        }
    }
}
