package dev.ember.fuzz.data;

import dev.ember.fuzz.FuzzType;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Instant;
import java.time.LocalDate;
import java.util.Random;

/**
 * Seeded values for generated tables, with the values engines get wrong: NaN, -0.0 and infinities,
 * empty and multi-byte strings, dates and timestamps at the ends of their ranges, and (in tables with
 * extremes) each integral and decimal type's minimum and maximum.
 *
 * <p>Ordinary values come from small domains so that joins match and groups collide. Floating values
 * are multiples of 1/8 of modest size, so that sums of them are exact and do not depend on the order
 * in which Spark or Ember adds them.
 */
final class Values {
    static final String[] WORDS = {"", "a", "ab", "abc", "b", "B", "apple", "Apple", "a%b", "a_b", "ß", "日本語",
        "emoji 😀", " padded ", "12", "-7", "3.5", "NaN", "true", "2000-02-29"};
    private static final LocalDate BASE_DAY = LocalDate.of(2000, 2, 25);
    private static final Instant BASE_INSTANT = Instant.parse("2000-02-28T23:59:58Z");

    private final Random random;

    Values(Random random) {
        this.random = random;
    }

    /** A random value of {@code type}; {@code extremes} allows integral and decimal minimums and maximums. */
    Object value(FuzzType type, boolean extremes) {
        boolean edge = random.nextInt(6) == 0;
        return switch (type) {
            case BOOLEAN -> random.nextBoolean();
            case BYTE -> edge && extremes ? pick(Byte.MIN_VALUE, Byte.MAX_VALUE) : (byte) small();
            case SHORT -> edge && extremes ? pick(Short.MIN_VALUE, Short.MAX_VALUE) : (short) small();
            case INT -> edge && extremes ? pick(Integer.MIN_VALUE, Integer.MAX_VALUE) : small();
            case LONG -> edge && extremes ? pick(Long.MIN_VALUE, Long.MAX_VALUE) : (long) small();
            case FLOAT -> edge ? pick(Float.NaN, -0.0f, 0.0f, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY)
                    : small() / 8.0f;
            case DOUBLE -> edge ? pick(Double.NaN, -0.0, 0.0, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY)
                    : small() / 8.0;
            case DECIMAL_5_2, DECIMAL_18_4, DECIMAL_25_5, DECIMAL_38_10 -> decimal(type, edge && extremes);
            case STRING -> WORDS[random.nextInt(WORDS.length)];
            case DATE -> edge ? pick(LocalDate.of(1, 1, 1), LocalDate.of(9999, 12, 31), LocalDate.of(1582, 10, 4),
                    LocalDate.of(1582, 10, 15), LocalDate.of(1970, 1, 1)) : BASE_DAY.plusDays(random.nextInt(9));
            case TIMESTAMP -> edge ? pick(Instant.EPOCH, Instant.parse("1900-01-01T00:00:00Z"),
                    Instant.parse("9999-12-31T23:59:59.999999Z")) : BASE_INSTANT.plusSeconds(random.nextInt(5) * 3600L)
                    .plusNanos(random.nextInt(3) * 1000L);
        };
    }

    /** Skewed small integers: about a third of them 1, the rest in [-20, 20]. */
    int small() {
        return random.nextInt(3) == 0 ? 1 : random.nextInt(41) - 20;
    }

    private BigDecimal decimal(FuzzType type, boolean edge) {
        int scale = ((org.apache.spark.sql.types.DecimalType) type.sparkType()).scale();
        if (edge) {
            BigInteger max = BigInteger.TEN.pow(type.precision()).subtract(BigInteger.ONE);
            return new BigDecimal(random.nextBoolean() ? max : max.negate(), scale);
        }
        // a few digits either side of the point, so that equal values recur
        BigDecimal whole = BigDecimal.valueOf(small());
        BigDecimal fraction = BigDecimal.valueOf(random.nextInt(4) * 25L, 2);
        return whole.add(fraction).setScale(scale);
    }

    @SafeVarargs
    private <T> T pick(T... choices) {
        return choices[random.nextInt(choices.length)];
    }
}
