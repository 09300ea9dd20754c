package dev.ember.device.conformance;

import dev.ember.columnar.ArrowTypes;
import dev.ember.device.Device;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
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

/**
 * Rows of every type of {@link RandomVectors#TYPES} drawn from a pool of random values and of the edge
 * values a kernel gets wrong first: -0.0 and 0.0, NaN of several bit patterns, infinities, minimum and
 * maximum values, decimals on both sides of every two's complement byte-length boundary, empty strings
 * and strings of every length modulo 4 whose bytes have the high bit set. The rows repeat pool values
 * as a {@link RowShape} says.
 */
final class EdgeValues {

    private static final String[] STRINGS = {"", "a", "ab", "abc", "abcd", "abcde", "é", "éé", "日本語", "😀", "x".repeat(300)};

    private EdgeValues() {}

    /** New columns of {@code rows} rows, owned by the caller; {@code host} builds them (concatenate, gather). */
    static List<FieldVector> rows(RandomVectors random, int rows, RowShape shape,
            Device host, BufferAllocator allocator) {
        List<FieldVector> randomPart = random.columns(Math.max(rows, 1), 0.15, allocator);
        List<FieldVector> pool;
        try {
            List<FieldVector> edges = edgeColumns(allocator);
            try {
                pool = host.concatenate(List.of(randomPart, edges), randomPart, allocator);
            } finally {
                edges.forEach(FieldVector::close);
            }
        } finally {
            randomPart.forEach(FieldVector::close);
        }
        try (IntVector indices = indices(random.random(), rows, pool.get(0).getValueCount(), shape, allocator)) {
            return host.gather(pool, indices, allocator);
        } finally {
            pool.forEach(FieldVector::close);
        }
    }

    private static IntVector indices(Random random, int count, int poolRows, RowShape shape,
            BufferAllocator allocator) {
        int[] few = random.ints(5, 0, poolRows).toArray();
        int hot = random.nextInt(poolRows);
        // the edge values sit at the end of the pool: make sure the rows use them
        int edgeStart = Math.max(0, poolRows - 64);
        IntVector indices = new IntVector("indices", allocator);
        indices.allocateNew(Math.max(count, 1));
        for (int i = 0; i < count; i++) {
            int index = switch (shape) {
                case DISTINCT -> random.nextInt(4) == 0 ? edgeStart + random.nextInt(poolRows - edgeStart)
                        : random.nextInt(poolRows);
                case FEW_KEYS -> few[random.nextInt(few.length)];
                case HOT_KEY -> random.nextInt(10) == 0 ? random.nextInt(poolRows) : hot;
            };
            indices.set(i, index);
        }
        indices.setValueCount(count);
        return indices;
    }

    /** One column per type of {@link RandomVectors#TYPES} holding its edge values and a null. */
    static List<FieldVector> edgeColumns(BufferAllocator allocator) {
        List<FieldVector> columns = new ArrayList<>();
        try {
            for (DataType type : RandomVectors.TYPES) {
                columns.add(edgeColumn(type, allocator));
            }
            // every column holds as many rows as the longest list of edges: the rest repeat its last edge
            int rows = columns.stream().mapToInt(FieldVector::getValueCount).max().orElse(0);
            for (FieldVector column : columns) {
                int filled = column.getValueCount();
                for (int row = filled; row < rows; row++) {
                    column.copyFromSafe(filled - 1, row, column);
                }
                column.setValueCount(rows);
            }
            return columns;
        } catch (RuntimeException e) {
            columns.forEach(FieldVector::close);
            throw e;
        }
    }

    private static FieldVector edgeColumn(DataType type, BufferAllocator allocator) {
        FieldVector vector = ArrowTypes.newVector(type.simpleString(), type, allocator);
        vector.allocateNew();
        int row = 0;
        vector.setNull(row++);
        if (vector instanceof BitVector v) {
            v.setSafe(row++, 1);
            v.setSafe(row++, 0);
        } else if (vector instanceof TinyIntVector v) {
            for (byte value : new byte[] {Byte.MIN_VALUE, Byte.MAX_VALUE, 0, -1}) {
                v.setSafe(row++, value);
            }
        } else if (vector instanceof SmallIntVector v) {
            for (short value : new short[] {Short.MIN_VALUE, Short.MAX_VALUE, 0, -1}) {
                v.setSafe(row++, value);
            }
        } else if (vector instanceof IntVector v) {
            for (int value : new int[] {Integer.MIN_VALUE, Integer.MAX_VALUE, 0, -1}) {
                v.setSafe(row++, value);
            }
        } else if (vector instanceof BigIntVector v) {
            for (long value : new long[] {Long.MIN_VALUE, Long.MAX_VALUE, 0, -1}) {
                v.setSafe(row++, value);
            }
        } else if (vector instanceof Float4Vector v) {
            for (int bits : new int[] {0, 0x80000000, 0x7fc00000, 0x7fc00001, 0xffc00000, 0x7f800001, 0x7f800000,
                    0xff800000, 1}) {
                v.setSafe(row++, Float.intBitsToFloat(bits));
            }
        } else if (vector instanceof Float8Vector v) {
            for (long bits : new long[] {0L, 0x8000000000000000L, 0x7ff8000000000000L, 0x7ff8000000000001L,
                    0xfff8000000000000L, 0x7ff0000000000001L, 0x7ff0000000000000L, 0xfff0000000000000L, 1L}) {
                v.setSafe(row++, Double.longBitsToDouble(bits));
            }
        } else if (vector instanceof DecimalVector v) {
            for (BigInteger unscaled : decimalEdges(v.getPrecision())) {
                v.setSafe(row++, new BigDecimal(unscaled, v.getScale()));
            }
        } else if (vector instanceof DateDayVector v) {
            for (int value : new int[] {Integer.MIN_VALUE, Integer.MAX_VALUE, 0, -1}) {
                v.setSafe(row++, value);
            }
        } else if (vector instanceof TimeStampMicroTZVector v) {
            for (long value : new long[] {Long.MIN_VALUE, Long.MAX_VALUE, 0, -1}) {
                v.setSafe(row++, value);
            }
        } else if (vector instanceof VarCharVector v) {
            for (String value : STRINGS) {
                v.setSafe(row++, value.getBytes(StandardCharsets.UTF_8));
            }
        } else {
            vector.close();
            throw new IllegalArgumentException("no edge values for " + vector.getClass().getSimpleName());
        }
        vector.setValueCount(row);
        return vector;
    }

    /** 0, +-1, the largest values of the precision, and +-2^(8k-1) and their neighbours that fit it. */
    private static List<BigInteger> decimalEdges(int precision) {
        BigInteger limit = BigInteger.TEN.pow(precision);
        List<BigInteger> values = new ArrayList<>(List.of(BigInteger.ZERO, BigInteger.ONE, BigInteger.ONE.negate(),
                limit.subtract(BigInteger.ONE), limit.subtract(BigInteger.ONE).negate()));
        for (int bits = 7; bits < 128; bits += 8) {
            BigInteger power = BigInteger.ONE.shiftLeft(bits);
            for (BigInteger value : List.of(power.subtract(BigInteger.ONE), power, power.negate(),
                    power.negate().subtract(BigInteger.ONE))) {
                if (value.abs().compareTo(limit) < 0) {
                    values.add(value);
                }
            }
        }
        return values;
    }
}
