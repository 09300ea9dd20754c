package dev.ember.device.cuda;

import dev.ember.expr.Instruction;
import dev.ember.expr.Opcode;
import dev.ember.expr.ValueKind;
import dev.ember.expr.ValueType;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.List;

/**
 * The decimal part of {@link ExpressionProgramEncoder}: which instructions over decimals the CUDA
 * interpreter kernel covers ({@code kernels/src/main/cuda/expression_decimal.cuh} computes them bit
 * for bit as {@code dev.ember.expr.DecimalArithmetic} and {@code CastLoops} do), the decimal
 * types packed into bits 32-63 of an instruction header, and decimal constants as two words (low,
 * high) of the 128-bit unscaled value.
 *
 * <p>The kernel holds exact intermediates in 256 bits (below 10^77). Shapes whose intermediates
 * could need more, or where Spark's 39-digit limits would change the answer in ways the kernel does
 * not reproduce, are refused with a reason and run on the host interpreter:
 * <ul>
 *   <li>DIVIDE where the dividend scaled to the quotient's scale, or the divisor scaled the other
 *       way, could exceed 76 digits;</li>
 *   <li>REMAINDER where the integral quotient could exceed 39 digits (Spark fails there);</li>
 *   <li>ANSI and TRY casts of decimals with precision above 18 to byte, short or int (Spark's range
 *       check goes through a double);</li>
 *   <li>casts of decimals to double above precision 15, and to float above precision 7 (scale 0:
 *       above 18), where Java's correctly rounded conversion needs more than one IEEE division;</li>
 *   <li>casts from float or double to decimal (Spark goes through Java's {@code Double.toString}).</li>
 * </ul>
 * Stateless.
 */
final class DecimalEncoding {

    /** Digits below which every 256-bit intermediate stays: 10^76 < 2^253. */
    private static final int WIDE_DIGITS = 76;
    /** Spark's remainder fails when the integral quotient needs more digits than this. */
    private static final int QUOTIENT_DIGITS = 39;

    private DecimalEncoding() {}

    /** Whether the instruction's result or one of its operands is a decimal. */
    static boolean involvesDecimals(Instruction instruction, List<ValueType> operands) {
        return instruction.type().kind() == ValueKind.DECIMAL
                || operands.stream().anyMatch(operand -> operand.kind() == ValueKind.DECIMAL);
    }

    /** Null when the kernel covers this instruction over decimals, else why not. */
    static String whyNotCovered(Instruction instruction, List<ValueType> operands) {
        ValueType type = instruction.type();
        return switch (instruction.opcode()) {
            case INPUT, IS_NULL, IS_NOT_NULL, IN, IN_SET, EQUAL, LESS_THAN, LESS_THAN_OR_EQUAL, GREATER_THAN,
                    GREATER_THAN_OR_EQUAL, NULL_SAFE_EQUAL -> null;
            case LITERAL -> instruction.hasFlag(Instruction.FLAG_NULL_CONSTANT)
                    || instruction.decimalAt(0).scale() == type.scale() ? null
                    : "the constant " + instruction.decimalAt(0) + " does not have the scale of " + type;
            case ADD, SUBTRACT, MULTIPLY -> bothDecimal(operands, type);
            case DIVIDE -> {
                String problem = bothDecimal(operands, type);
                yield problem != null ? problem : divisionProblem(operands.get(0), operands.get(1), type);
            }
            case REMAINDER -> {
                String problem = bothDecimal(operands, type);
                yield problem != null ? problem : remainderProblem(operands.get(0), operands.get(1), type);
            }
            case NEGATE, ABS -> operands.get(0).equals(type) ? null
                    : "negating " + operands.get(0) + " to " + type;
            case ROUND, BROUND -> null;
            case IF -> carried(type, operands.subList(1, 3));
            case CASE_WHEN -> carried(type, caseValues(instruction, operands));
            case COALESCE -> carried(type, operands);
            case TRY -> carried(type, operands);
            case CAST -> castProblem(operands.get(0), type, instruction.hasFlag(Instruction.FLAG_FAIL_ON_ERROR));
            case UNSCALED_VALUE -> operands.get(0).precision() <= 18 ? null
                    : "the unscaled value of " + operands.get(0) + " does not fit a long";
            case MAKE_DECIMAL -> operands.get(0).kind() == ValueKind.LONG ? null
                    : "making a decimal of " + operands.get(0);
            case AND, OR, NOT, STARTS_WITH, ENDS_WITH, CONTAINS, LIKE, SUBSTRING, LENGTH, YEAR, MONTH, DAY_OF_MONTH,
                    NORMALIZE_FLOATING, BITWISE_AND, BITWISE_OR, BITWISE_XOR, BITWISE_NOT, SHIFT_LEFT, SHIFT_RIGHT,
                    SHIFT_RIGHT_UNSIGNED, DATE_ADD, DATE_SUB, DATE_DIFF, UPPER, LOWER, CONCAT ->
                    "opcode " + instruction.opcode() + " over decimals";
        };
    }

    /**
     * Bits 32-63 of the header: result precision (32-39) and scale (40-47), the scales of the first
     * (48-55) and second (56-63) operands; zero where a value is not a decimal.
     */
    static long headerBits(Instruction instruction, List<ValueType> operands) {
        ValueType type = instruction.type();
        long bits = 0;
        if (type.kind() == ValueKind.DECIMAL) {
            bits |= ((long) type.precision() << 32) | ((long) type.scale() << 40);
        }
        for (int i = 0; i < Math.min(2, operands.size()); i++) {
            if (operands.get(i).kind() == ValueKind.DECIMAL) {
                bits |= (long) operands.get(i).scale() << (48 + 8 * i);
            }
        }
        return bits;
    }

    /** Adds the two words (low, high) of a decimal constant's unscaled value, which fits 128 bits. */
    static void addConstant(BigDecimal value, List<Long> constants) {
        BigInteger unscaled = value.unscaledValue();
        constants.add(unscaled.longValue());
        constants.add(unscaled.shiftRight(64).longValue());
    }

    /**
     * Adds the elements of a decimal IN list at the scale of {@code valueType}; an element that no
     * value of that type can equal (digits beyond the scale, or beyond 128 bits) is left out.
     */
    static void addList(Instruction instruction, ValueType valueType, List<Long> constants) {
        for (int i = 0; i < instruction.decimalCount(); i++) {
            BigDecimal element = instruction.decimalAt(i);
            BigDecimal rescaled;
            try {
                rescaled = element.setScale(valueType.scale());
            } catch (ArithmeticException inexact) {
                continue;
            }
            if (rescaled.unscaledValue().bitLength() <= 127) {
                addConstant(rescaled, constants);
            }
        }
    }

    private static String bothDecimal(List<ValueType> operands, ValueType type) {
        boolean decimals = type.kind() == ValueKind.DECIMAL && operands.get(0).kind() == ValueKind.DECIMAL
                && operands.get(1).kind() == ValueKind.DECIMAL;
        return decimals ? null : "arithmetic of " + operands.get(0) + " and " + operands.get(1) + " producing " + type;
    }

    /** The kernel computes left * 10^e / right (e = s + right scale - left scale) in 256 bits. */
    private static String divisionProblem(ValueType left, ValueType right, ValueType type) {
        int exponent = type.scale() + right.scale() - left.scale();
        if (left.precision() + Math.max(exponent, 0) > WIDE_DIGITS
                || right.precision() + Math.max(-exponent, 0) > WIDE_DIGITS) {
            return "the division " + left + " / " + right + " producing " + type
                    + " needs intermediates wider than 256 bits";
        }
        return null;
    }

    /** The integral quotient is below 10^(left precision - left scale + right scale). */
    private static String remainderProblem(ValueType left, ValueType right, ValueType type) {
        if (left.precision() - left.scale() + right.scale() > QUOTIENT_DIGITS) {
            return "the remainder " + left + " % " + right + " producing " + type + " may need an integral quotient of"
                    + " more than " + QUOTIENT_DIGITS + " digits, where Spark fails";
        }
        return null;
    }

    /** Values copied unchanged into a decimal result must have its scale and no more precision. */
    private static String carried(ValueType type, List<ValueType> values) {
        for (ValueType value : values) {
            if (value.kind() != ValueKind.DECIMAL || value.scale() != type.scale() || value.precision() > type.precision()) {
                return "a value of type " + value + " taken as " + type;
            }
        }
        return null;
    }

    /** The value operands of CASE_WHEN: every second operand, and the else value. */
    private static List<ValueType> caseValues(Instruction instruction, List<ValueType> operands) {
        boolean hasElse = instruction.hasFlag(Instruction.FLAG_HAS_ELSE);
        int branches = (operands.size() - (hasElse ? 1 : 0)) / 2;
        List<ValueType> values = new java.util.ArrayList<>();
        for (int branch = 0; branch < branches; branch++) {
            values.add(operands.get(2 * branch + 1));
        }
        if (hasElse) {
            values.add(operands.get(operands.size() - 1));
        }
        return values;
    }

    private static String castProblem(ValueType from, ValueType to, boolean failOnError) {
        String cast = "casts from " + from + " to " + to;
        if (from.kind() != ValueKind.DECIMAL) {
            if (from.kind() == ValueKind.BOOLEAN || from.kind().isIntegral()) {
                return null;
            }
            return from.kind().isFloating()
                    ? cast + " (Spark converts through Java's Double.toString, which the kernel does not reproduce)"
                    : cast;
        }
        return switch (to.kind()) {
            case DECIMAL, BOOLEAN, LONG -> null;
            case BYTE, SHORT, INT -> !failOnError || from.precision() <= 18 ? null
                    : cast + " in ANSI or TRY mode (Spark's range check of wide decimals goes through a double)";
            case DOUBLE -> from.precision() <= 15 || (from.scale() == 0 && from.precision() <= 18) ? null
                    : cast + " (Java's correctly rounded conversion needs more than one IEEE division)";
            case FLOAT -> from.precision() <= 7 || (from.scale() == 0 && from.precision() <= 18) ? null
                    : cast + " (Java's correctly rounded conversion needs more than one IEEE division)";
            case DATE, TIMESTAMP, STRING -> cast;
        };
    }
}
