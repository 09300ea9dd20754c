package dev.ember.device.conformance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ember.device.host.HostDevice;
import java.util.List;
import java.util.stream.Stream;
import org.apache.arrow.vector.FieldVector;
import org.apache.spark.sql.types.DataTypes;
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
 * one grid (of the per-row kernels; one test has more tiles than one grid of the per-tile kernels).
 * Strings of any length run on the kernels, with no call on the host: short ones with zero bytes, high bytes
 * and shared prefixes; the edge values' 300-byte string; and long ones that share stems past the kernels'
 * 32-byte radix prefix and past 256 bytes, differ only after them, only in length or in trailing zero bytes,
 * alone and with other keys, which the tie-break kernel orders. {@code TestSortTieBreakConformance} runs the
 * same suites with a prefix of a few bytes, so that the tie-break decides almost every case. The
 * comparisons live in {@link SortChecks}, which {@code ember doctor} runs too.
 */
class TestSortConformance extends EmulatorConformance {

    private static final int[] SIZES = {0, 1, 7, 257, 1025, 8193, 20_000};

    /** Long-string sizes: 1,500 rows pass one grid of the per-row kernels and of the tie-break's runs. */
    private static final int[] LONG_STRING_SIZES = {1, 7, 257, 1500, 8193};

    static Stream<Arguments> cases() {
        return sizesByShape(SIZES);
    }

    static Stream<Arguments> longStringCases() {
        return sizesByShape(LONG_STRING_SIZES);
    }

    @ParameterizedTest(name = "each key alone rows={0} shape={1}")
    @MethodSource("cases")
    void eachKeyInEveryDirectionMatchesHost(int rows, RowShape shape) {
        SortChecks.eachKeyInEveryDirection(pair(), rows, shape);
    }

    @ParameterizedTest(name = "several keys and top-N rows={0} shape={1}")
    @MethodSource("cases")
    void severalKeysAndLimitsMatchHost(int rows, RowShape shape) {
        SortChecks.severalKeysAndLimits(pair(), rows, shape, 6);
    }

    @ParameterizedTest(name = "long strings past the radix prefix rows={0} shape={1}")
    @MethodSource("longStringCases")
    void longStringsMatchHost(int rows, RowShape shape) {
        SortChecks.longStrings(pair(), rows, shape, 6);
    }

    @Test
    void moreTilesThanOneGrid() {
        SortChecks.manyTiles(pair(), 270_000);
    }

    @Test
    void noKeysKeepsInputOrder() {
        SortChecks.noKeys(pair());
    }

    @Test
    void refusesWhatTheHostRefuses() {
        RandomVectors random = new RandomVectors(seed ^ 0xbad);
        try (FieldVector key = random.column(DataTypes.IntegerType, 10, 0.1, allocator)) {
            assertThrows(IndexOutOfBoundsException.class, () -> host.sortIndices(List.of(key),
                    List.of(SortChecks.ORDERS.get(0)), 11, -1, allocator).close());
            IndexOutOfBoundsException onCuda = assertThrows(IndexOutOfBoundsException.class, () -> cuda.sortIndices(
                    List.of(key), List.of(SortChecks.ORDERS.get(0)), 11, -1, allocator).close());
            assertTrue(onCuda.getMessage().contains("which holds 10"), onCuda.getMessage());
            IllegalArgumentException onHost = assertThrows(IllegalArgumentException.class,
                    () -> host.sortIndices(List.of(key), List.of(), 10, -1, allocator).close());
            IllegalArgumentException mismatch = assertThrows(IllegalArgumentException.class,
                    () -> cuda.sortIndices(List.of(key), List.of(), 10, -1, allocator).close());
            assertEquals(onHost.getMessage(), mismatch.getMessage());
        }
    }

    @Test
    void longStringKeysRunOnTheKernels() {
        SortChecks.longStringKey(pair());
    }

    private DevicePair pair() {
        return new DevicePair(host, cuda, allocator, seed);
    }
}
