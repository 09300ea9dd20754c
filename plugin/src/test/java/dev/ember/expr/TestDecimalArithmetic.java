package dev.ember.expr;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.MathContext;
import java.math.RoundingMode;
import java.util.List;
import java.util.Random;
import java.util.function.Supplier;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.DecimalVector;
import org.junit.jupiter.api.Test;

/**
 * The host's long and {@link Int128} decimal arithmetic against a BigDecimal reference that computes
 * the way Spark's {@code Decimal} does (the host's former implementation): random types and values
 * biased to the edges (nulls, zero, the largest values of a precision, values that overflow, halves
 * that round up, negative remainders, values around 2^63 and 2^64). The seed is printed; replay with
 * {@code -Dember.test.seed=<seed>}.
 */
class TestDecimalArithmetic {
    private static final MathContext SPARK_CONTEXT = new MathContext(39, RoundingMode.DOWN);
    private static final BigInteger LIMIT = BigInteger.ONE.shiftLeft(127);
    private static final int ROWS = 512;

    private final long seed = Long.getLong("ember.test.seed", System.nanoTime());
    private final Random random = new Random(seed);

    TestDecimalArithmetic() {
        System.out.println("TestDecimalArithmetic seed " + seed + " (replay with -Dember.test.seed=" + seed + ")");
    }

    // ---- the reference: Spark's Decimal semantics in BigDecimal ----

    /** Rounded half up to the scale, or null when it then has more digits than the precision. */
    private static BigDecimal fit(BigDecimal value, ValueType type) {
        BigDecimal rounded = value.setScale(type.scale(), RoundingMode.HALF_UP);
        return rounded.precision() > type.precision() ? null : rounded;
    }

    /** The reference result; null for overflow; throws ArithmeticException where Spark's remainder throws. */
    private static BigDecimal reference(Opcode opcode, BigDecimal left, BigDecimal right, ValueType type) {
        return switch (opcode) {
            case ADD -> fit(left.add(right), type);
            case SUBTRACT -> fit(left.subtract(right), type);
            case MULTIPLY -> fit(left.multiply(right, SPARK_CONTEXT), type);
            case DIVIDE -> fit(left.divide(right, 39, RoundingMode.DOWN), type);
            case REMAINDER -> fit(left.remainder(right, SPARK_CONTEXT), type);
            default -> throw new IllegalArgumentException(opcode.name());
        };
    }

    // ---- random types and values ----

    private ValueType randomType() {
        return switch (random.nextInt(8)) {
            case 0 -> ValueType.decimal(15, 2);
            case 1 -> ValueType.decimal(38, 10);
            case 2 -> ValueType.decimal(38, random.nextBoolean() ? 0 : 38);
            case 3 -> ValueType.decimal(18, random.nextInt(19));
            case 4 -> ValueType.decimal(19 + random.nextInt(2), random.nextInt(3));
            default -> {
                int precision = 1 + random.nextInt(38);
                yield ValueType.decimal(precision, random.nextInt(precision + 1));
            }
        };
    }

    /** A result type: often the widest (so that fewer rows overflow), else any. */
    private ValueType randomResultType() {
        if (random.nextBoolean()) {
            return ValueType.decimal(38, random.nextInt(39));
        }
        return randomType();
    }

    /** An unscaled value of at most {@code precision} digits, biased to the edges. */
    private BigInteger randomUnscaled(int precision) {
        BigInteger limit = BigInteger.TEN.pow(precision);
        BigInteger drawn = switch (random.nextInt(12)) {
            case 0 -> BigInteger.ZERO;
            case 1 -> limit.subtract(BigInteger.ONE);
            case 2 -> BigInteger.valueOf(random.nextInt(21) - 10);
            case 3 -> BigInteger.TEN.pow(random.nextInt(precision)).multiply(BigInteger.valueOf(5));
            case 4 -> BigInteger.ONE.shiftLeft(63).add(BigInteger.valueOf(random.nextInt(5) - 2));
            case 5 -> BigInteger.ONE.shiftLeft(64).add(BigInteger.valueOf(random.nextInt(5) - 2));
            case 6 -> limit.divide(BigInteger.TWO);
            default -> new BigInteger(precision * 4, random).mod(BigInteger.TEN.pow(1 + random.nextInt(precision)));
        };
        // case 2 draws down to -10, out of range at precision 1: bound the magnitude here, draw the sign last
        BigInteger value = drawn.abs();
        if (value.compareTo(limit) >= 0) {
            value = value.mod(limit);
        }
        return random.nextBoolean() ? value.negate() : value;
    }

    /** A column of random values of {@code type}, about one in ten null; {@code zeros} makes zeros common. */
    private Column randomColumn(ValueType type, boolean zeros) {
        Column column = new Column(type, ROWS);
        for (int row = 0; row < ROWS; row++) {
            if (random.nextInt(10) == 0) {
                column.nulls[row] = true;
            } else {
                BigInteger unscaled = zeros && random.nextInt(8) == 0 ? BigInteger.ZERO : randomUnscaled(type.precision());
                column.setDecimal(row, unscaled.shiftRight(64).longValue(), unscaled.longValue());
            }
        }
        return column;
    }

    private static Supplier<String> operands(Column left, Opcode opcode, Column right, int row) {
        return () -> left.type + " " + (left.nulls[row] ? "null" : left.bigDecimal(row)) + " " + opcode + " "
                + right.type + " " + (right.nulls[row] ? "null" : right.bigDecimal(row));
    }

    private static Instruction instruction(Opcode opcode, ValueType type, int operands, boolean ansi) {
        return Instruction.builder(opcode, type, operands).flag(Instruction.FLAG_FAIL_ON_ERROR, ansi).build();
    }

    private Supplier<String> describe(Supplier<String> what, ValueType type, int row) {
        return () -> what.get() + " -> " + type + " row " + row + " (seed " + seed + ")";
    }

    /** Asserts the row of {@code out} holds {@code expected} (null: overflow, a null row or an error in ANSI). */
    private void assertRow(Supplier<String> what, Column out, int row, BigDecimal expected, boolean ansi) {
        Supplier<String> context = describe(what, out.type, row);
        if (expected == null) {
            assertTrue(ansi ? out.poison[row] : out.nulls[row] && !out.poison[row],
                    () -> context.get() + ": expected " + (ansi ? "an error" : "null") + ", got " + out.bigDecimal(row));
            return;
        }
        assertTrue(out.isValue(row), () -> context.get() + ": expected " + expected + ", got null or an error");
        assertEquals(expected, out.bigDecimal(row), context);
    }

    // ---- the tests ----

    @Test
    void addSubtractMultiply() {
        for (int round = 0; round < 300; round++) {
            ValueType leftType = randomType();
            ValueType rightType = randomType();
            ValueType resultType = randomResultType();
            Column left = randomColumn(leftType, false);
            Column right = randomColumn(rightType, false);
            for (Opcode opcode : List.of(Opcode.ADD, Opcode.SUBTRACT, Opcode.MULTIPLY)) {
                boolean ansi = random.nextBoolean();
                Column out = ArithmeticLoops.addSubtractMultiply(instruction(opcode, resultType, 2, ansi), left, right);
                for (int row = 0; row < ROWS; row++) {
                    Supplier<String> what = operands(left, opcode, right, row);
                    if (left.nulls[row] || right.nulls[row]) {
                        assertTrue(out.nulls[row] && !out.poison[row], describe(what, resultType, row));
                        continue;
                    }
                    assertRow(what, out, row, reference(opcode, left.bigDecimal(row), right.bigDecimal(row), resultType),
                            ansi);
                }
            }
        }
    }

    @Test
    void divideAndRemainder() {
        for (int round = 0; round < 300; round++) {
            ValueType leftType = randomType();
            ValueType rightType = randomType();
            ValueType resultType = randomResultType();
            Column left = randomColumn(leftType, false);
            Column right = randomColumn(rightType, true);
            for (Opcode opcode : List.of(Opcode.DIVIDE, Opcode.REMAINDER)) {
                boolean ansi = random.nextBoolean();
                Column out = ArithmeticLoops.divideRemainder(instruction(opcode, resultType, 2, ansi), left, right);
                for (int row = 0; row < ROWS; row++) {
                    Supplier<String> what = operands(left, opcode, right, row);
                    if (left.nulls[row] || right.nulls[row]) {
                        assertTrue(out.nulls[row] && !out.poison[row], describe(what, resultType, row));
                        continue;
                    }
                    BigDecimal divisor = right.bigDecimal(row);
                    if (divisor.signum() == 0) {
                        assertTrue(ansi ? out.poison[row] : out.nulls[row], describe(what, resultType, row));
                        continue;
                    }
                    BigDecimal expected;
                    try {
                        expected = reference(opcode, left.bigDecimal(row), divisor, resultType);
                    } catch (ArithmeticException e) {
                        assertTrue(out.poison[row], describe(() -> what.get() + " throws in Spark", resultType, row));
                        continue;
                    }
                    assertRow(what, out, row, expected, ansi);
                }
            }
        }
    }

    @Test
    void negate() {
        for (int round = 0; round < 300; round++) {
            ValueType type = randomType();
            ValueType resultType = random.nextBoolean() ? type : randomResultType();
            Column value = randomColumn(type, false);
            Column out = ArithmeticLoops.negate(instruction(Opcode.NEGATE, resultType, 1, false), value);
            for (int row = 0; row < ROWS; row++) {
                if (value.nulls[row]) {
                    assertTrue(out.nulls[row], describe(() -> "-null", resultType, row));
                    continue;
                }
                BigDecimal negated = value.bigDecimal(row).negate(MathContext.DECIMAL128)
                        .setScale(resultType.scale(), RoundingMode.HALF_UP);
                // an overflowing negation is an error in every mode
                int at = row;
                assertRow(() -> "-" + value.bigDecimal(at), out, row,
                        negated.precision() > resultType.precision() ? null : negated, true);
            }
        }
    }

    @Test
    void compare() {
        for (int round = 0; round < 300; round++) {
            ValueType leftType = randomType();
            ValueType rightType = random.nextBoolean() ? leftType : randomType();
            Column left = randomColumn(leftType, false);
            Column right = randomColumn(rightType, false);
            for (int row = 0; row < ROWS; row++) {
                // equal values at different scales, and near misses
                if (random.nextInt(4) == 0 && !left.nulls[row] && !right.nulls[row]) {
                    BigDecimal near = left.bigDecimal(row).add(BigDecimal.valueOf(random.nextInt(3) - 1, rightType.scale()))
                            .setScale(rightType.scale(), RoundingMode.DOWN);
                    if (near.precision() - near.scale() <= rightType.precision() - rightType.scale()) {
                        right.setDecimal(row, near.unscaledValue().shiftRight(64).longValue(),
                                near.unscaledValue().longValue());
                    }
                }
            }
            for (Opcode opcode : List.of(Opcode.EQUAL, Opcode.LESS_THAN, Opcode.GREATER_THAN_OR_EQUAL)) {
                Column out = PredicateLoops.compare(opcode, left, right);
                for (int row = 0; row < ROWS; row++) {
                    if (left.nulls[row] || right.nulls[row]) {
                        assertTrue(out.nulls[row]);
                        continue;
                    }
                    int order = left.bigDecimal(row).compareTo(right.bigDecimal(row));
                    boolean expected = switch (opcode) {
                        case EQUAL -> order == 0;
                        case LESS_THAN -> order < 0;
                        default -> order >= 0;
                    };
                    int at = row;
                    assertEquals(expected ? 1 : 0, out.longs[row], () -> left.bigDecimal(at) + " " + opcode + " "
                            + right.bigDecimal(at) + " (seed " + seed + ")");
                }
            }
        }
    }

    @Test
    void castsAmongDecimalsIntegersAndFloatingPoint() {
        for (int round = 0; round < 300; round++) {
            ValueType from = randomType();
            ValueType to = randomType();
            boolean ansi = random.nextBoolean();
            Column value = randomColumn(from, false);
            Column decimals = CastLoops.cast(instruction(Opcode.CAST, to, 1, ansi), value);
            Column longs = CastLoops.cast(instruction(Opcode.CAST, ValueType.LONG, 1, false), value);
            Column doubles = CastLoops.cast(instruction(Opcode.CAST, ValueType.of(ValueKind.DOUBLE), 1, false), value);
            Column floats = CastLoops.cast(instruction(Opcode.CAST, ValueType.of(ValueKind.FLOAT), 1, false), value);
            for (int row = 0; row < ROWS; row++) {
                if (value.nulls[row]) {
                    assertTrue(decimals.nulls[row] && longs.nulls[row] && doubles.nulls[row]);
                    continue;
                }
                BigDecimal input = value.bigDecimal(row);
                Supplier<String> what = () -> "cast " + from + " " + input;
                assertRow(what, decimals, row, fit(input, to), ansi);
                assertEquals(input.toBigInteger().longValue(), longs.longs[row], describe(what, ValueType.LONG, row));
                assertEquals(input.doubleValue(), doubles.doubles[row], describe(what, doubles.type, row));
                assertEquals(input.floatValue(), (float) floats.doubles[row], describe(what, floats.type, row));
            }
        }
    }

    @Test
    void castsToDecimal() {
        for (int round = 0; round < 300; round++) {
            ValueType to = randomType();
            boolean ansi = random.nextBoolean();
            Column longs = new Column(ValueType.LONG, ROWS);
            Column doubles = new Column(ValueType.of(ValueKind.DOUBLE), ROWS);
            for (int row = 0; row < ROWS; row++) {
                long value = switch (random.nextInt(5)) {
                    case 0 -> random.nextLong();
                    case 1 -> random.nextBoolean() ? Long.MAX_VALUE : Long.MIN_VALUE;
                    default -> random.nextInt(2_000_001) - 1_000_000;
                };
                longs.longs[row] = value;
                doubles.doubles[row] = random.nextBoolean() ? value : value / 1000.0;
            }
            Column fromLongs = CastLoops.cast(instruction(Opcode.CAST, to, 1, ansi), longs);
            Column fromDoubles = CastLoops.cast(instruction(Opcode.CAST, to, 1, ansi), doubles);
            for (int row = 0; row < ROWS; row++) {
                long longValue = longs.longs[row];
                double doubleValue = doubles.doubles[row];
                assertRow(() -> "cast " + longValue, fromLongs, row, fit(BigDecimal.valueOf(longValue), to), ansi);
                assertRow(() -> "cast " + doubleValue, fromDoubles, row,
                        fit(new BigDecimal(Double.toString(doubles.doubles[row])), to), ansi);
            }
        }
    }

    @Test
    void int128AgainstBigInteger() {
        Int128 value = new Int128();
        for (int i = 0; i < 100_000; i++) {
            BigInteger a = randomInt128();
            BigInteger b = randomInt128();
            String context = a + ", " + b + " (seed " + seed + ")"; // cheap next to the BigInteger reference

            value.set(a);
            BigInteger product = a.multiply(b);
            boolean fits = product.abs().compareTo(LIMIT) < 0;
            assertEquals(fits, value.multiply(b.shiftRight(64).longValue(), b.longValue()), "multiply " + context);
            if (fits) {
                assertEquals(product, bigInteger(value), "multiply " + context);
            }

            value.set(a);
            BigInteger sum = a.add(b);
            fits = sum.bitLength() < 128;
            assertEquals(fits, value.add(b.shiftRight(64).longValue(), b.longValue()), "add " + context);
            if (fits) {
                assertEquals(sum, bigInteger(value), "add " + context);
            }

            if (b.signum() != 0) {
                value.set(a);
                value.divideHalfUp(b.shiftRight(64).longValue(), b.longValue());
                BigInteger expected = new BigDecimal(a).divide(new BigDecimal(b), 0, RoundingMode.HALF_UP)
                        .toBigIntegerExact();
                assertEquals(expected, bigInteger(value), "divide " + context);
                value.set(a);
                value.remainder(b.shiftRight(64).longValue(), b.longValue());
                assertEquals(a.remainder(b), bigInteger(value), "remainder " + context);
            }

            int digits = random.nextInt(45);
            value.set(a);
            BigInteger scaled = a.multiply(BigInteger.TEN.pow(digits));
            fits = scaled.abs().compareTo(LIMIT) < 0;
            assertEquals(fits, value.scaleUp(digits), "scaleUp " + digits + " " + context);
            if (fits) {
                assertEquals(scaled, bigInteger(value), "scaleUp " + digits + " " + context);
            }
            value.set(a);
            value.scaleDownHalfUp(digits);
            assertEquals(new BigDecimal(a).movePointLeft(digits).setScale(0, RoundingMode.HALF_UP).toBigIntegerExact(),
                    bigInteger(value), "scaleDownHalfUp " + digits + " " + context);
            value.set(a);
            value.scaleDownTruncating(digits);
            assertEquals(new BigDecimal(a).movePointLeft(digits).toBigInteger(), bigInteger(value),
                    "scaleDownTruncating " + digits + " " + context);

            value.set(a);
            int precision = random.nextInt(39);
            assertEquals(a.abs().compareTo(BigInteger.TEN.pow(precision)) < 0, value.fitsDigits(precision),
                    "fitsDigits " + precision + " " + context);
            assertEquals(Integer.signum(a.compareTo(b)), Integer.signum(Int128.compare(a.shiftRight(64).longValue(),
                    a.longValue(), b.shiftRight(64).longValue(), b.longValue())), "compare " + context);

            int scale = random.nextInt(39);
            double converted = DecimalToFloating.toDouble(value.high, value.low, scale);
            if (!Double.isNaN(converted)) {
                assertEquals(new BigDecimal(a, scale).doubleValue(), converted, "toDouble " + scale + " " + context);
            } else {
                assertTrue(scale > 30, "toDouble takes the slow path only above scale 30: " + scale + " " + context);
            }
            float single = DecimalToFloating.toFloat(value.high, value.low, scale);
            if (!Float.isNaN(single)) {
                assertEquals(new BigDecimal(a, scale).floatValue(), single, "toFloat " + scale + " " + context);
            }
        }
    }

    @Test
    void arrowRoundTrip() {
        try (RootAllocator allocator = new RootAllocator()) {
            for (ValueType type : List.of(ValueType.decimal(15, 2), ValueType.decimal(38, 10), ValueType.decimal(18, 0),
                    ValueType.decimal(19, 19))) {
                Column column = randomColumn(type, true);
                try (DecimalVector vector = new DecimalVector("d", allocator, type.precision(), type.scale())) {
                    vector.allocateNew(16);
                    ColumnIo.write(column, vector, 0);
                    vector.setValueCount(ROWS);
                    for (int row = 0; row < ROWS; row++) {
                        if (column.nulls[row]) {
                            assertTrue(vector.isNull(row));
                        } else {
                            assertEquals(column.bigDecimal(row), vector.getObject(row), "write " + type + " row " + row);
                        }
                    }
                    Column read = new Column(type, ROWS);
                    ColumnIo.read(vector, 0, read);
                    for (int row = 0; row < ROWS; row++) {
                        assertEquals(column.nulls[row], read.nulls[row]);
                        if (!column.nulls[row]) {
                            assertEquals(column.bigDecimal(row), read.bigDecimal(row), "read " + type + " row " + row);
                        }
                    }
                }
            }
        }
    }

    /** A value of magnitude below 2^127, biased to decimal edges and word boundaries. */
    private BigInteger randomInt128() {
        BigInteger value = switch (random.nextInt(10)) {
            case 0 -> BigInteger.valueOf(random.nextInt(21) - 10);
            case 1 -> BigInteger.TEN.pow(random.nextInt(39)).subtract(BigInteger.valueOf(random.nextInt(2)));
            case 2 -> BigInteger.ONE.shiftLeft(random.nextInt(127)).add(BigInteger.valueOf(random.nextInt(3) - 1));
            case 3 -> BigInteger.valueOf(random.nextLong());
            case 4 -> BigInteger.TEN.pow(random.nextInt(38)).multiply(BigInteger.valueOf(5));
            default -> new BigInteger(1 + random.nextInt(127), random);
        };
        if (value.abs().compareTo(LIMIT) >= 0) {
            value = value.mod(LIMIT.subtract(BigInteger.ONE));
        }
        return random.nextBoolean() ? value.negate() : value;
    }

    private static BigInteger bigInteger(Int128 value) {
        return value.toBigDecimal(0).toBigIntegerExact();
    }
}
