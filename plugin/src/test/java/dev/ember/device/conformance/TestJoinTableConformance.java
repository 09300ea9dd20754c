package dev.ember.device.conformance;

import static dev.ember.device.conformance.VectorAssertions.assertSameVector;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ember.device.Device;
import dev.ember.device.host.HostDevice;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.IntVector;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@code buildJoinTable} and {@code probeJoinTable} on {@link HostDevice} ({@code HostJoinTable}, checked
 * against a nested loop by {@code TestHostJoinPrimitives}) and on the CUDA device's hash join kernels:
 * identical pairs in identical order and the same {@code nextRow}, call after call as a join resumes its
 * probe, for every key type alone and several multi-column keys, over seeded random rows with nulls, NaN of
 * several bit patterns, -0.0, extreme values, empty and multi-byte strings, wide decimals, many duplicates
 * and one hot key; build and probe sides from empty through one row to more than one grid (the emulator's
 * grid is 1,024 threads). The probe and build rows draw from one pool of values, so keys match often.
 *
 * <p>Every join type Ember runs (inner, outer, semi, anti, null-aware anti, existence) is formed from these
 * pairs above the device ({@code JoinStream}), so equal pairs give equal joins; the join SQL suites check
 * the join types end to end on the emulator ({@code emulator-sql}).
 */
class TestJoinTableConformance extends EmulatorConformance {

    /** (build rows, probe rows). */
    private static final int[][] SIZES = {{0, 50}, {50, 0}, {1, 1}, {1, 300}, {300, 1}, {257, 1025}, {3000, 2500},
        {20_000, 300}};
    /** Pair limits per probe call: one row at a time, small batches, a batch size. */
    private static final int[] MAX_PAIRS = {1, 97, 4096};
    /** Probe calls compared per pass: bounds the work where a boolean or hot key makes millions of pairs. */
    private static final int CALLS_PER_PASS = 4;

    static Stream<Arguments> cases() {
        List<Arguments> cases = new ArrayList<>();
        for (int[] size : SIZES) {
            for (RowShape shape : RowShape.values()) {
                cases.add(Arguments.of(size[0], size[1], shape));
            }
        }
        return cases.stream();
    }

    @ParameterizedTest(name = "join table build={0} probe={1} shape={2}")
    @MethodSource("cases")
    void pairsMatchHost(int buildRows, int probeRows, RowShape shape) {
        RandomVectors random = new RandomVectors(seed ^ (buildRows * 7919L) ^ (probeRows * 104_729L) ^ shape.ordinal());
        List<FieldVector> rows = EdgeValues.rows(random, buildRows + probeRows, shape, host, allocator);
        List<FieldVector> build = null;
        List<FieldVector> probe = null;
        try {
            build = slice(rows, 0, buildRows);
            probe = slice(rows, buildRows, probeRows);
            List<int[]> keySets = new ArrayList<>();
            for (int column = 0; column < rows.size(); column++) {
                keySets.add(new int[] {column});
            }
            // int + string, decimal(38) + double + boolean, the small types together, every column
            keySets.add(new int[] {3, 11});
            // two integral columns (the host keeps them in its slots): long + int, date + timestamp, byte + short
            keySets.add(new int[] {4, 3});
            keySets.add(new int[] {9, 10});
            keySets.add(new int[] {1, 2});
            keySets.add(new int[] {7, 6, 0});
            keySets.add(new int[] {1, 2, 9, 10, 5, 8});
            keySets.add(new int[] {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11});
            for (int[] keySet : keySets) {
                assertSamePairs(pick(build, keySet), buildRows, pick(probe, keySet), probeRows, random.random(),
                        "keys " + names(build, keySet) + ", build " + buildRows + ", probe " + probeRows + ", "
                                + shape);
            }
        } finally {
            rows.forEach(FieldVector::close);
            if (build != null) {
                build.forEach(FieldVector::close);
            }
            if (probe != null) {
                probe.forEach(FieldVector::close);
            }
        }
    }

    @Test
    void everyEdgeValueMeetsEveryOther() {
        // both sides hold every edge value (-0.0 and 0.0, NaNs of several bit patterns, extremes, a null),
        // so each pair that normalizes equal meets, whatever the random rows drew
        List<FieldVector> edges = EdgeValues.edgeColumns(allocator);
        try {
            int rows = edges.get(0).getValueCount();
            for (FieldVector column : edges) {
                assertSamePairs(List.of(column), rows, List.of(column), rows, new Random(seed),
                        "edge values of " + column.getField().getName());
            }
        } finally {
            edges.forEach(FieldVector::close);
        }
    }

    @Test
    void integralKeysOfOtherWidthsMatchByValue() {
        RandomVectors random = new RandomVectors(seed ^ 0x1a7);
        List<FieldVector> rows = EdgeValues.rows(random, 2000, RowShape.FEW_KEYS, host,
                allocator);
        try (BigIntVector widened = new BigIntVector("widened", allocator)) {
            IntVector ints = (IntVector) rows.get(3);
            widened.allocateNew(2000);
            for (int row = 0; row < 2000; row++) {
                if (ints.isNull(row)) {
                    widened.setNull(row);
                } else {
                    widened.set(row, ints.get(row));
                }
            }
            widened.setValueCount(2000);
            assertSamePairs(List.of(ints), 1200, List.of(widened), 2000, random.random(), "int build, bigint probe");
        } finally {
            rows.forEach(FieldVector::close);
        }
    }

    @Test
    void refusesWhatTheHostRefuses() {
        RandomVectors random = new RandomVectors(seed ^ 0x2b8);
        List<FieldVector> rows = EdgeValues.rows(random, 100, RowShape.DISTINCT, host,
                allocator);
        try (Device.JoinTable onHost = host.buildJoinTable(rows.subList(0, 2), 100, allocator);
                Device.JoinTable onCuda = cuda.buildJoinTable(rows.subList(0, 2), 100, allocator)) {
            IllegalArgumentException hostError = assertThrows(IllegalArgumentException.class,
                    () -> host.probeJoinTable(onHost, rows.subList(0, 1), 0, 100, 10, allocator));
            IllegalArgumentException cudaError = assertThrows(IllegalArgumentException.class,
                    () -> cuda.probeJoinTable(onCuda, rows.subList(0, 1), 0, 100, 10, allocator));
            assertEquals(hostError.getMessage(), cudaError.getMessage());
            IllegalArgumentException tooFew = assertThrows(IllegalArgumentException.class,
                    () -> cuda.buildJoinTable(rows.subList(0, 2), 101, allocator));
            assertEquals(assertThrows(IllegalArgumentException.class,
                    () -> host.buildJoinTable(rows.subList(0, 2), 101, allocator)).getMessage(), tooFew.getMessage());
            // each device probes only its own kind of table
            assertThrows(IllegalArgumentException.class,
                    () -> cuda.probeJoinTable(onHost, rows.subList(0, 2), 0, 100, 10, allocator));
            assertThrows(IllegalArgumentException.class,
                    () -> host.probeJoinTable(onCuda, rows.subList(0, 2), 0, 100, 10, allocator));
            assertEquals(0, onCuda.bytes(), "the CUDA table lives in the build's allocator");
            assertEquals(100, onCuda.buildRowCount());
        } finally {
            rows.forEach(FieldVector::close);
        }
    }

    /**
     * Builds both tables, then compares probes: from row 0 resumed call after call (as {@code JoinStream}
     * does) under each pair limit, from a random row in the middle, over a prefix of the probe rows, and
     * with a pair limit of zero.
     */
    private void assertSamePairs(List<FieldVector> buildKeys, int buildRows, List<FieldVector> probeKeys,
            int probeRows, Random random, String context) {
        try (Device.JoinTable expected = host.buildJoinTable(buildKeys, buildRows, allocator);
                Device.JoinTable actual = cuda.buildJoinTable(buildKeys, buildRows, allocator)) {
            assertEquals(expected.buildRowCount(), actual.buildRowCount(), context);
            for (int maxPairs : MAX_PAIRS) {
                comparePass(expected, actual, probeKeys, 0, probeRows, maxPairs, context);
            }
            int middle = probeRows == 0 ? 0 : random.nextInt(probeRows);
            comparePass(expected, actual, probeKeys, middle, probeRows, 1 + random.nextInt(500), context);
            comparePass(expected, actual, probeKeys, 0, probeRows / 2, Integer.MAX_VALUE - 1, context);
            comparePass(expected, actual, probeKeys, 0, probeRows, 0, context);
        }
    }

    private void comparePass(Device.JoinTable expectedTable, Device.JoinTable actualTable, List<FieldVector> probeKeys,
            int startRow, int rowCount, int maxPairs, String context) {
        int row = startRow;
        for (int call = 0; call < CALLS_PER_PASS; call++) {
            String where = context + ", probe from row " + row + " to " + rowCount + " with at most " + maxPairs
                    + " pairs, seed " + seed;
            try (Device.JoinMatches expected = host.probeJoinTable(expectedTable, probeKeys, row, rowCount, maxPairs,
                    allocator);
                    Device.JoinMatches actual = cuda.probeJoinTable(actualTable, probeKeys, row, rowCount, maxPairs,
                            allocator)) {
                assertEquals(expected.nextRow(), actual.nextRow(), "nextRow, " + where);
                assertSameVector(expected.probeRows(), actual.probeRows(), "probe rows, " + where);
                assertSameVector(expected.buildRows(), actual.buildRows(), "build rows, " + where);
                if (maxPairs > 0 && row < rowCount) {
                    assertTrue(actual.nextRow() > row, "the probe made no progress, " + where);
                }
                row = actual.nextRow();
            }
            if (row >= rowCount || maxPairs <= 0) {
                return;
            }
        }
    }

    /** New vectors holding rows {@code [start, start + count)} of {@code columns} (the host's gather). */
    private List<FieldVector> slice(List<FieldVector> columns, int start, int count) {
        try (IntVector indices = new IntVector("slice", allocator)) {
            indices.allocateNew(Math.max(count, 1));
            for (int i = 0; i < count; i++) {
                indices.set(i, start + i);
            }
            indices.setValueCount(count);
            return host.gather(columns, indices, allocator);
        }
    }

    private static List<FieldVector> pick(List<FieldVector> columns, int[] positions) {
        List<FieldVector> picked = new ArrayList<>(positions.length);
        for (int position : positions) {
            picked.add(columns.get(position));
        }
        return picked;
    }

    private static String names(List<FieldVector> columns, int[] positions) {
        List<String> names = new ArrayList<>();
        for (int position : positions) {
            names.add(columns.get(position).getField().getName());
        }
        return names.toString();
    }
}
