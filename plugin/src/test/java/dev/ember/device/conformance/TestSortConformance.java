package dev.ember.device.conformance;

import static dev.ember.device.conformance.VectorAssertions.assertSameVector;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ember.device.Device.SortKey;
import dev.ember.device.Primitive;
import dev.ember.device.host.HostDevice;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.IntVector;
import org.apache.arrow.vector.VarCharVector;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@code sortIndices} on {@link HostDevice} (a stable merge sort with Spark's ordering) and on the CUDA
 * device's radix sort kernels: identical positions, ties included, for every key type alone in all four
 * directions (ascending or descending, nulls first or last), for several keys together, and with limits
 * (top-N), over seeded random rows with nulls, NaN of several bit patterns, -0.0, extreme values, decimals
 * around every byte boundary, many duplicates and one hot key; sizes from empty through one row to more than
 * one grid (of the per-row kernels; one test has more tiles than one grid of the per-tile kernels). Strings: short ones with zero bytes, high bytes and shared prefixes run on the kernels; the edge
 * values' 300-byte string sends its sorts to the host (named and counted), with the same answer.
 */
class TestSortConformance extends EmulatorConformance {

    private static final int[] SIZES = {0, 1, 7, 257, 1025, 8193, 20_000};
    private static final List<SortKey> ORDERS = List.of(new SortKey(true, true), new SortKey(true, false),
            new SortKey(false, true), new SortKey(false, false));

    static Stream<Arguments> cases() {
        return sizesByShape(SIZES);
    }

    @ParameterizedTest(name = "each key alone rows={0} shape={1}")
    @MethodSource("cases")
    void eachKeyInEveryDirectionMatchesHost(int rows, RowShape shape) {
        RandomVectors random = new RandomVectors(seed ^ (rows * 7919L) ^ shape.ordinal());
        List<FieldVector> columns = withShortStrings(EdgeValues.rows(random, rows, shape, host, allocator), random,
                rows, shape);
        try {
            for (FieldVector column : columns) {
                boolean longStrings = column instanceof VarCharVector strings && longestString(strings, rows) > 256;
                long hostCallsBefore = hostSortCalls();
                for (SortKey order : ORDERS) {
                    assertSameSort(List.of(column), List.of(order), rows, -1,
                            "column " + column.getField() + " " + order);
                }
                if (!longStrings && rows > 0) {
                    assertEquals(hostCallsBefore, hostSortCalls(), "column " + column.getField() + " sorts on kernels");
                }
            }
        } finally {
            columns.forEach(FieldVector::close);
        }
    }

    @ParameterizedTest(name = "several keys and top-N rows={0} shape={1}")
    @MethodSource("cases")
    void severalKeysAndLimitsMatchHost(int rows, RowShape shape) {
        RandomVectors random = new RandomVectors(seed ^ (rows * 104_729L) ^ shape.ordinal());
        List<FieldVector> columns = withShortStrings(EdgeValues.rows(random, rows, shape, host, allocator), random,
                rows, shape);
        Random draw = random.random();
        try {
            for (int round = 0; round < 6; round++) {
                int keyCount = 1 + draw.nextInt(4);
                List<FieldVector> keys = new ArrayList<>();
                List<SortKey> orders = new ArrayList<>();
                for (int k = 0; k < keyCount; k++) {
                    keys.add(columns.get(draw.nextInt(columns.size())));
                    orders.add(ORDERS.get(draw.nextInt(ORDERS.size())));
                }
                int limit = switch (round % 3) {
                    case 0 -> -1;
                    case 1 -> draw.nextInt(Math.max(rows, 1) + 3);
                    default -> Math.min(rows, 1 + draw.nextInt(10));
                };
                String what = keys.stream().map(key -> key.getField().getName()).toList() + " " + orders;
                assertSameSort(keys, orders, rows, limit, what);
                // rowCount may be below the keys' value count
                assertSameSort(keys, orders, rows / 2, limit, what + ", first half of the rows");
            }
        } finally {
            columns.forEach(FieldVector::close);
        }
    }

    @Test
    void moreTilesThanOneGrid() {
        // the per-tile kernels have one thread per 256-row tile: 270,000 rows need grid-stride iterations
        int rows = 270_000;
        RandomVectors random = new RandomVectors(seed ^ 0x7175);
        try (FieldVector ints = random.column(org.apache.spark.sql.types.DataTypes.IntegerType, rows, 0.1, allocator);
                FieldVector doubles = random.column(org.apache.spark.sql.types.DataTypes.DoubleType, rows, 0.1,
                        allocator);
                FieldVector bytes = random.column(org.apache.spark.sql.types.DataTypes.ByteType, rows, 0.1,
                        allocator)) {
            assertSameSort(List.of(ints), List.of(ORDERS.get(1)), rows, -1, "int");
            assertSameSort(List.of(bytes, doubles), List.of(ORDERS.get(2), ORDERS.get(0)), rows, 1000,
                    "byte, double (top 1000)");
        }
    }

    @Test
    void noKeysKeepsInputOrder() {
        for (int limit : new int[] {-1, 0, 5, 400}) {
            try (IntVector expected = host.sortIndices(List.of(), List.of(), 300, limit, allocator);
                    IntVector actual = cuda.sortIndices(List.of(), List.of(), 300, limit, allocator)) {
                assertSameVector(expected, actual, "no keys, limit " + limit);
            }
        }
    }

    @Test
    void refusesWhatTheHostRefuses() {
        RandomVectors random = new RandomVectors(seed ^ 0xbad);
        try (FieldVector key = random.column(org.apache.spark.sql.types.DataTypes.IntegerType, 10, 0.1, allocator)) {
            assertThrows(IndexOutOfBoundsException.class, () -> host.sortIndices(List.of(key),
                    List.of(ORDERS.get(0)), 11, -1, allocator).close());
            IndexOutOfBoundsException onCuda = assertThrows(IndexOutOfBoundsException.class, () -> cuda.sortIndices(
                    List.of(key), List.of(ORDERS.get(0)), 11, -1, allocator).close());
            assertTrue(onCuda.getMessage().contains("which holds 10"), onCuda.getMessage());
            IllegalArgumentException onHost = assertThrows(IllegalArgumentException.class,
                    () -> host.sortIndices(List.of(key), List.of(), 10, -1, allocator).close());
            IllegalArgumentException mismatch = assertThrows(IllegalArgumentException.class,
                    () -> cuda.sortIndices(List.of(key), List.of(), 10, -1, allocator).close());
            assertEquals(onHost.getMessage(), mismatch.getMessage());
        }
    }

    @Test
    void aLongStringKeyRunsOnTheHostAndIsCounted() {
        try (VarCharVector key = new VarCharVector("long", allocator)) {
            key.allocateNew();
            key.setSafe(0, "b".repeat(300).getBytes(java.nio.charset.StandardCharsets.UTF_8));
            key.setSafe(1, "a".getBytes(java.nio.charset.StandardCharsets.UTF_8));
            key.setValueCount(2);
            long before = hostSortCalls();
            assertSameSort(List.of(key), List.of(ORDERS.get(0)), 2, -1, "a 300-byte string key");
            assertEquals(before + 1, hostSortCalls(), "the long string key ran on the host once");
        }
    }

    private static long hostSortCalls() {
        return cuda.hostCalls().getOrDefault(Primitive.SORT_INDICES, 0L);
    }

    private void assertSameSort(List<FieldVector> keys, List<SortKey> orders, int rows, int limit, String what) {
        try (IntVector expected = host.sortIndices(keys, orders, rows, limit, allocator);
                IntVector actual = cuda.sortIndices(keys, orders, rows, limit, allocator)) {
            assertSameVector(expected, actual, "sortIndices by " + what + ", " + rows + " rows, limit " + limit
                    + ", seed " + seed);
        }
    }

    private static int longestString(VarCharVector strings, int rows) {
        int longest = 0;
        for (int row = 0; row < rows; row++) {
            if (!strings.isNull(row)) {
                longest = Math.max(longest, strings.getValueLength(row));
            }
        }
        return longest;
    }

    /**
     * {@code columns} plus a string column of short strings over a small alphabet (zero bytes, high bytes,
     * shared prefixes, strings that are prefixes of others) repeated as {@code shape} says.
     */
    private List<FieldVector> withShortStrings(List<FieldVector> columns, RandomVectors random, int rows,
            RowShape shape) {
        Random draw = random.random();
        byte[] alphabet = {0, 'a', 'b', (byte) 0x7f, (byte) 0x80, (byte) 0xc3, (byte) 0xff};
        byte[][] pool = new byte[40][];
        for (int i = 0; i < pool.length; i++) {
            pool[i] = new byte[draw.nextInt(13)];
            for (int j = 0; j < pool[i].length; j++) {
                pool[i][j] = alphabet[draw.nextInt(alphabet.length)];
            }
        }
        VarCharVector strings = new VarCharVector("short_strings", allocator);
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
        } catch (RuntimeException e) {
            strings.close();
            columns.forEach(FieldVector::close);
            throw e;
        }
        List<FieldVector> all = new ArrayList<>(columns);
        all.add(strings);
        return all;
    }
}
