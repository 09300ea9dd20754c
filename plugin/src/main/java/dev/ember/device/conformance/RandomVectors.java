package dev.ember.device.conformance;

import dev.ember.columnar.ArrowTypes;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.Consumer;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.BitVector;
import org.apache.arrow.vector.DateDayVector;
import org.apache.arrow.vector.DecimalVector;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.Float4Vector;
import org.apache.arrow.vector.Float8Vector;
import org.apache.arrow.vector.IntVector;
import org.apache.arrow.vector.SmallIntVector;
import org.apache.arrow.vector.TimeStampMicroTZVector;
import org.apache.arrow.vector.TinyIntVector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;

/**
 * Seeded random Arrow vectors of every type Ember carries ({@link ArrowTypes}), with nulls, edge
 * values (minimum, maximum, NaN, -0.0, empty and multi-byte strings) and random bit patterns. Public for
 * the inputs of {@code ember bench kernels}, which checks its results with the same comparison
 * ({@link VectorAssertions#firstDifference}). Not thread-safe: one instance draws from one {@link Random}.
 */
public final class RandomVectors {

    /** Every Spark type of Ember's columnar path, one column each. */
    static final List<DataType> TYPES = List.of(DataTypes.BooleanType, DataTypes.ByteType, DataTypes.ShortType,
            DataTypes.IntegerType, DataTypes.LongType, DataTypes.FloatType, DataTypes.DoubleType,
            DataTypes.createDecimalType(38, 10), DataTypes.createDecimalType(9, 2), DataTypes.DateType,
            DataTypes.TimestampType, DataTypes.StringType);

    /** Column positions in {@link #TYPES}, as the checks name them. */
    static final class Column {
        static final int BOOLEAN = 0;
        static final int BYTE = 1;
        static final int SHORT = 2;
        static final int INT = 3;
        static final int LONG = 4;
        static final int FLOAT = 5;
        static final int DOUBLE = 6;
        static final int DECIMAL_38 = 7;
        static final int DECIMAL_9 = 8;
        static final int DATE = 9;
        static final int TIMESTAMP = 10;
        static final int STRING = 11;

        private Column() {}
    }

    private static final String[] WORDS = {"", "a", "ß", "日本語", "emoji 😀", "padded  ", "x".repeat(300)};

    private final Random random;

    public RandomVectors(long seed) {
        this.random = new Random(seed);
    }

    Random random() {
        return random;
    }

    /** A boolean column of {@code rows} values; {@code nullShare} and {@code trueShare} in [0, 1]. */
    public BitVector flags(int rows, double nullShare, double trueShare, BufferAllocator allocator) {
        BitVector flags = new BitVector("flags", allocator);
        flags.allocateNew(rows);
        for (int row = 0; row < rows; row++) {
            if (random.nextDouble() < nullShare) {
                flags.setNull(row);
            } else {
                flags.set(row, random.nextDouble() < trueShare ? 1 : 0);
            }
        }
        flags.setValueCount(rows);
        return flags;
    }

    /** One column per type of {@link #TYPES}; each value is null with probability {@code nullShare}. */
    List<FieldVector> columns(int rows, double nullShare, BufferAllocator allocator) {
        List<FieldVector> columns = new ArrayList<>();
        try {
            for (DataType type : TYPES) {
                columns.add(column(type, rows, nullShare, allocator));
            }
            return columns;
        } catch (RuntimeException e) {
            columns.forEach(FieldVector::close);
            throw e;
        }
    }

    /** Indices into a column of {@code limit} rows, with repeats and in random order. */
    public IntVector indices(int count, int limit, BufferAllocator allocator) {
        IntVector indices = new IntVector("indices", allocator);
        indices.allocateNew(count);
        for (int i = 0; i < count; i++) {
            indices.set(i, random.nextInt(limit));
        }
        indices.setValueCount(count);
        return indices;
    }

    /** One column of {@code type}; each value is null with probability {@code nullShare}. */
    public FieldVector column(DataType type, int rows, double nullShare, BufferAllocator allocator) {
        return filled(ArrowTypes.newVector(type.simpleString(), type, allocator), rows, nullShare,
                row -> setRandom(row.vector(), row.index()));
    }

    /**
     * A key column of {@code rows} values of {@code type} (int or bigint) drawn uniformly from
     * {@code [0, distinct)}, so that joins match and groupings repeat at a chosen rate (or, with a large
     * {@code distinct}, bigints that no small arithmetic overflows); each value is null with probability
     * {@code nullShare}.
     */
    public FieldVector keys(DataType type, int rows, int distinct, double nullShare, BufferAllocator allocator) {
        if (distinct < 1) {
            throw new IllegalArgumentException("distinct must be at least 1, got " + distinct);
        }
        if (!type.equals(DataTypes.IntegerType) && !type.equals(DataTypes.LongType)) {
            throw new IllegalArgumentException("keys are int or bigint, not " + type.simpleString());
        }
        return filled(ArrowTypes.newVector("key", type, allocator), rows, nullShare, row -> {
            if (row.vector() instanceof IntVector ints) {
                ints.set(row.index(), random.nextInt(distinct));
            } else {
                ((BigIntVector) row.vector()).set(row.index(), random.nextInt(distinct));
            }
        });
    }

    /** A row of a vector being filled. */
    private record Row(FieldVector vector, int index) {}

    /**
     * Fills {@code rows} rows of a new vector: null with probability {@code nullShare}, else by {@code setValue};
     * closes the vector when filling fails.
     */
    private FieldVector filled(FieldVector vector, int rows, double nullShare, Consumer<Row> setValue) {
        try {
            vector.setInitialCapacity(rows);
            vector.allocateNew();
            for (int row = 0; row < rows; row++) {
                if (random.nextDouble() < nullShare) {
                    vector.setNull(row);
                } else {
                    setValue.accept(new Row(vector, row));
                }
            }
            vector.setValueCount(rows);
            return vector;
        } catch (RuntimeException e) {
            vector.close();
            throw e;
        }
    }

    private void setRandom(FieldVector vector, int row) {
        boolean edge = random.nextInt(10) == 0;
        if (vector instanceof BitVector v) {
            v.setSafe(row, random.nextBoolean() ? 1 : 0);
        } else if (vector instanceof TinyIntVector v) {
            v.setSafe(row, edge ? (random.nextBoolean() ? Byte.MIN_VALUE : Byte.MAX_VALUE) : (byte) random.nextInt());
        } else if (vector instanceof SmallIntVector v) {
            v.setSafe(row, edge ? Short.MIN_VALUE : (short) random.nextInt());
        } else if (vector instanceof IntVector v) {
            v.setSafe(row, edge ? Integer.MAX_VALUE : random.nextInt());
        } else if (vector instanceof BigIntVector v) {
            v.setSafe(row, edge ? Long.MIN_VALUE : random.nextLong());
        } else if (vector instanceof Float4Vector v) {
            v.setSafe(row, edge ? Float.NaN : Float.intBitsToFloat(random.nextInt()));
        } else if (vector instanceof Float8Vector v) {
            v.setSafe(row, edge ? -0.0 : Double.longBitsToDouble(random.nextLong()));
        } else if (vector instanceof DecimalVector v) {
            int digits = Math.min(v.getPrecision(), 30);
            BigInteger unscaled = new BigInteger(digits * 3, random).mod(BigInteger.TEN.pow(digits));
            v.setSafe(row, new BigDecimal(random.nextBoolean() ? unscaled : unscaled.negate(), v.getScale()));
        } else if (vector instanceof DateDayVector v) {
            v.setSafe(row, random.nextInt(100_000) - 50_000);
        } else if (vector instanceof TimeStampMicroTZVector v) {
            v.setSafe(row, random.nextLong() / 1000);
        } else if (vector instanceof VarCharVector v) {
            String text = edge ? WORDS[random.nextInt(WORDS.length)] : randomText();
            v.setSafe(row, text.getBytes(StandardCharsets.UTF_8));
        } else {
            throw new IllegalArgumentException("no random values for " + vector.getClass().getSimpleName());
        }
    }

    private String randomText() {
        int length = random.nextInt(12);
        StringBuilder text = new StringBuilder(length);
        for (int i = 0; i < length; i++) {
            text.append(random.nextInt(8) == 0 ? 'é' : (char) ('a' + random.nextInt(26)));
        }
        return text.toString();
    }
}
