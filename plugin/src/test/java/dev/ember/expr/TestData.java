package dev.ember.expr;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.apache.spark.sql.types.Decimal;
import org.apache.spark.unsafe.types.UTF8String;

/**
 * Random column values in Catalyst's internal representation, biased towards the edges: nulls,
 * zero, minimum and maximum values, NaN, -0.0, infinities, empty and multi-byte strings, decimals
 * at their full precision, and strings that look like numbers.
 */
final class TestData {
    static final List<String> STRINGS = List.of("", " ", "a", "abc", "ABC", "abcabc", "héllo", "日本語", "😀x", "x😀",
            "a%b", "a_b", "a\\b", "%", "_", "ab\nc", "\t7\n", " 12 ", "12", "-0", "+5", "-", "+", ".", "1.", ".5",
            "1.5", "-1.9", "1e3", "1E-2", "abc1", "2147483647", "2147483648", "-2147483648", "-2147483649",
            "9223372036854775807", "9223372036854775808", "-9223372036854775808", "127", "128", "-129", "32768",
            "NaN", "nan", "inf", "-Infinity", "+INF", "Infinity", "1d", "2f", "0x10", "1,000", "true", "YES", " f ",
            "T", "no", "1\u007f", "\u007f1", "0001", "00.000", "99999999999999999999.5", "1e40", "-1e-40",
            "12345678901234567890123456789012345678", "123456789012345678901234567890123456789", " 3 4", "４２",
            "2020-01-01", " 2020-1-1 ", "2020", "2020-02", "2020-02-30", "2020-01-01T12:00", "2020-01-01 x",
            "+2020-01-01", "-0001-01-01", "10000-01-01", "2020/01/01", "20200101", "\t2020-01-01", "0000-01-01",
            "999999-01-01", "12345678-01-01", "2020-1-1T", "2020 x", "2020-", "2020-01-", "2020-001-01",
            "2020-01-1x", "-2020", "1999-12-31T", "2021-02-29", "2024-02-29");
    private static final String ALPHABET = "abcAé日😀%_\\ 1.";

    private TestData() {}

    static List<Object> column(ValueType type, int rows, Random random) {
        List<Object> values = new ArrayList<>(rows);
        for (int i = 0; i < rows; i++) {
            values.add(random.nextInt(12) == 0 ? null : value(type, random));
        }
        return values;
    }

    static Object value(ValueType type, Random random) {
        return switch (type.kind()) {
            case BOOLEAN -> random.nextBoolean();
            case BYTE -> (byte) integral(random, Byte.MIN_VALUE, Byte.MAX_VALUE);
            case SHORT -> (short) integral(random, Short.MIN_VALUE, Short.MAX_VALUE);
            case INT -> (int) integral(random, Integer.MIN_VALUE, Integer.MAX_VALUE);
            case LONG -> integral(random, Long.MIN_VALUE, Long.MAX_VALUE);
            case FLOAT -> (float) floating(random, true);
            case DOUBLE -> floating(random, false);
            case DECIMAL -> decimal(type, random);
            case DATE -> switch (random.nextInt(7)) {
                case 0 -> 0;
                case 6 -> random.nextInt(6_000_000) - 3_000_000;
                case 1 -> -719162 + random.nextInt(3);
                case 2 -> 2932896 - random.nextInt(3);
                default -> random.nextInt(80000) - 30000;
            };
            case TIMESTAMP -> random.nextLong() / 1000;
            case STRING -> UTF8String.fromString(string(random));
        };
    }

    private static long integral(Random random, long minimum, long maximum) {
        return switch (random.nextInt(10)) {
            case 0 -> minimum;
            case 1 -> maximum;
            case 2 -> minimum + 1;
            case 3 -> maximum - 1;
            case 4, 5 -> random.nextInt(7) - 3;
            case 6 -> random.nextInt(200) - 100;
            default -> minimum + (long) (random.nextDouble() * ((double) maximum - (double) minimum));
        };
    }

    private static double floating(Random random, boolean single) {
        double[] specials = {Double.NaN, -0.0, 0.0, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY,
            single ? Float.MAX_VALUE : Double.MAX_VALUE, single ? Float.MIN_VALUE : Double.MIN_VALUE,
            2147483647.0, 2147483648.0, -2147483649.0, 9.223372036854775807E18, -9.223372036854775808E18,
            127.5, -128.9, 32767.99, 0.5, -0.5, 1.5, 2.5, 1e-7, 1e20};
        return switch (random.nextInt(6)) {
            case 0, 1 -> specials[random.nextInt(specials.length)];
            case 2 -> random.nextInt(21) - 10;
            case 3 -> (random.nextInt(2001) - 1000) / 8.0;
            default -> (random.nextDouble() - 0.5) * Math.pow(10, random.nextInt(40) - 10);
        };
    }

    private static Decimal decimal(ValueType type, Random random) {
        int precision = type.precision();
        BigInteger unscaled = switch (random.nextInt(8)) {
            case 0 -> BigInteger.TEN.pow(precision).subtract(BigInteger.ONE);
            case 1 -> BigInteger.TEN.pow(precision).subtract(BigInteger.ONE).negate();
            case 2 -> BigInteger.ZERO;
            case 3 -> BigInteger.valueOf(random.nextInt(21) - 10).multiply(BigInteger.TEN.pow(type.scale()));
            case 4 -> BigInteger.valueOf(random.nextInt(2001) - 1000);
            default -> {
                int digits = 1 + random.nextInt(precision);
                BigInteger value = new BigInteger(digits * 4, random).mod(BigInteger.TEN.pow(digits));
                yield random.nextBoolean() ? value : value.negate();
            }
        };
        if (unscaled.abs().compareTo(BigInteger.TEN.pow(precision)) >= 0) {
            unscaled = BigInteger.ONE;
        }
        BigDecimal value = new BigDecimal(unscaled, type.scale());
        return compact(value, type);
    }

    /** A Decimal as Spark's rows hold it: a compact long up to 18 digits, a BigDecimal above. */
    static Decimal compact(BigDecimal value, ValueType type) {
        return type.precision() <= 18
                ? Decimal.apply(value.unscaledValue().longValueExact(), type.precision(), type.scale())
                : Decimal.apply(value, type.precision(), type.scale());
    }

    private static String string(Random random) {
        if (random.nextInt(3) > 0) {
            return STRINGS.get(random.nextInt(STRINGS.size()));
        }
        int length = random.nextInt(8);
        StringBuilder text = new StringBuilder();
        int[] codePoints = ALPHABET.codePoints().toArray();
        for (int i = 0; i < length; i++) {
            text.appendCodePoint(codePoints[random.nextInt(codePoints.length)]);
        }
        return text.toString();
    }

    static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
