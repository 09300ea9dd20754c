package dev.ember.expr;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.MathContext;
import java.math.RoundingMode;

/**
 * Decimal arithmetic with Spark's rules: each operation computes the way Spark's {@code Decimal}
 * does (exact sums and differences; products and remainders truncated to 39 significant digits;
 * quotients truncated to 39 decimal places), then rounds half up to the result scale and answers
 * null when the result needs more digits than the result precision allows.
 */
final class DecimalArithmetic {
    /** Spark's {@code Decimal.MATH_CONTEXT}: 39 digits, rounding down (truncating). */
    private static final MathContext SPARK_CONTEXT = new MathContext(39, RoundingMode.DOWN);
    /** Spark's quotients keep 39 decimal places, truncated, before the final rounding. */
    private static final int SPARK_DIVISION_SCALE = 39;
    private static final BigInteger[] POWERS_OF_TEN = new BigInteger[39];

    static {
        for (int i = 0; i < POWERS_OF_TEN.length; i++) {
            POWERS_OF_TEN[i] = BigInteger.TEN.pow(i);
        }
    }

    private DecimalArithmetic() {}

    /** {@code value} rounded half up to {@code scale}, or null when it then has more than {@code precision} digits. */
    static BigDecimal fit(BigDecimal value, int precision, int scale) {
        BigDecimal rounded = value.setScale(scale, RoundingMode.HALF_UP);
        return rounded.precision() > precision ? null : rounded;
    }

    static BigDecimal add(BigDecimal left, BigDecimal right, ValueType result) {
        return fit(left.add(right), result.precision(), result.scale());
    }

    static BigDecimal subtract(BigDecimal left, BigDecimal right, ValueType result) {
        return fit(left.subtract(right), result.precision(), result.scale());
    }

    static BigDecimal multiply(BigDecimal left, BigDecimal right, ValueType result) {
        return fit(left.multiply(right, SPARK_CONTEXT), result.precision(), result.scale());
    }

    /** The quotient; {@code right} is not zero. */
    static BigDecimal divide(BigDecimal left, BigDecimal right, ValueType result) {
        return fit(left.divide(right, SPARK_DIVISION_SCALE, RoundingMode.DOWN), result.precision(), result.scale());
    }

    /**
     * The remainder; {@code right} is not zero.
     *
     * @throws ArithmeticException where Spark's does: the integral quotient needs more than 39 digits
     */
    static BigDecimal remainder(BigDecimal left, BigDecimal right, ValueType result) {
        return fit(left.remainder(right, SPARK_CONTEXT), result.precision(), result.scale());
    }

    /** Whether an unscaled value has at most {@code precision} digits. */
    static boolean fitsPrecision(BigInteger unscaled, int precision) {
        return unscaled.abs().compareTo(POWERS_OF_TEN[precision]) < 0;
    }
}
