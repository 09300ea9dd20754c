package dev.ember.fuzz.run;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.spark.sql.Row;

/**
 * Compares two answers with Spark's own row equality ({@link Row#equals}): NaN equals NaN, -0.0 equals
 * 0.0, decimals equal when their values are, whatever their scale. Nothing Spark's equality leaves equal
 * counts as a difference.
 *
 * <p>Unordered answers compare as bags: both sides are sorted by a canonical text that maps rows Spark
 * calls equal to the same text, then compared row by row.
 */
public final class AnswerComparison {
    private AnswerComparison() {}

    /** The first difference between Spark's and Ember's rows, or null when there is none. */
    public static String difference(List<Row> spark, List<Row> ember, boolean ordered) {
        List<Row> left = new ArrayList<>(spark);
        List<Row> right = new ArrayList<>(ember);
        if (!ordered) {
            Comparator<Row> canonical = Comparator.comparing(AnswerComparison::canonical);
            left.sort(canonical);
            right.sort(canonical);
        }
        for (int i = 0; i < Math.min(left.size(), right.size()); i++) {
            if (!left.get(i).equals(right.get(i))) {
                return (ordered ? "row " + i : "sorted row " + i) + " differs: Spark " + canonical(left.get(i))
                        + ", Ember " + canonical(right.get(i)) + count(left, right);
            }
        }
        if (left.size() != right.size()) {
            List<Row> longer = left.size() > right.size() ? left : right;
            return "row counts differ: Spark " + left.size() + ", Ember " + right.size() + "; first extra row ("
                    + (longer == left ? "Spark" : "Ember") + "): " + canonical(longer.get(Math.min(left.size(),
                    right.size())));
        }
        return null;
    }

    /** A text for {@code row} that is the same for rows Spark's row equality calls equal. */
    static String canonical(Row row) {
        return IntStream.range(0, row.length()).mapToObj(i -> canonical(row.get(i)))
                .collect(Collectors.joining(", ", "[", "]"));
    }

    private static String canonical(Object value) {
        if (value instanceof Double d) {
            return d.isNaN() ? "NaN" : Double.toString(d == 0.0 ? 0.0 : d);
        }
        if (value instanceof Float f) {
            return f.isNaN() ? "NaN" : Float.toString(f == 0.0f ? 0.0f : f);
        }
        if (value instanceof BigDecimal decimal) {
            return decimal.signum() == 0 ? "0" : decimal.stripTrailingZeros().toPlainString();
        }
        return value instanceof String s ? "'" + s + "'" : String.valueOf(value);
    }

    private static String count(List<Row> left, List<Row> right) {
        return left.size() == right.size() ? "" : " (row counts: Spark " + left.size() + ", Ember " + right.size() + ")";
    }
}
