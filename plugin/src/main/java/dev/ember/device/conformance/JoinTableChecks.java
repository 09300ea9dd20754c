package dev.ember.device.conformance;

import static dev.ember.device.conformance.VectorAssertions.assertEquals;
import static dev.ember.device.conformance.VectorAssertions.assertSameVector;
import static dev.ember.device.conformance.VectorAssertions.assertTrue;

import dev.ember.device.Device;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.IntVector;

/**
 * The conformance checks of {@code buildJoinTable} and {@code probeJoinTable}: both devices build a table
 * over the same build rows and probe it with the same probe rows, which must give identical pairs in
 * identical order and the same {@code nextRow}, call after call as a join resumes its probe (an
 * {@link AssertionError} names the first difference and the seed). The probe and build rows draw from one
 * pool of values ({@link EdgeValues}), so keys match often. The JUnit test {@code TestJoinTableConformance}
 * calls these with many sizes and every key set; {@link ConformanceSuite} with a few.
 */
final class JoinTableChecks {

    /** Pair limits per probe call: one row at a time, small batches, a batch size. */
    static final int[] MAX_PAIRS = {1, 97, 4096};
    /** Probe calls compared per pass: bounds the work where a boolean or hot key makes millions of pairs. */
    private static final int CALLS_PER_PASS = 4;

    private JoinTableChecks() {}

    /**
     * Every column of {@link RandomVectors#TYPES} alone, then multi-column keys: int + string, two integral
     * columns (the host keeps them in its slots: long + int, date + timestamp, byte + short), decimal(38) +
     * double + boolean, the small types together, every column.
     */
    static List<int[]> everyKeySet() {
        List<int[]> keySets = new ArrayList<>();
        for (int column = 0; column < RandomVectors.TYPES.size(); column++) {
            keySets.add(new int[] {column});
        }
        keySets.add(new int[] {3, 11});
        keySets.add(new int[] {4, 3});
        keySets.add(new int[] {9, 10});
        keySets.add(new int[] {1, 2});
        keySets.add(new int[] {7, 6, 0});
        keySets.add(new int[] {1, 2, 9, 10, 5, 8});
        keySets.add(new int[] {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11});
        return keySets;
    }

    /**
     * Seeded rows of {@code shape} split into a build side of {@code buildRows} rows and a probe side of
     * {@code probeRows}; for each key set (column positions in {@link RandomVectors#TYPES}), the pairs of
     * {@link #samePairs}.
     */
    static void pairs(DevicePair pair, int buildRows, int probeRows, RowShape shape, List<int[]> keySets) {
        BufferAllocator allocator = pair.allocator();
        RandomVectors random = new RandomVectors(pair.seed() ^ (buildRows * 7919L) ^ (probeRows * 104_729L)
                ^ shape.ordinal());
        List<FieldVector> rows = EdgeValues.rows(random, buildRows + probeRows, shape, pair.host(), allocator);
        List<FieldVector> build = null;
        List<FieldVector> probe = null;
        try {
            build = slice(pair, rows, 0, buildRows);
            probe = slice(pair, rows, buildRows, probeRows);
            for (int[] keySet : keySets) {
                samePairs(pair, pick(build, keySet), buildRows, pick(probe, keySet), probeRows, random.random(),
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

    /**
     * Each column of the edge values joined with itself: both sides hold every edge value (-0.0 and 0.0,
     * NaNs of several bit patterns, extremes, a null), so each pair that normalizes equal meets, whatever
     * the random rows drew.
     */
    static void edgeValues(DevicePair pair) {
        List<FieldVector> edges = EdgeValues.edgeColumns(pair.allocator());
        try {
            int rows = edges.get(0).getValueCount();
            for (FieldVector column : edges) {
                samePairs(pair, List.of(column), rows, List.of(column), rows, new Random(pair.seed()),
                        "edge values of " + column.getField().getName());
            }
        } finally {
            edges.forEach(FieldVector::close);
        }
    }

    /** An int build key probed with the same values widened to bigint: integral keys match by value. */
    static void integralKeysOfOtherWidths(DevicePair pair) {
        BufferAllocator allocator = pair.allocator();
        RandomVectors random = new RandomVectors(pair.seed() ^ 0x1a7);
        List<FieldVector> rows = EdgeValues.rows(random, 2000, RowShape.FEW_KEYS, pair.host(), allocator);
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
            samePairs(pair, List.of(ints), 1200, List.of(widened), 2000, random.random(), "int build, bigint probe");
        } finally {
            rows.forEach(FieldVector::close);
        }
    }

    /**
     * Builds both tables, then compares probes: from row 0 resumed call after call (as {@code JoinStream}
     * does) under each of {@link #MAX_PAIRS}, from a random row in the middle, over a prefix of the probe
     * rows, and with a pair limit of zero.
     */
    private static void samePairs(DevicePair pair, List<FieldVector> buildKeys, int buildRows,
            List<FieldVector> probeKeys, int probeRows, Random random, String context) {
        BufferAllocator allocator = pair.allocator();
        try (Device.JoinTable expected = pair.host().buildJoinTable(buildKeys, buildRows, allocator);
                Device.JoinTable actual = pair.device().buildJoinTable(buildKeys, buildRows, allocator)) {
            assertEquals(expected.buildRowCount(), actual.buildRowCount(), "build row count, " + context);
            for (int maxPairs : MAX_PAIRS) {
                comparePass(pair, expected, actual, probeKeys, 0, probeRows, maxPairs, context);
            }
            int middle = probeRows == 0 ? 0 : random.nextInt(probeRows);
            comparePass(pair, expected, actual, probeKeys, middle, probeRows, 1 + random.nextInt(500), context);
            comparePass(pair, expected, actual, probeKeys, 0, probeRows / 2, Integer.MAX_VALUE - 1, context);
            comparePass(pair, expected, actual, probeKeys, 0, probeRows, 0, context);
        }
    }

    private static void comparePass(DevicePair pair, Device.JoinTable expectedTable, Device.JoinTable actualTable,
            List<FieldVector> probeKeys, int startRow, int rowCount, int maxPairs, String context) {
        BufferAllocator allocator = pair.allocator();
        int row = startRow;
        for (int call = 0; call < CALLS_PER_PASS; call++) {
            String where = context + ", probe from row " + row + " to " + rowCount + " with at most " + maxPairs
                    + " pairs, seed " + pair.seed();
            try (Device.JoinMatches expected = pair.host().probeJoinTable(expectedTable, probeKeys, row, rowCount,
                    maxPairs, allocator);
                    Device.JoinMatches actual = pair.device().probeJoinTable(actualTable, probeKeys, row, rowCount,
                            maxPairs, allocator)) {
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
    private static List<FieldVector> slice(DevicePair pair, List<FieldVector> columns, int start, int count) {
        try (IntVector indices = new IntVector("slice", pair.allocator())) {
            indices.allocateNew(Math.max(count, 1));
            for (int i = 0; i < count; i++) {
                indices.set(i, start + i);
            }
            indices.setValueCount(count);
            return pair.host().gather(columns, indices, pair.allocator());
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
