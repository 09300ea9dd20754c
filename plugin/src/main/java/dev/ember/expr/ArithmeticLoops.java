package dev.ember.expr;

/**
 * ADD, SUBTRACT, MULTIPLY, DIVIDE, REMAINDER and NEGATE over columns, with Spark's evaluation order
 * and its overflow and division-by-zero rules.
 */
final class ArithmeticLoops {
    private ArithmeticLoops() {}

    /** ADD, SUBTRACT, MULTIPLY: left first; null-intolerant. */
    static Column addSubtractMultiply(Instruction instruction, Column left, Column right) {
        Column out = new Column(instruction.type(), left.size);
        boolean failOnError = instruction.hasFlag(Instruction.FLAG_FAIL_ON_ERROR);
        boolean nullOnOwnError = instruction.hasFlag(Instruction.FLAG_NULL_ON_OWN_ERROR);
        Opcode opcode = instruction.opcode();
        ValueKind kind = out.type.kind();
        DecimalArithmetic decimals = kind == ValueKind.DECIMAL
                ? new DecimalArithmetic(opcode, left.type, right.type, out.type) : null;
        for (int row = 0; row < out.size; row++) {
            if (!Rows.leftThenRight(left, right, out, row)) {
                continue;
            }
            boolean error;
            if (kind.isIntegral()) {
                error = integral(opcode, kind, left.longs[row], right.longs[row], out, row) && failOnError;
            } else if (kind.isFloating()) {
                double value = floating(opcode, left.doubles[row], right.doubles[row]);
                out.doubles[row] = kind == ValueKind.FLOAT ? (float) value : value;
                error = false;
            } else {
                boolean fits = decimals.apply(left, right, row, out);
                out.nulls[row] = !fits && !failOnError;
                error = !fits && failOnError;
            }
            if (error) {
                out.nulls[row] = nullOnOwnError;
                out.poison[row] = !nullOnOwnError;
            }
        }
        return out;
    }

    /** DIVIDE, REMAINDER: right first (Spark's DivModLike); a zero divisor is null or an error. */
    static Column divideRemainder(Instruction instruction, Column left, Column right) {
        Column out = new Column(instruction.type(), left.size);
        boolean failOnError = instruction.hasFlag(Instruction.FLAG_FAIL_ON_ERROR);
        boolean divide = instruction.opcode() == Opcode.DIVIDE;
        ValueKind kind = out.type.kind();
        DecimalArithmetic decimals = kind == ValueKind.DECIMAL
                ? new DecimalArithmetic(instruction.opcode(), left.type, right.type, out.type) : null;
        for (int row = 0; row < out.size; row++) {
            if (right.poison[row]) {
                out.poison[row] = true;
                continue;
            }
            boolean zero = !right.nulls[row] && isZero(right, row);
            if (right.nulls[row] || (zero && !failOnError)) {
                out.nulls[row] = true;
                continue;
            }
            if (left.poison[row]) {
                out.poison[row] = true;
                continue;
            }
            if (left.nulls[row]) {
                out.nulls[row] = true;
                continue;
            }
            if (zero) {
                out.poison[row] = true;
                continue;
            }
            if (kind.isIntegral()) {
                out.longs[row] = left.longs[row] % right.longs[row];
            } else if (kind.isFloating()) {
                double value = divide ? left.doubles[row] / right.doubles[row] : left.doubles[row] % right.doubles[row];
                out.doubles[row] = kind == ValueKind.FLOAT ? (float) value : value;
            } else {
                boolean fits;
                try {
                    fits = decimals.apply(left, right, row, out);
                } catch (ArithmeticException e) {
                    out.poison[row] = true;
                    continue;
                }
                out.nulls[row] = !fits && !failOnError;
                out.poison[row] = !fits && failOnError;
            }
        }
        return out;
    }

    /** NEGATE: null-intolerant; MIN_VALUE overflows (error or wrap). */
    static Column negate(Instruction instruction, Column value) {
        Column out = new Column(instruction.type(), value.size);
        boolean failOnError = instruction.hasFlag(Instruction.FLAG_FAIL_ON_ERROR);
        ValueKind kind = out.type.kind();
        Int128 scratch = kind == ValueKind.DECIMAL ? new Int128() : null;
        for (int row = 0; row < out.size; row++) {
            if (!Rows.unary(value, out, row)) {
                continue;
            }
            if (kind.isFloating()) {
                out.doubles[row] = -value.doubles[row];
            } else {
                negateRow(kind, failOnError, value, row, out, scratch);
            }
        }
        return out;
    }

    /**
     * Row {@code row} of an integral or decimal {@code value}, negated into {@code out}: integral MIN_VALUE
     * wraps to itself, or poisons the row in ANSI mode ({@code failOnError}); a decimal that no longer fits
     * the result type poisons it in every mode, as Spark fails. Shared by NEGATE and ABS.
     */
    static void negateRow(ValueKind kind, boolean failOnError, Column value, int row, Column out, Int128 scratch) {
        if (kind.isIntegral()) {
            long input = value.longs[row];
            if (failOnError && input == minimum(kind)) {
                out.poison[row] = true;
            } else {
                out.longs[row] = wrap(kind, -input);
            }
        } else if (!DecimalArithmetic.negate(value, row, out, scratch)) {
            out.poison[row] = true;
        }
    }

    /** Computes an integral result into {@code out} (wrapped to the kind); returns whether it overflowed. */
    private static boolean integral(Opcode opcode, ValueKind kind, long left, long right, Column out, int row) {
        if (kind == ValueKind.LONG) {
            long wrapped = switch (opcode) {
                case ADD -> left + right;
                case SUBTRACT -> left - right;
                default -> left * right;
            };
            out.longs[row] = wrapped;
            return longOverflows(opcode, left, right, wrapped);
        }
        long exact = switch (opcode) {
            case ADD -> left + right;
            case SUBTRACT -> left - right;
            default -> left * right;
        };
        long wrapped = wrap(kind, exact);
        out.longs[row] = wrapped;
        return wrapped != exact;
    }

    /**
     * Whether {@code left op right} over longs overflowed, given its wrapped result: the tests of
     * {@code Math.addExact}, {@code subtractExact} and {@code multiplyExact} without their exception. (Catching
     * that exception per row made legacy-mode arithmetic over overflowing values about a hundred times slower,
     * 2026-12-05.)
     */
    static boolean longOverflows(Opcode opcode, long left, long right, long wrapped) {
        return switch (opcode) {
            // the result's sign differs from both operands' signs
            case ADD -> ((left ^ wrapped) & (right ^ wrapped)) < 0;
            // the operands' signs differ and the result's sign differs from the left's
            case SUBTRACT -> ((left ^ right) & (left ^ wrapped)) < 0;
            // the 128-bit product's high word is not the sign extension of its low word
            default -> Math.multiplyHigh(left, right) != (wrapped >> 63);
        };
    }

    private static double floating(Opcode opcode, double left, double right) {
        return switch (opcode) {
            case ADD -> left + right;
            case SUBTRACT -> left - right;
            default -> left * right;
        };
    }

    static boolean isZero(Column column, int row) {
        ValueKind kind = column.type.kind();
        if (kind.isFloating()) {
            return column.doubles[row] == 0;
        } else if (kind == ValueKind.DECIMAL) {
            return (column.longs[row] | column.high(row)) == 0;
        }
        return column.longs[row] == 0;
    }

    /** The value truncated to the width of an integral kind, as Java's narrowing casts do. */
    static long wrap(ValueKind kind, long value) {
        return switch (kind) {
            case BYTE -> (byte) value;
            case SHORT -> (short) value;
            case INT -> (int) value;
            default -> value;
        };
    }

    static long minimum(ValueKind kind) {
        return switch (kind) {
            case BYTE -> Byte.MIN_VALUE;
            case SHORT -> Short.MIN_VALUE;
            case INT -> Integer.MIN_VALUE;
            default -> Long.MIN_VALUE;
        };
    }

    static long maximum(ValueKind kind) {
        return switch (kind) {
            case BYTE -> Byte.MAX_VALUE;
            case SHORT -> Short.MAX_VALUE;
            case INT -> Integer.MAX_VALUE;
            default -> Long.MAX_VALUE;
        };
    }
}
