package dev.ember.device.conformance;

import static dev.ember.device.conformance.VectorAssertions.assertSameVector;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.ember.device.host.HostDevice;
import java.util.List;
import java.util.stream.Stream;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.IntVector;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@code hashPartition} on {@link HostDevice} (Spark's own Murmur3, checked against Spark's
 * {@code HashPartitioning} by {@code TestHashPartition}) and on the CUDA device's kernels: identical
 * partition ids for every key type, each key alone and all keys together, several partition counts and
 * seeds, over seeded random rows with nulls, NaN of several bit patterns, -0.0, extreme values, empty and
 * multi-byte strings, wide decimals around every byte-length boundary, many duplicates and one hot key;
 * sizes from empty through one row to more than one grid. Then {@code splitByPartition} by those ids:
 * the same rows in the same order per partition, and the same errors for null and out-of-range ids.
 */
class TestHashPartitionConformance extends EmulatorConformance {

    private static final int[] SIZES = {0, 1, 7, 257, 1025, 8193, 40_000};
    private static final int[] PARTITION_COUNTS = {1, 7, 200};

    static Stream<Arguments> cases() {
        return sizesByShape(SIZES);
    }

    @ParameterizedTest(name = "hashPartition rows={0} shape={1}")
    @MethodSource("cases")
    void partitionIdsMatchHost(int rows, RowShape shape) {
        PrimitiveChecks.hashPartitionIds(new DevicePair(host, cuda, allocator, seed), rows, shape);
    }

    @ParameterizedTest(name = "splitByPartition rows={0} shape={1}")
    @MethodSource("cases")
    void splitByPartitionMatchesHost(int rows, RowShape shape) {
        PrimitiveChecks.splitByPartition(new DevicePair(host, cuda, allocator, seed), rows, shape);
    }

    @Test
    void splitByPartitionRefusesWhatTheHostRefuses() {
        RandomVectors random = new RandomVectors(seed ^ 0x5b1);
        List<FieldVector> columns = EdgeValues.rows(random, 3000, RowShape.DISTINCT, host, allocator);
        try {
            for (int bad : new int[] {0, 1, 1777, 2999}) {
                for (Integer value : new Integer[] {null, -1, 5, Integer.MIN_VALUE}) {
                    try (IntVector ids = new IntVector("ids", allocator)) {
                        ids.allocateNew(3000);
                        for (int row = 0; row < 3000; row++) {
                            ids.set(row, row % 5);
                        }
                        if (value == null) {
                            ids.setNull(bad);
                        } else {
                            ids.set(bad, value);
                        }
                        ids.setValueCount(3000);
                        IllegalArgumentException onHost = assertThrows(IllegalArgumentException.class,
                                () -> host.splitByPartition(columns, ids, 5, allocator));
                        IllegalArgumentException onCuda = assertThrows(IllegalArgumentException.class,
                                () -> cuda.splitByPartition(columns, ids, 5, allocator));
                        assertEquals(onHost.getMessage(), onCuda.getMessage());
                    }
                }
            }
        } finally {
            columns.forEach(FieldVector::close);
        }
    }

    @Test
    void noKeysPutsEveryRowInTheSeedsPartition() {
        try (IntVector expected = host.hashPartition(List.of(), 300, 13, allocator);
                IntVector actual = cuda.hashPartition(List.of(), 300, 13, allocator)) {
            assertSameVector(expected, actual, "no keys, seed " + seed);
        }
    }

    @Test
    void refusesWhatTheHostRefuses() {
        RandomVectors random = new RandomVectors(seed ^ 0xbad);
        try (FieldVector key = random.column(org.apache.spark.sql.types.DataTypes.IntegerType, 10, 0.1, allocator)) {
            for (int[] arguments : new int[][] {{10, 0}, {11, 3}, {-1, 3}}) {
                IllegalArgumentException onHost = assertThrows(IllegalArgumentException.class,
                        () -> host.hashPartition(List.of(key), arguments[0], arguments[1], allocator).close());
                IllegalArgumentException onCuda = assertThrows(IllegalArgumentException.class,
                        () -> cuda.hashPartition(List.of(key), arguments[0], arguments[1], allocator).close());
                assertEquals(onHost.getMessage(), onCuda.getMessage());
            }
        }
    }
}
