package dev.ember.device.conformance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ember.device.cuda.PrefixSortDevice;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The radix sort's tie-break against the host's merge sort, made to decide almost every case: the CUDA device's
 * {@code sortIndices} radix-sorts string keys on a prefix of 0 to 3 bytes only (a {@link PrefixSortDevice}), so
 * the random suites of {@link SortChecks} (the short-string column of up to 12 bytes, the edge values' strings,
 * the long strings) leave nearly every string order to {@code sort_run_starts} and {@code sort_tie_break}. Each
 * case asserts that the tie-break ran.
 */
class TestSortTieBreakConformance extends EmulatorConformance {

    private static final int[] SIZES = {7, 257, 1500, 8193};

    static Stream<Arguments> cases() {
        return sizesByShape(SIZES);
    }

    @ParameterizedTest(name = "each key alone, 2-byte prefix rows={0} shape={1}")
    @MethodSource("cases")
    void eachKeyInEveryDirection(int rows, RowShape shape) {
        PrefixSortDevice device = PrefixSortDevice.over(cuda, 2);
        int longest = SortChecks.eachKeyInEveryDirection(new DevicePair(host, device, allocator, seed), rows, shape);
        // a few rows of a hot or few keys may all be 2 bytes or shorter: then the prefix decides alone
        if (longest > 2) {
            assertTrue(device.tieBreaks() > 0, "the tie-break ran (longest string " + longest + " bytes)");
        } else {
            assertEquals(0, device.tieBreaks(), "no tie-break where the prefix holds every string whole");
        }
        if (rows > 200) {
            assertTrue(longest > 2, "hundreds of rows drawn from the pool hold a string past the prefix");
        }
    }

    @ParameterizedTest(name = "several keys and top-N, 1-byte prefix rows={0} shape={1}")
    @MethodSource("cases")
    void severalKeysAndLimits(int rows, RowShape shape) {
        PrefixSortDevice device = PrefixSortDevice.over(cuda, 1);
        // a round may draw no string key, so the tie-break may not run in every case
        SortChecks.severalKeysAndLimits(new DevicePair(host, device, allocator, seed), rows, shape, 6);
    }

    @ParameterizedTest(name = "long strings, 3-byte prefix rows={0} shape={1}")
    @MethodSource("cases")
    void longStrings(int rows, RowShape shape) {
        PrefixSortDevice device = PrefixSortDevice.over(cuda, 3);
        SortChecks.longStrings(new DevicePair(host, device, allocator, seed), rows, shape, 6);
        assertTrue(device.tieBreaks() > 0, "the tie-break ran");
    }

    @Test
    void noPrefixAtAll() {
        PrefixSortDevice device = PrefixSortDevice.over(cuda, 0);
        DevicePair pair = new DevicePair(host, device, allocator, seed);
        SortChecks.longStringKey(pair);
        SortChecks.severalKeysAndLimits(pair, 1025, RowShape.FEW_KEYS, 6);
        SortChecks.longStrings(pair, 1025, RowShape.DISTINCT, 6);
        assertTrue(device.tieBreaks() > 0, "the tie-break ran");
    }
}
