package dev.ember.expr;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;

/**
 * CAST between the pairs {@link CastTranslator} accepts, with Spark's rules: narrowing integral
 * casts wrap (legacy) or fail (ANSI); floating point to integral truncates with Spark's range test;
 * anything to decimal rounds half up and overflows to null or an error; strings parse as
 * {@link StringParsing} describes; numbers print as Java prints them (Spark's own formatting),
 * decimals at their scale (plain notation in ANSI and TRY mode, Java's in LEGACY), dates as ISO
 * {@code uuuu-MM-dd}.
 *
 * <p>Casts among decimals, integral kinds and floating point work on unscaled values in longs or
 * {@link Int128}; BigDecimal remains only for strings, for a double that is not an integer (Spark goes
 * through its decimal string, {@code Double.toString}), and for decimal-to-floating casts whose
 * exact rounding needs more than 128 bits (scales above 30, subnormal floats).
 */
final class CastLoops {
    private enum Outcome { VALUE, NULL, ERROR }

    private CastLoops() {}

    static Column cast(Instruction instruction, Column value) {
        Column out = new Column(instruction.type(), value.size);
        boolean failOnError = instruction.hasFlag(Instruction.FLAG_FAIL_ON_ERROR);
        boolean nullOnOwnError = instruction.hasFlag(Instruction.FLAG_NULL_ON_OWN_ERROR);
        boolean identity = value.type.equals(out.type);
        Int128 scratch = new Int128();
        for (int row = 0; row < out.size; row++) {
            if (!Rows.unary(value, out, row)) {
                continue;
            }
            if (identity) {
                out.copyRow(value, row, row);
                continue;
            }
            Outcome outcome = convert(value, row, out, failOnError, scratch);
            if (outcome == Outcome.NULL || (outcome == Outcome.ERROR && nullOnOwnError)) {
                out.nulls[row] = true;
            } else if (outcome == Outcome.ERROR) {
                out.poison[row] = true;
            }
        }
        return out;
    }

    private static Outcome convert(Column value, int row, Column out, boolean failOnError, Int128 scratch) {
        Outcome failure = failOnError ? Outcome.ERROR : Outcome.NULL;
        ValueKind to = out.type.kind();
        switch (value.type.kind()) {
            case STRING -> {
                return fromString(value.strings[row], out, row, failure);
            }
            case FLOAT, DOUBLE -> {
                if (to == ValueKind.STRING) {
                    double input = value.doubles[row];
                    String text = value.type.kind() == ValueKind.FLOAT
                            ? Float.toString((float) input) : Double.toString(input);
                    out.strings[row] = text.getBytes(StandardCharsets.US_ASCII);
                    return Outcome.VALUE;
                }
                return fromFloating(value.doubles[row], out, row, failOnError, failure);
            }
            case DECIMAL -> {
                if (to == ValueKind.STRING) {
                    // Spark prints decimals in plain notation in ANSI and TRY mode, Java's notation in LEGACY.
                    BigDecimal input = value.bigDecimal(row);
                    String text = failOnError ? input.toPlainString() : input.toString();
                    out.strings[row] = text.getBytes(StandardCharsets.US_ASCII);
                    return Outcome.VALUE;
                }
                return fromDecimal(value, row, out, failOnError, failure, scratch);
            }
            case DATE -> {
                out.strings[row] = LocalDate.ofEpochDay(value.longs[row]).toString()
                        .getBytes(StandardCharsets.US_ASCII);
                return Outcome.VALUE;
            }
            default -> {
                long input = value.longs[row];
                if (to == ValueKind.STRING) {
                    out.strings[row] = (value.type.kind() == ValueKind.BOOLEAN
                            ? (input != 0 ? "true" : "false") : Long.toString(input)).getBytes(StandardCharsets.US_ASCII);
                    return Outcome.VALUE;
                }
                return fromLong(input, out, row, failOnError, failure);
            }
        }
    }

    /** From boolean or an integral kind (already a long). */
    private static Outcome fromLong(long input, Column out, int row, boolean failOnError, Outcome failure) {
        ValueKind to = out.type.kind();
        switch (to) {
            case BOOLEAN -> out.longs[row] = input != 0 ? 1 : 0;
            case BYTE, SHORT, INT, LONG -> {
                long wrapped = ArithmeticLoops.wrap(to, input);
                if (wrapped != input && failOnError) {
                    return Outcome.ERROR;
                }
                out.longs[row] = wrapped;
            }
            case FLOAT -> out.doubles[row] = (float) input;
            case DOUBLE -> out.doubles[row] = (double) input;
            case DECIMAL -> {
                return DecimalArithmetic.storeLong(input, 0, out, row) ? Outcome.VALUE : failure;
            }
            default -> throw new IllegalStateException("no cast from an integral to " + out.type);
        }
        return Outcome.VALUE;
    }

    private static Outcome fromFloating(double input, Column out, int row, boolean failOnError, Outcome failure) {
        ValueKind to = out.type.kind();
        switch (to) {
            case BOOLEAN -> out.longs[row] = input != 0 ? 1 : 0;
            case BYTE, SHORT, INT, LONG -> {
                if (failOnError) {
                    double upper = to == ValueKind.LONG ? (double) Long.MAX_VALUE : Integer.MAX_VALUE;
                    double lower = to == ValueKind.LONG ? (double) Long.MIN_VALUE : Integer.MIN_VALUE;
                    if (!(Math.floor(input) <= upper && Math.ceil(input) >= lower)) {
                        return Outcome.ERROR;
                    }
                    long truncated = to == ValueKind.LONG ? (long) input : (int) input;
                    if (ArithmeticLoops.wrap(to, truncated) != truncated) {
                        return Outcome.ERROR;
                    }
                    out.longs[row] = truncated;
                } else {
                    out.longs[row] = to == ValueKind.LONG ? (long) input : ArithmeticLoops.wrap(to, (int) input);
                }
            }
            case FLOAT -> out.doubles[row] = (float) input;
            case DOUBLE -> out.doubles[row] = input;
            case DECIMAL -> {
                if (Double.isNaN(input) || Double.isInfinite(input)) {
                    return Outcome.NULL;
                }
                if (input == Math.rint(input) && Math.abs(input) < 0x1p53) {
                    // an integer: its decimal string is exactly its value
                    return fromLong((long) input, out, row, failOnError, failure);
                }
                // slow path: Spark converts through the double's decimal string (Double.toString)
                return toDecimal(new BigDecimal(Double.toString(input)), out, row, failure);
            }
            default -> throw new IllegalStateException("no cast from a floating point value to " + out.type);
        }
        return Outcome.VALUE;
    }

    private static Outcome fromDecimal(Column value, int row, Column out, boolean failOnError, Outcome failure,
            Int128 scratch) {
        ValueType type = value.type;
        ValueKind to = out.type.kind();
        scratch.set(value.high(row), value.longs[row]);
        switch (to) {
            case BOOLEAN -> out.longs[row] = (scratch.high | scratch.low) != 0 ? 1 : 0;
            case BYTE, SHORT, INT, LONG -> {
                if (!failOnError || to == ValueKind.LONG || type.precision() <= 18) {
                    long truncated;
                    if (scratch.fitsLong() && type.scale() <= 18) {
                        truncated = scratch.low / Int128.LONG_POWERS_OF_TEN[type.scale()];
                    } else {
                        scratch.scaleDownTruncating(type.scale());
                        // Spark's compact decimals (precision <= 18) and casts to long test the truncated value
                        if (failOnError && !scratch.fitsLong()) {
                            return Outcome.ERROR;
                        }
                        truncated = scratch.low;
                    }
                    if (!failOnError) {
                        // the low 64 bits, wrapped to the kind, as BigInteger.longValue and the narrowing cast do
                        out.longs[row] = ArithmeticLoops.wrap(to, truncated);
                        return Outcome.VALUE;
                    }
                    if (ArithmeticLoops.wrap(to, truncated) != truncated) {
                        return Outcome.ERROR;
                    }
                    out.longs[row] = truncated;
                } else {
                    // Wider decimals test the value rounded to a double, as Spark's Decimal.roundToInt does.
                    double approximate = toDouble(value, row, scratch);
                    if (!(Math.floor(approximate) <= ArithmeticLoops.maximum(to)
                            && Math.ceil(approximate) >= ArithmeticLoops.minimum(to))) {
                        return Outcome.ERROR;
                    }
                    out.longs[row] = ArithmeticLoops.wrap(to, (int) approximate);
                }
            }
            case FLOAT -> {
                float converted = DecimalToFloating.toFloat(scratch.high, scratch.low, type.scale());
                // slow path where the exact rounding needs more than 128 bits
                out.doubles[row] = Float.isNaN(converted) ? value.bigDecimal(row).floatValue() : converted;
            }
            case DOUBLE -> out.doubles[row] = toDouble(value, row, scratch);
            case DECIMAL -> {
                boolean fits = scratch.fitsLong() ? DecimalArithmetic.storeLong(scratch.low, type.scale(), out, row)
                        : DecimalArithmetic.store(scratch, type.scale(), out, row);
                return fits ? Outcome.VALUE : failure;
            }
            default -> throw new IllegalStateException("no cast from a decimal to " + out.type);
        }
        return Outcome.VALUE;
    }

    /** The decimal correctly rounded to a double, as BigDecimal.doubleValue rounds it. */
    private static double toDouble(Column value, int row, Int128 scratch) {
        scratch.set(value.high(row), value.longs[row]);
        double converted = DecimalToFloating.toDouble(scratch.high, scratch.low, value.type.scale());
        // slow path where the exact rounding needs more than 128 bits
        return Double.isNaN(converted) ? value.bigDecimal(row).doubleValue() : converted;
    }

    private static Outcome fromString(byte[] input, Column out, int row, Outcome failure) {
        ValueKind to = out.type.kind();
        switch (to) {
            case BOOLEAN -> {
                int parsed = StringParsing.parseBoolean(input);
                if (parsed < 0) {
                    return failure;
                }
                out.longs[row] = parsed;
            }
            case BYTE, SHORT, INT, LONG -> {
                long parsed;
                try {
                    parsed = StringParsing.parseIntegral(input, to == ValueKind.LONG, failure == Outcome.NULL);
                } catch (NumberFormatException e) {
                    return failure;
                }
                if (ArithmeticLoops.wrap(to, parsed) != parsed) {
                    return failure;
                }
                out.longs[row] = parsed;
            }
            case FLOAT, DOUBLE -> {
                Double parsed = StringParsing.parseFloating(input, to == ValueKind.FLOAT);
                if (parsed == null) {
                    return failure;
                }
                out.doubles[row] = parsed;
            }
            case DATE -> {
                Long days = StringParsing.parseDate(input);
                if (days == null) {
                    return failure;
                }
                out.longs[row] = days;
            }
            case DECIMAL -> {
                BigDecimal parsed = StringParsing.parseDecimal(input);
                if (parsed == null) {
                    return failure;
                }
                return toDecimal(parsed, out, row, failure);
            }
            default -> throw new IllegalStateException("no cast from a string to " + out.type);
        }
        return Outcome.VALUE;
    }

    private static Outcome toDecimal(BigDecimal exact, Column out, int row, Outcome failure) {
        return DecimalArithmetic.storeBig(exact, out, row) ? Outcome.VALUE : failure;
    }
}
