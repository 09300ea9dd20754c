package dev.ember.testkit;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.sql.Date;
import java.sql.Timestamp;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.DecimalType;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * Seeded random rows with the values that break engines: nulls, NaN, -0.0, infinities, empty and
 * multi-byte strings, minimum and maximum values, zeros. The seed is printed so a failure can be
 * replayed with {@code -Dember.test.seed=<seed>}.
 */
public final class RandomData {
    private static final String[] WORDS = {"", "x", "xy", "apple", "Apple", "banana", "a%b", "a_b", "ß", "日本語",
        "emoji 😀", " padded ", "xylophone", "12", "-7", "3.5", "true", "2020-02-29", "NaN"};

    private final Random random;
    private final long seed;
    private boolean extremes = true;

    private RandomData(long seed) {
        this.seed = seed;
        this.random = new Random(seed);
    }

    /** A generator seeded from {@code ember.test.seed} or the clock; prints the seed with the caller's name. */
    public static RandomData create(String purpose) {
        long seed = Long.getLong("ember.test.seed", System.nanoTime());
        System.out.println("RandomData seed for " + purpose + ": " + seed + " (replay with -Dember.test.seed=" + seed
                + ")");
        return new RandomData(seed);
    }

    /**
     * Whether integral values include their type's minimum and maximum (default true). Tables whose
     * queries compute arithmetic and must produce an answer, not Spark's overflow error, turn them off.
     */
    public RandomData extremes(boolean include) {
        this.extremes = include;
        return this;
    }

    public long seed() {
        return seed;
    }

    /** {@code count} rows of the schema; each column is null in about one row of {@code nullEvery}. */
    public List<Row> rows(StructType schema, int count, int nullEvery) {
        List<Row> rows = new ArrayList<>(count);
        for (int r = 0; r < count; r++) {
            Object[] values = new Object[schema.fields().length];
            for (int c = 0; c < values.length; c++) {
                StructField field = schema.fields()[c];
                values[c] = field.nullable() && random.nextInt(nullEvery) == 0 ? null : value(field.dataType());
            }
            rows.add(RowFactory.create(values));
        }
        return rows;
    }

    /** One random value of a type, edge values included often. */
    public Object value(DataType type) {
        boolean edge = random.nextInt(6) == 0;
        if (!extremes && isIntegral(type)) {
            edge = false;
        }
        if (type == DataTypes.BooleanType) {
            return random.nextBoolean();
        } else if (type == DataTypes.ByteType) {
            return edge ? pick(Byte.MIN_VALUE, Byte.MAX_VALUE, (byte) 0, (byte) -1) : (byte) (random.nextInt(41) - 20);
        } else if (type == DataTypes.ShortType) {
            return edge ? pick(Short.MIN_VALUE, Short.MAX_VALUE, (short) 0) : (short) (random.nextInt(2001) - 1000);
        } else if (type == DataTypes.IntegerType) {
            return edge ? pick(Integer.MIN_VALUE, Integer.MAX_VALUE, 0, -1) : random.nextInt(2001) - 1000;
        } else if (type == DataTypes.LongType) {
            return edge ? pick(Long.MIN_VALUE, Long.MAX_VALUE, 0L, -1L) : (long) (random.nextInt(200001) - 100000);
        } else if (type == DataTypes.FloatType) {
            return edge ? pick(Float.NaN, -0.0f, 0.0f, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, Float.MAX_VALUE,
                    Float.MIN_VALUE) : (float) (random.nextInt(20001) - 10000) / 8;
        } else if (type == DataTypes.DoubleType) {
            return edge ? pick(Double.NaN, -0.0, 0.0, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY,
                    Double.MAX_VALUE, Double.MIN_VALUE) : (random.nextInt(2000001) - 1000000) / 64.0;
        } else if (type instanceof DecimalType decimal) {
            return decimal(decimal, edge);
        } else if (type == DataTypes.DateType) {
            LocalDate day = edge ? pick(LocalDate.of(1, 1, 1), LocalDate.of(9999, 12, 31), LocalDate.of(1970, 1, 1),
                    LocalDate.of(1582, 10, 4), LocalDate.of(2000, 2, 29))
                    : LocalDate.of(1990, 1, 1).plusDays(random.nextInt(15000));
            return Date.valueOf(day);
        } else if (type == DataTypes.TimestampType) {
            long seconds = 631152000L + random.nextInt(900_000_000);
            Timestamp timestamp = new Timestamp(seconds * 1000);
            timestamp.setNanos(random.nextInt(1_000_000) * 1000);
            return timestamp;
        } else if (type == DataTypes.StringType) {
            return WORDS[random.nextInt(WORDS.length)];
        }
        throw new IllegalArgumentException("no random values for " + type.simpleString());
    }

    private BigDecimal decimal(DecimalType type, boolean edge) {
        BigInteger max = BigInteger.TEN.pow(type.precision()).subtract(BigInteger.ONE);
        if (edge) {
            BigInteger unscaled = pick(max, max.negate(), BigInteger.ZERO, BigInteger.ONE);
            return new BigDecimal(unscaled, type.scale());
        }
        int digits = 1 + random.nextInt(Math.min(type.precision(), 12));
        BigInteger unscaled = new BigInteger(digits * 3, random).mod(BigInteger.TEN.pow(digits));
        return new BigDecimal(random.nextBoolean() ? unscaled : unscaled.negate(), type.scale());
    }

    private static boolean isIntegral(DataType type) {
        return type == DataTypes.ByteType || type == DataTypes.ShortType || type == DataTypes.IntegerType
                || type == DataTypes.LongType;
    }

    @SafeVarargs
    private <T> T pick(T... choices) {
        return choices[random.nextInt(choices.length)];
    }
}
