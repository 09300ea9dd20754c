package dev.ember.expr;

import java.util.Arrays;

/**
 * Spark's ordering of values of one kind: numeric order; for floating point, NaN equals NaN and is
 * larger than every other value, and -0.0 equals 0.0; strings compare as unsigned UTF-8 bytes
 * (the UTF8_BINARY collation); false is smaller than true.
 */
final class Comparisons {
    private Comparisons() {}

    /** Compares row {@code leftRow} of {@code left} with row {@code rightRow} of {@code right} (same kind, both values). */
    static int compare(Column left, int leftRow, Column right, int rightRow) {
        return switch (left.type.kind()) {
            case FLOAT, DOUBLE -> compareDoubles(left.doubles[leftRow], right.doubles[rightRow]);
            case DECIMAL -> left.decimals[leftRow].compareTo(right.decimals[rightRow]);
            case STRING -> Arrays.compareUnsigned(left.strings[leftRow], right.strings[rightRow]);
            default -> Long.compare(left.longs[leftRow], right.longs[rightRow]);
        };
    }

    /** Spark's {@code SQLOrderingUtil.compareDoubles} order. */
    static int compareDoubles(double left, double right) {
        if (left < right) {
            return -1;
        } else if (left > right) {
            return 1;
        } else if (left == right) {
            return 0;
        }
        boolean leftNaN = Double.isNaN(left);
        boolean rightNaN = Double.isNaN(right);
        return leftNaN == rightNaN ? 0 : leftNaN ? 1 : -1;
    }
}
