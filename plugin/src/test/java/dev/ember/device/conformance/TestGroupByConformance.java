package dev.ember.device.conformance;

import dev.ember.device.host.HostDevice;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@code newGroupBy} on {@link HostDevice} and on the CUDA device's group-by kernels: the same groups in the
 * same order (first appearance), the same keys and the same state for every operation — counts, long sums
 * with and without ANSI overflow (the same error), double sums in row order over integral, float and double
 * inputs, decimal sums with Spark's overflow to null and the "is empty" buffer, min and max of every
 * fixed-width type (NaN greatest, -0.0 and 0.0 equal, the first of equal values kept), first and last with
 * and without ignoring nulls, in update and merge form — for each key type alone (strings included), several
 * keys mixing fixed-width and string columns, and no key, over seeded random rows with nulls, NaN of several
 * bit patterns, -0.0, extreme values, empty, multi-byte and 300-byte strings, many duplicates and one hot key,
 * added in two calls whose keys repeat; sizes from empty through one row to more than one grid. String min,
 * max, first and last (update and merge form) run on the kernels too, over strings with zero and high bytes,
 * shared prefixes and lengths over 256 bytes. String and mixed keys, and no key, are also fed in three batches
 * closed after their add, so the grouping must keep the keys and the string states it stores. The comparisons live in
 * {@link GroupByChecks}, which {@code ember doctor} runs too.
 */
class TestGroupByConformance extends EmulatorConformance {

    private static final int[] SIZES = {0, 1, 7, 257, 1025, 8193, 20_000};

    static Stream<Arguments> cases() {
        return sizesByShape(SIZES);
    }

    @ParameterizedTest(name = "group-by rows={0} shape={1}")
    @MethodSource("cases")
    void everyKeyTypeAndOperationMatchesHost(int rows, RowShape shape) {
        GroupByChecks.groupings(new DevicePair(host, cuda, allocator, seed), rows, shape);
    }

    @ParameterizedTest(name = "group-by of closed batches rows={0} shape={1}")
    @MethodSource("cases")
    void stringKeysOutliveTheirBatches(int rows, RowShape shape) {
        GroupByChecks.closedBatches(new DevicePair(host, cuda, allocator, seed), rows, shape);
    }
}
