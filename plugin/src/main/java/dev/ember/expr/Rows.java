package dev.ember.expr;

/**
 * The per-row evaluation-order rules shared by the interpreter's loops. Each returns true when the row has
 * values to compute with; otherwise it has already marked the output row null or poisoned, the way
 * Spark's interpreted evaluation would have ended for that row.
 */
final class Rows {
    private Rows() {}

    /** A null-intolerant unary operator. */
    static boolean unary(Column value, Column out, int row) {
        if (value.poison[row]) {
            out.poison[row] = true;
            return false;
        }
        if (value.nulls[row]) {
            out.nulls[row] = true;
            return false;
        }
        return true;
    }

    /** A null-intolerant binary operator that evaluates its left operand first (BinaryExpression.eval). */
    static boolean leftThenRight(Column left, Column right, Column out, int row) {
        return unary(left, out, row) && unary(right, out, row);
    }

    /** A null-intolerant ternary operator that evaluates its operands in order (TernaryExpression.eval). */
    static boolean inOrder(Column first, Column second, Column third, Column out, int row) {
        return unary(first, out, row) && unary(second, out, row) && unary(third, out, row);
    }
}
