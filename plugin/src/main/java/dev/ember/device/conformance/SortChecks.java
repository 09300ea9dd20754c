package dev.ember.device.conformance;

import static dev.ember.device.conformance.VectorAssertions.assertEquals;
import static dev.ember.device.conformance.VectorAssertions.assertSameVector;

import dev.ember.device.Device.SortKey;
import dev.ember.device.Primitive;
import dev.ember.device.cuda.CudaDevice;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.BaseVariableWidthVector;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.IntVector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.spark.sql.types.DataTypes;

/**
 * The conformance checks of {@code sortIndices} (sort and top-N): both devices sort the same seeded keys,
 * which must give identical positions, ties included (an {@link AssertionError} names the first difference
 * and the seed). The keys are every column of {@link EdgeValues#rows} plus a column of short strings (zero
 * bytes, high bytes, shared prefixes) and, in {@link #longStrings}, columns of long strings that share long
 * prefixes (past a {@link CudaDevice}'s radix prefix and past 256 bytes), differ only after them or only in
 * length, and hold zero bytes, which its kernels sort through the tie-break. A {@link CudaDevice} must sort
 * every one of them on its kernels (no call on the host). The JUnit tests {@code TestSortConformance} and
 * {@code TestSortTieBreakConformance} call these with many sizes; {@link ConformanceSuite} with a few.
 */
final class SortChecks {

    /** The four directions of a key: ascending or descending, nulls first or last. */
    static final List<SortKey> ORDERS = List.of(new SortKey(true, true), new SortKey(true, false),
            new SortKey(false, true), new SortKey(false, false));

    /** Lengths of the shared stem that the long strings start with: around 32 bytes, 256 bytes and beyond. */
    private static final int[] STEM_LENGTHS = {0, 1, 2, 3, 31, 32, 33, 34, 64, 255, 256, 257, 300, 520};

    private SortChecks() {}

    /**
     * Each column alone in each of {@link #ORDERS}; on a {@link CudaDevice}, every column sorts on the kernels.
     * Returns the byte length of the longest string the columns hold (0 with none), so that a caller can tell
     * whether a sort on a string prefix of a given length had ties to break.
     */
    static int eachKeyInEveryDirection(DevicePair pair, int rows, RowShape shape) {
        RandomVectors random = new RandomVectors(pair.seed() ^ (rows * 7919L) ^ shape.ordinal());
        List<FieldVector> columns = withShortStrings(
                EdgeValues.rows(random, rows, shape, pair.host(), pair.allocator()), random, rows, shape,
                pair.allocator());
        try {
            for (FieldVector column : columns) {
                long hostCallsBefore = pair.hostCalls(Primitive.SORT_INDICES);
                for (SortKey order : ORDERS) {
                    sameSort(pair, List.of(column), List.of(order), rows, -1, "column " + column.getField() + " "
                            + order);
                }
                assertEquals(hostCallsBefore, pair.hostCalls(Primitive.SORT_INDICES),
                        "column " + column.getField() + " sorts on kernels, seed " + pair.seed());
            }
            return longestString(columns);
        } finally {
            columns.forEach(FieldVector::close);
        }
    }

    private static int longestString(List<FieldVector> columns) {
        int longest = 0;
        for (FieldVector column : columns) {
            if (column instanceof BaseVariableWidthVector strings) {
                for (int row = 0; row < strings.getValueCount(); row++) {
                    if (!strings.isNull(row)) {
                        longest = Math.max(longest, strings.getValueLength(row));
                    }
                }
            }
        }
        return longest;
    }

    /**
     * {@code rounds} random choices of one to four keys in random directions with a random limit (none, up to
     * past the row count, a small top-N), over all rows and over the first half of them.
     */
    static void severalKeysAndLimits(DevicePair pair, int rows, RowShape shape, int rounds) {
        RandomVectors random = new RandomVectors(pair.seed() ^ (rows * 104_729L) ^ shape.ordinal());
        List<FieldVector> columns = withShortStrings(
                EdgeValues.rows(random, rows, shape, pair.host(), pair.allocator()), random, rows, shape,
                pair.allocator());
        Random draw = random.random();
        try {
            for (int round = 0; round < rounds; round++) {
                int keyCount = 1 + draw.nextInt(4);
                List<FieldVector> keys = new ArrayList<>();
                List<SortKey> orders = new ArrayList<>();
                for (int k = 0; k < keyCount; k++) {
                    keys.add(columns.get(draw.nextInt(columns.size())));
                    orders.add(ORDERS.get(draw.nextInt(ORDERS.size())));
                }
                sameSortWithLimit(pair, keys, orders, rows, round, draw);
            }
        } finally {
            columns.forEach(FieldVector::close);
        }
    }

    /**
     * An int key, and a byte and a double key with a top-1000 limit, over {@code rows} rows: the per-tile
     * kernels have one thread per 256-row tile, so 270,000 rows need grid-stride iterations.
     */
    static void manyTiles(DevicePair pair, int rows) {
        BufferAllocator allocator = pair.allocator();
        RandomVectors random = new RandomVectors(pair.seed() ^ 0x7175);
        try (FieldVector ints = random.column(DataTypes.IntegerType, rows, 0.1, allocator);
                FieldVector doubles = random.column(DataTypes.DoubleType, rows, 0.1, allocator);
                FieldVector bytes = random.column(DataTypes.ByteType, rows, 0.1, allocator)) {
            sameSort(pair, List.of(ints), List.of(ORDERS.get(1)), rows, -1, "int");
            sameSort(pair, List.of(bytes, doubles), List.of(ORDERS.get(2), ORDERS.get(0)), rows, 1000,
                    "byte, double (top 1000)");
        }
    }

    /** No key at all: the input order, under several limits. */
    static void noKeys(DevicePair pair) {
        for (int limit : new int[] {-1, 0, 5, 400}) {
            sameSort(pair, List.of(), List.of(), 300, limit, "no keys");
        }
    }

    /**
     * 300-byte string keys that share 299 bytes, and two that differ only in length: on a {@link CudaDevice}
     * they sort on the kernels (the tie-break decides), with no call on the host.
     */
    static void longStringKey(DevicePair pair) {
        try (VarCharVector key = new VarCharVector("long", pair.allocator())) {
            key.allocateNew();
            key.setSafe(0, ("b".repeat(299) + "c").getBytes(StandardCharsets.UTF_8));
            key.setSafe(1, "a".getBytes(StandardCharsets.UTF_8));
            key.setSafe(2, ("b".repeat(299) + "a").getBytes(StandardCharsets.UTF_8));
            key.setSafe(3, ("b".repeat(299) + "a\0").getBytes(StandardCharsets.UTF_8));
            key.setSafe(4, ("b".repeat(299) + "a").getBytes(StandardCharsets.UTF_8));
            key.setValueCount(5);
            long before = pair.hostCalls(Primitive.SORT_INDICES);
            for (SortKey order : ORDERS) {
                sameSort(pair, List.of(key), List.of(order), 5, -1, "300-byte string keys " + order);
            }
            assertEquals(before, pair.hostCalls(Primitive.SORT_INDICES), "the long string keys ran on the kernels");
        }
    }

    /**
     * Long strings: two string columns drawn from pools that share long stems (past 32 and past 256 bytes),
     * differ only after them, only in length or in trailing zero bytes, with zero and high bytes inside, repeated
     * as {@code shape} says, with nulls; each alone in every direction, then {@code rounds} random choices of
     * them with an int, a double and the short-string column, in random directions and with limits. On a
     * {@link CudaDevice} every sort runs on the kernels.
     */
    static void longStrings(DevicePair pair, int rows, RowShape shape, int rounds) {
        RandomVectors random = new RandomVectors(pair.seed() ^ (rows * 15_485_863L) ^ shape.ordinal());
        Random draw = random.random();
        BufferAllocator allocator = pair.allocator();
        List<FieldVector> columns = new ArrayList<>();
        try {
            columns.add(longStringColumn("long_a", draw, rows, shape, allocator));
            columns.add(longStringColumn("long_b", draw, rows, shape, allocator));
            columns.add(random.column(DataTypes.IntegerType, rows, 0.1, allocator));
            columns.add(random.column(DataTypes.DoubleType, rows, 0.1, allocator));
            columns = withShortStrings(columns, random, rows, shape, allocator);
            long hostCallsBefore = pair.hostCalls(Primitive.SORT_INDICES);
            for (FieldVector column : columns.subList(0, 2)) {
                for (SortKey order : ORDERS) {
                    sameSort(pair, List.of(column), List.of(order), rows, -1, column.getField().getName() + " " + order);
                    sameSort(pair, List.of(column), List.of(order), rows, Math.min(rows, 1 + draw.nextInt(20)),
                            column.getField().getName() + " " + order + " top-N");
                }
            }
            for (int round = 0; round < rounds; round++) {
                List<FieldVector> keys = new ArrayList<>();
                List<SortKey> orders = new ArrayList<>();
                // a long string column first or second, so that the others decide inside its runs or around them
                keys.add(columns.get(draw.nextInt(2)));
                for (int k = draw.nextInt(3); k >= 0; k--) {
                    keys.add(keys.size() == 1 && draw.nextBoolean() ? columns.get(draw.nextInt(2))
                            : columns.get(draw.nextInt(columns.size())));
                }
                if (draw.nextBoolean()) {
                    Collections.swap(keys, 0, 1);
                }
                for (int k = 0; k < keys.size(); k++) {
                    orders.add(ORDERS.get(draw.nextInt(ORDERS.size())));
                }
                sameSortWithLimit(pair, keys, orders, rows, round, draw);
            }
            assertEquals(hostCallsBefore, pair.hostCalls(Primitive.SORT_INDICES),
                    "long string keys sort on kernels, seed " + pair.seed());
        } finally {
            columns.forEach(FieldVector::close);
        }
    }

    private static void sameSort(DevicePair pair, List<FieldVector> keys, List<SortKey> orders, int rows, int limit,
            String what) {
        BufferAllocator allocator = pair.allocator();
        try (IntVector expected = pair.host().sortIndices(keys, orders, rows, limit, allocator);
                IntVector actual = pair.device().sortIndices(keys, orders, rows, limit, allocator)) {
            assertSameVector(expected, actual, "sortIndices by " + what + ", " + rows + " rows, limit " + limit
                    + ", seed " + pair.seed());
        }
    }

    /**
     * A column of strings from a pool of 48: each is one of two stems (which share their first 40 bytes and hold
     * zero and high bytes) cut at one of {@link #STEM_LENGTHS}, then zero to three bytes of a small alphabet
     * (zero bytes included), so that strings share long prefixes and differ after them, in length only, or in
     * trailing zero bytes only; picked as {@code shape} says, an eighth of the rows null.
     */
    private static VarCharVector longStringColumn(String name, Random draw, int rows, RowShape shape,
            BufferAllocator allocator) {
        byte[] alphabet = {0, 'a', 'b', (byte) 0x80, (byte) 0xff};
        byte[] first = new byte[STEM_LENGTHS[STEM_LENGTHS.length - 1]];
        for (int i = 0; i < first.length; i++) {
            first[i] = i % 29 == 7 ? 0 : i % 31 == 11 ? (byte) 0xff : (byte) ('x' + i % 3);
        }
        byte[] second = first.clone();
        for (int i = 40; i < second.length; i++) {
            second[i] = (byte) (second[i] ^ 1);
        }
        byte[][] pool = new byte[48][];
        for (int i = 0; i < pool.length; i++) {
            byte[] stem = draw.nextInt(4) == 0 ? second : first;
            int length = STEM_LENGTHS[draw.nextInt(STEM_LENGTHS.length)];
            int tail = draw.nextInt(4);
            pool[i] = Arrays.copyOf(stem, length + tail);
            for (int j = length; j < pool[i].length; j++) {
                pool[i][j] = alphabet[draw.nextInt(alphabet.length)];
            }
        }
        return stringColumn(name, pool, rows, shape, draw, allocator);
    }

    /**
     * {@link #sameSort} of all {@code rows} and of the first half (rowCount may be below the keys' value
     * count), under a limit drawn by {@code round}: none, any up to past the rows, or a top-N of up to 10.
     */
    private static void sameSortWithLimit(DevicePair pair, List<FieldVector> keys, List<SortKey> orders,
            int rows, int round, Random draw) {
        int limit = switch (round % 3) {
            case 0 -> -1;
            case 1 -> draw.nextInt(Math.max(rows, 1) + 3);
            default -> Math.min(rows, 1 + draw.nextInt(10));
        };
        String what = keys.stream().map(key -> key.getField().getName()).toList() + " " + orders;
        sameSort(pair, keys, orders, rows, limit, what);
        sameSort(pair, keys, orders, rows / 2, limit, what + ", first half of the rows");
    }

    /**
     * A string column of {@code rows} values drawn from {@code pool} as {@code shape} repeats them (an eighth
     * of them null).
     */
    private static VarCharVector stringColumn(String name, byte[][] pool, int rows, RowShape shape, Random draw,
            BufferAllocator allocator) {
        VarCharVector strings = new VarCharVector(name, allocator);
        try {
            strings.allocateNew();
            for (int row = 0; row < rows; row++) {
                int pick = switch (shape) {
                    case DISTINCT -> draw.nextInt(pool.length);
                    case FEW_KEYS -> draw.nextInt(3);
                    case HOT_KEY -> draw.nextInt(10) == 0 ? draw.nextInt(pool.length) : 7;
                };
                if (draw.nextInt(8) == 0) {
                    strings.setNull(row);
                } else {
                    strings.setSafe(row, pool[pick]);
                }
            }
            strings.setValueCount(rows);
            return strings;
        } catch (RuntimeException e) {
            strings.close();
            throw e;
        }
    }

    /**
     * {@code columns} plus a string column of short strings over a small alphabet (zero bytes, high bytes,
     * shared prefixes, strings that are prefixes of others) repeated as {@code shape} says; closes
     * {@code columns} when it fails.
     */
    private static List<FieldVector> withShortStrings(List<FieldVector> columns, RandomVectors random, int rows,
            RowShape shape, BufferAllocator allocator) {
        Random draw = random.random();
        byte[] alphabet = {0, 'a', 'b', (byte) 0x7f, (byte) 0x80, (byte) 0xc3, (byte) 0xff};
        byte[][] pool = new byte[40][];
        for (int i = 0; i < pool.length; i++) {
            pool[i] = new byte[draw.nextInt(13)];
            for (int j = 0; j < pool[i].length; j++) {
                pool[i][j] = alphabet[draw.nextInt(alphabet.length)];
            }
        }
        VarCharVector strings;
        try {
            strings = stringColumn("short_strings", pool, rows, shape, draw, allocator);
        } catch (RuntimeException e) {
            columns.forEach(FieldVector::close);
            throw e;
        }
        List<FieldVector> all = new ArrayList<>(columns);
        all.add(strings);
        return all;
    }
}
