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
            case DECIMAL -> compareDecimals(left, leftRow, right, rightRow);
            case STRING -> Arrays.compareUnsigned(left.strings[leftRow], right.strings[rightRow]);
            default -> Long.compare(left.longs[leftRow], right.longs[rightRow]);
        };
    }

    /** Decimals by value; the operands may have different scales. */
    static int compareDecimals(Column left, int leftRow, Column right, int rightRow) {
        int leftScale = left.type.scale();
        int rightScale = right.type.scale();
        if (leftScale == rightScale) {
            return Int128.compare(left.high(leftRow), left.longs[leftRow], right.high(rightRow), right.longs[rightRow]);
        }
        Int128 aligned = new Int128();
        if (leftScale < rightScale) {
            aligned.set(left.high(leftRow), left.longs[leftRow]);
            if (!aligned.scaleUp(rightScale - leftScale)) {
                // |left| aligned passes 2^127, beyond any decimal: its sign decides
                return left.high(leftRow) < 0 ? -1 : 1;
            }
            return Int128.compare(aligned.high, aligned.low, right.high(rightRow), right.longs[rightRow]);
        }
        aligned.set(right.high(rightRow), right.longs[rightRow]);
        if (!aligned.scaleUp(leftScale - rightScale)) {
            return right.high(rightRow) < 0 ? 1 : -1;
        }
        return Int128.compare(left.high(leftRow), left.longs[leftRow], aligned.high, aligned.low);
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
