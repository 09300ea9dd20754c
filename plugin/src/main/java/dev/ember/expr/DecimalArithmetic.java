package dev.ember.expr;

import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;

/**
 * Decimal arithmetic with Spark's rules over unscaled values in the interpreter's decimal lanes
 * (see {@link Column}): each operation gives the result Spark's {@code Decimal} gives (exact sums and
 * differences; products and remainders truncated to 39 significant digits; quotients truncated to 39
 * decimal places), rounded half up to the result scale, and reports overflow when the result needs
 * more digits than the result precision allows.
 *
 * <p>The exact result rounded half up once is the same as Spark's truncation followed by rounding
 * half up: half up looks only at the first dropped digit, which a truncation to 39 places keeps
 * (results have at most 38 places), and a truncation to 39 significant digits only drops digits of
 * a result that has more than 38 digits before rounding, which overflows either way.
 *
 * <p>Work happens in 64-bit longs where the operands and result fit (decimals of up to 18 digits),
 * else in {@link Int128}. Rows whose exact intermediate needs more than 128 bits (products or
 * quotients of wide decimals, operands aligned to a much larger scale) go through {@link BigDecimal},
 * for that row only: the slow path.
 *
 * <p>One instance serves one loop over a chunk (it holds scratch space): not thread-safe.
 */
final class DecimalArithmetic {
    /** Spark's {@code Decimal.MATH_CONTEXT}: 39 digits, rounding down (truncating). */
    private static final MathContext SPARK_CONTEXT = new MathContext(39, RoundingMode.DOWN);
    /** Spark's quotients keep 39 decimal places, truncated, before the final rounding. */
    private static final int SPARK_DIVISION_SCALE = 39;
    private static final long[] POWERS = Int128.LONG_POWERS_OF_TEN;

    private final Opcode opcode;
    private final ValueType leftType;
    private final ValueType rightType;
    private final ValueType resultType;
    /** Add, subtract and remainder align both operands to the larger scale. */
    private final int commonScale;
    private final int leftUp;
    private final int rightUp;
    /** Whether both operands, aligned to the common scale, always fit a long (at most 18 digits). */
    private final boolean alignedFitLong;
    private final Int128 value = new Int128();
    private final Int128 other = new Int128();

    /** The operation {@code opcode} (ADD, SUBTRACT, MULTIPLY, DIVIDE or REMAINDER) on decimals of these types. */
    DecimalArithmetic(Opcode opcode, ValueType leftType, ValueType rightType, ValueType resultType) {
        this.opcode = opcode;
        this.leftType = leftType;
        this.rightType = rightType;
        this.resultType = resultType;
        this.commonScale = Math.max(leftType.scale(), rightType.scale());
        this.leftUp = commonScale - leftType.scale();
        this.rightUp = commonScale - rightType.scale();
        this.alignedFitLong = leftType.precision() + leftUp <= 18 && rightType.precision() + rightUp <= 18;
    }

    /**
     * Computes row {@code row} of {@code out} from the same row of {@code left} and {@code right} (both
     * values; for DIVIDE and REMAINDER the right one is not zero).
     *
     * @return false when the result overflows the result type (nothing written)
     * @throws ArithmeticException where Spark's remainder throws: its integral quotient needs more than 39 digits
     */
    boolean apply(Column left, Column right, int row, Column out) {
        return switch (opcode) {
            case ADD -> add(left, right, row, out, false);
            case SUBTRACT -> add(left, right, row, out, true);
            case MULTIPLY -> multiply(left, right, row, out);
            case DIVIDE -> divide(left, right, row, out);
            case REMAINDER -> remainder(left, right, row, out);
            default -> throw new IllegalStateException("not a decimal arithmetic opcode: " + opcode);
        };
    }

    private boolean add(Column left, Column right, int row, Column out, boolean subtract) {
        if (alignedFitLong) {
            long a = left.longs[row] * POWERS[leftUp];
            long b = right.longs[row] * POWERS[rightUp];
            return storeLong(subtract ? a - b : a + b, commonScale, out, row);
        }
        value.set(left.high(row), left.longs[row]);
        other.set(right.high(row), right.longs[row]);
        if (subtract) {
            other.negate();
        }
        if (value.scaleUp(leftUp) && other.scaleUp(rightUp) && value.add(other.high, other.low)) {
            return store(value, commonScale, out, row);
        }
        // slow path: an operand aligned to the common scale needs more than 128 bits
        BigDecimal a = left.bigDecimal(row);
        BigDecimal b = right.bigDecimal(row);
        return storeBig(subtract ? a.subtract(b) : a.add(b), out, row);
    }

    private boolean multiply(Column left, Column right, int row, Column out) {
        int productScale = leftType.scale() + rightType.scale();
        long a = left.longs[row];
        long b = right.longs[row];
        if (left.fitsLong(row) && right.fitsLong(row)) {
            long high = Math.multiplyHigh(a, b);
            long low = a * b;
            if (high == low >> 63) {
                return storeLong(low, productScale, out, row);
            }
            value.set(high, low);
            return store(value, productScale, out, row);
        }
        value.set(left.high(row), a);
        if (value.multiply(right.high(row), b)) {
            return store(value, productScale, out, row);
        }
        // slow path: the exact product needs more than 128 bits
        return storeBig(left.bigDecimal(row).multiply(right.bigDecimal(row), SPARK_CONTEXT), out, row);
    }

    /** The quotient rounded half up at the result scale: (a * 10^e) / b, e = result scale - left scale + right scale. */
    private boolean divide(Column left, Column right, int row, Column out) {
        int exponent = resultType.scale() - leftType.scale() + rightType.scale();
        long a = left.longs[row];
        long b = right.longs[row];
        if (exponent >= 0 && exponent <= 18 && left.fitsLong(row) && right.fitsLong(row) && a != Long.MIN_VALUE
                && b != Long.MIN_VALUE && Math.abs(a) <= Long.MAX_VALUE / POWERS[exponent]) {
            long dividend = a * POWERS[exponent];
            long quotient = dividend / b;
            long rest = Math.abs(dividend - quotient * b);
            if (rest >= Math.abs(b) - rest) {
                quotient += (dividend ^ b) < 0 ? -1 : 1;
            }
            return storeLong(quotient, resultType.scale(), out, row);
        }
        value.set(left.high(row), a);
        other.set(right.high(row), b);
        if (exponent >= 0 ? value.scaleUp(exponent) : other.scaleUp(-exponent)) {
            value.divideHalfUp(other.high, other.low);
            return store(value, resultType.scale(), out, row);
        }
        // slow path: the scaled dividend or divisor needs more than 128 bits
        return storeBig(left.bigDecimal(row).divide(right.bigDecimal(row), SPARK_DIVISION_SCALE, RoundingMode.DOWN),
                out, row);
    }

    /** The remainder at the common scale (it takes the sign of the dividend). */
    private boolean remainder(Column left, Column right, int row, Column out) {
        if (alignedFitLong) {
            long a = left.longs[row] * POWERS[leftUp];
            long b = right.longs[row] * POWERS[rightUp];
            return storeLong(a % b, commonScale, out, row);
        }
        value.set(left.high(row), left.longs[row]);
        other.set(right.high(row), right.longs[row]);
        if (value.scaleUp(leftUp) && other.scaleUp(rightUp)) {
            // the integral quotient is below 2^127 < 10^39, so Spark's remainder does not throw here
            value.remainder(other.high, other.low);
            return store(value, commonScale, out, row);
        }
        // slow path: an aligned operand needs more than 128 bits; throws where Spark does
        return storeBig(left.bigDecimal(row).remainder(right.bigDecimal(row), SPARK_CONTEXT), out, row);
    }

    /**
     * Spark's unary minus: it negates through Scala's BigDecimal, which rounds to 34 digits
     * (DECIMAL128), and the result must fit the output type.
     *
     * @return false when the rescaled result does not fit {@code out}'s type (an error in every mode)
     */
    static boolean negate(Column value, int row, Column out, Int128 scratch) {
        scratch.set(value.high(row), value.longs[row]);
        if (scratch.fitsDigits(34)) {
            scratch.negate();
            return store(scratch, value.type.scale(), out, row);
        }
        // slow path: 35 digits or more round to 34 (half even) first
        BigDecimal negated = value.bigDecimal(row).negate(MathContext.DECIMAL128);
        return storeBig(negated, out, row);
    }

    /**
     * Stores a long unscaled value of scale {@code fromScale} into row {@code row} of {@code out},
     * rounded half up to the output scale.
     *
     * @return false (nothing written) when it then has more digits than the output precision
     */
    static boolean storeLong(long unscaled, int fromScale, Column out, int row) {
        int toScale = out.type.scale();
        int precision = out.type.precision();
        if (fromScale > toScale && fromScale - toScale <= 18) {
            long divisor = POWERS[fromScale - toScale];
            long quotient = unscaled / divisor;
            long rest = Math.abs(unscaled - quotient * divisor);
            if (rest >= divisor - rest) {
                quotient += unscaled < 0 ? -1 : 1;
            }
            unscaled = quotient;
        } else if (toScale > fromScale && toScale - fromScale <= 18) {
            long factor = POWERS[toScale - fromScale];
            long high = Math.multiplyHigh(unscaled, factor);
            long low = unscaled * factor;
            if (high != low >> 63) {
                if (precision <= 18) {
                    return false;
                }
                Int128 wide = new Int128();
                wide.set(high, low);
                return store(wide, toScale, out, row);
            }
            unscaled = low;
        } else if (fromScale != toScale) {
            Int128 wide = new Int128();
            wide.setLong(unscaled);
            return store(wide, fromScale, out, row);
        }
        if (precision <= 18 && (unscaled <= -POWERS[precision] || unscaled >= POWERS[precision])) {
            return false;
        }
        out.longs[row] = unscaled;
        if (out.highs != null) {
            out.highs[row] = unscaled >> 63;
        }
        return true;
    }

    /**
     * Stores an unscaled value of scale {@code fromScale} into row {@code row} of {@code out}, rounded
     * half up to the output scale; {@code value} is changed.
     *
     * @return false (nothing written) when it then has more digits than the output precision
     */
    static boolean store(Int128 value, int fromScale, Column out, int row) {
        int toScale = out.type.scale();
        if (fromScale > toScale) {
            value.scaleDownHalfUp(fromScale - toScale);
        } else if (toScale > fromScale && !value.scaleUp(toScale - fromScale)) {
            return false;
        }
        if (!value.fitsDigits(out.type.precision())) {
            return false;
        }
        out.longs[row] = value.low;
        if (out.highs != null) {
            out.highs[row] = value.high;
        }
        return true;
    }

    /**
     * Stores an exact BigDecimal result into row {@code row} of {@code out}, rounded half up to the output
     * scale (Spark's {@code Decimal.toPrecision}).
     *
     * @return false (nothing written) when it then has more digits than the output precision
     */
    static boolean storeBig(BigDecimal exact, Column out, int row) {
        BigDecimal rounded = exact.setScale(out.type.scale(), RoundingMode.HALF_UP);
        if (rounded.precision() > out.type.precision()) {
            return false;
        }
        Int128 unscaled = new Int128();
        unscaled.set(rounded.unscaledValue());
        out.longs[row] = unscaled.low;
        if (out.highs != null) {
            out.highs[row] = unscaled.high;
        }
        return true;
    }
}
