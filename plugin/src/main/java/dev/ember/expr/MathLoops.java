package dev.ember.expr;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.RoundingMode;

/**
 * ABS, the bitwise operators and shifts, date arithmetic, and ROUND/BROUND over columns, with
 * Spark's rules: all of them are null-intolerant and evaluate their left operand first.
 */
final class MathLoops {
    private MathLoops() {}

    /**
     * ABS: Spark's {@code Abs}. Integral: a negative value is negated, so MIN_VALUE wraps to itself,
     * or is an error in ANSI mode ({@code MathUtils.negateExact}); floating: {@code Math.abs};
     * decimals: {@code Decimal.abs}, which negates a negative value as unary minus does.
     */
    static Column abs(Instruction instruction, Column value) {
        Column out = new Column(instruction.type(), value.size);
        boolean failOnError = instruction.hasFlag(Instruction.FLAG_FAIL_ON_ERROR);
        ValueKind kind = out.type.kind();
        Int128 scratch = kind == ValueKind.DECIMAL ? new Int128() : null;
        for (int row = 0; row < out.size; row++) {
            if (!Rows.unary(value, out, row)) {
                continue;
            }
            if (kind.isFloating()) {
                out.doubles[row] = Math.abs(value.doubles[row]);
            } else if (kind.isIntegral() ? value.longs[row] >= 0 : value.high(row) >= 0) {
                out.copyRow(value, row, row);
            } else {
                ArithmeticLoops.negateRow(kind, failOnError, value, row, out, scratch);
            }
        }
        return out;
    }

    /** BITWISE_AND, BITWISE_OR, BITWISE_XOR over two columns of one integral kind. */
    static Column bitwise(Instruction instruction, Column left, Column right) {
        Column out = new Column(instruction.type(), left.size);
        Opcode opcode = instruction.opcode();
        for (int row = 0; row < out.size; row++) {
            if (Rows.leftThenRight(left, right, out, row)) {
                // Both operands are sign-extended values of the kind, so the result is one too.
                out.longs[row] = switch (opcode) {
                    case BITWISE_AND -> left.longs[row] & right.longs[row];
                    case BITWISE_OR -> left.longs[row] | right.longs[row];
                    default -> left.longs[row] ^ right.longs[row];
                };
            }
        }
        return out;
    }

    /** BITWISE_NOT of an integral column. */
    static Column bitwiseNot(Instruction instruction, Column value) {
        Column out = new Column(instruction.type(), value.size);
        for (int row = 0; row < out.size; row++) {
            if (Rows.unary(value, out, row)) {
                out.longs[row] = ~value.longs[row];
            }
        }
        return out;
    }

    /** SHIFT_LEFT, SHIFT_RIGHT, SHIFT_RIGHT_UNSIGNED of an int or long column by an int column, as Java shifts. */
    static Column shift(Instruction instruction, Column value, Column distance) {
        Column out = new Column(instruction.type(), value.size);
        Opcode opcode = instruction.opcode();
        boolean isLong = out.type.kind() == ValueKind.LONG;
        for (int row = 0; row < out.size; row++) {
            if (!Rows.leftThenRight(value, distance, out, row)) {
                continue;
            }
            int by = (int) distance.longs[row];
            if (isLong) {
                long input = value.longs[row];
                out.longs[row] = switch (opcode) {
                    case SHIFT_LEFT -> input << by;
                    case SHIFT_RIGHT -> input >> by;
                    default -> input >>> by;
                };
            } else {
                int input = (int) value.longs[row];
                out.longs[row] = switch (opcode) {
                    case SHIFT_LEFT -> input << by;
                    case SHIFT_RIGHT -> input >> by;
                    default -> input >>> by;
                };
            }
        }
        return out;
    }

    /** DATE_ADD, DATE_SUB (date, days) and DATE_DIFF (end, start): int arithmetic on days, wrapping as Spark's does. */
    static Column dateArithmetic(Instruction instruction, Column left, Column right) {
        Column out = new Column(instruction.type(), left.size);
        Opcode opcode = instruction.opcode();
        for (int row = 0; row < out.size; row++) {
            if (Rows.leftThenRight(left, right, out, row)) {
                int days = (int) left.longs[row];
                int other = (int) right.longs[row];
                out.longs[row] = opcode == Opcode.DATE_ADD ? days + other : days - other;
            }
        }
        return out;
    }

    /**
     * ROUND (HALF_UP) and BROUND (HALF_EVEN) to the constant scale {@code longs[0]}, as Spark's
     * {@code RoundBase.nullSafeEval}: integral values through {@code BigDecimal.setScale} then a
     * narrowing that wraps (or fails in ANSI mode); floating values through Java's
     * {@code Double.toString} (Scala's {@code BigDecimal(double)}), NaN and infinities unchanged;
     * decimals to {@code min(scale, value scale)} places with null on overflow, or, for a negative
     * scale, to a multiple of {@code 10^-scale} at scale 0 with an error on overflow.
     */
    static Column round(Instruction instruction, Column value) {
        Column out = new Column(instruction.type(), value.size);
        RoundingMode mode = instruction.opcode() == Opcode.ROUND ? RoundingMode.HALF_UP : RoundingMode.HALF_EVEN;
        int scale = (int) instruction.longAt(0);
        boolean failOnError = instruction.hasFlag(Instruction.FLAG_FAIL_ON_ERROR);
        ValueKind kind = out.type.kind();
        for (int row = 0; row < out.size; row++) {
            if (!Rows.unary(value, out, row)) {
                continue;
            }
            if (kind.isIntegral()) {
                long input = value.longs[row];
                if (scale >= 0) {
                    out.longs[row] = input;
                    continue;
                }
                BigInteger rounded = BigDecimal.valueOf(input).setScale(scale, mode).toBigInteger();
                long narrowed = ArithmeticLoops.wrap(kind, rounded.longValue());
                if (failOnError && (rounded.bitLength() > 63 || narrowed != rounded.longValue())) {
                    out.poison[row] = true;
                } else {
                    out.longs[row] = narrowed;
                }
            } else if (kind.isFloating()) {
                double input = value.doubles[row];
                if (Double.isNaN(input) || Double.isInfinite(input)) {
                    out.doubles[row] = input;
                } else {
                    BigDecimal rounded = new BigDecimal(Double.toString(input)).setScale(scale, mode);
                    out.doubles[row] = kind == ValueKind.FLOAT ? rounded.floatValue() : rounded.doubleValue();
                }
            } else {
                roundDecimal(value, row, out, scale, mode);
            }
        }
        return out;
    }

    private static void roundDecimal(Column value, int row, Column out, int scale, RoundingMode mode) {
        BigDecimal rounded = value.bigDecimal(row).setScale(Math.min(scale, value.type.scale()), mode)
                .setScale(out.type.scale());
        BigInteger unscaled = rounded.unscaledValue();
        if (unscaled.abs().compareTo(BigInteger.TEN.pow(out.type.precision())) >= 0) {
            // Decimal.toPrecision answers null; Decimal(value, p, 0) for a negative scale throws.
            if (scale >= 0) {
                out.nulls[row] = true;
            } else {
                out.poison[row] = true;
            }
            return;
        }
        Int128 result = new Int128();
        result.set(unscaled);
        out.setDecimal(row, result.high, result.low);
    }
}
