package dev.ember.device.conformance;

import static dev.ember.device.conformance.VectorAssertions.assertEquals;
import static dev.ember.device.conformance.VectorAssertions.assertSameColumns;
import static dev.ember.device.conformance.VectorAssertions.assertSameVector;
import static dev.ember.device.conformance.VectorAssertions.assertTrue;

import dev.ember.device.Device;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.function.Supplier;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.BitVector;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.IntVector;

/**
 * The conformance checks of the data-movement primitives, each one call on both devices of a
 * {@link DevicePair} over the same seeded inputs: the results must be identical (an
 * {@link AssertionError} names the first difference and the seed). The JUnit conformance tests call
 * these with many sizes; {@link ConformanceSuite} (run by {@code ember doctor}) with a few.
 */
final class PrimitiveChecks {

    /** The hash partition counts every partition check uses. */
    static final int[] PARTITION_COUNTS = {1, 7, 200};

    private PrimitiveChecks() {}

    /** {@code selectTrue} of random flags, over all rows and over a prefix of them. */
    static void selectTrue(DevicePair pair, int rows, double nullShare, double trueShare) {
        BufferAllocator allocator = pair.allocator();
        RandomVectors random = new RandomVectors(pair.seed() ^ (rows * 31L) ^ Double.hashCode(nullShare + trueShare * 7));
        try (BitVector flags = random.flags(rows, nullShare, trueShare, allocator)) {
            // all rows, and a prefix: rowCount may be below the vector's value count
            for (int rowCount : new int[] {rows, rows / 2}) {
                try (IntVector expected = pair.host().selectTrue(flags, rowCount, allocator);
                        IntVector actual = pair.device().selectTrue(flags, rowCount, allocator)) {
                    assertSameVector(expected, actual, "selectTrue of " + rowCount + " rows, seed " + pair.seed());
                }
            }
        }
    }

    /** {@code gather} of one column of every type at random indices with repeats. */
    static void gather(DevicePair pair, int rows, int indexCount, double nullShare) {
        BufferAllocator allocator = pair.allocator();
        RandomVectors random = new RandomVectors(pair.seed() ^ (rows * 131L + indexCount) ^ Double.hashCode(nullShare));
        List<FieldVector> columns = random.columns(rows, nullShare, allocator);
        try (IntVector indices = random.indices(indexCount, rows, allocator)) {
            compareColumns(pair.host().gather(columns, indices, allocator),
                    () -> pair.device().gather(columns, indices, allocator),
                    "gather of " + indexCount + " of " + rows + " rows, seed " + pair.seed());
        } finally {
            columns.forEach(FieldVector::close);
        }
    }

    /** The filter pattern: positions from {@code selectTrue} feed {@code gather}, on each device end to end. */
    static void filterPipeline(DevicePair pair, int rows) {
        BufferAllocator allocator = pair.allocator();
        RandomVectors random = new RandomVectors(pair.seed() ^ 0x5eed);
        List<FieldVector> columns = random.columns(rows, 0.1, allocator);
        try (BitVector flags = random.flags(rows, 0.1, 0.4, allocator);
                IntVector hostPositions = pair.host().selectTrue(flags, rows, allocator);
                IntVector devicePositions = pair.device().selectTrue(flags, rows, allocator)) {
            assertTrue(rows == 0 || hostPositions.getValueCount() > 0, "the random flags select something");
            compareColumns(pair.host().gather(columns, hostPositions, allocator),
                    () -> pair.device().gather(columns, devicePositions, allocator),
                    "filter of " + rows + " rows, seed " + pair.seed());
        } finally {
            columns.forEach(FieldVector::close);
        }
    }

    /** {@code gatherOrNull} with a share of negative (missing) indices; an empty source has only missing rows. */
    static void gatherOrNull(DevicePair pair, int sourceRows, int indexCount, double missingShare) {
        BufferAllocator allocator = pair.allocator();
        RandomVectors random = new RandomVectors(pair.seed() ^ (sourceRows * 131L + indexCount)
                ^ Double.hashCode(missingShare));
        List<FieldVector> columns = sourceRows == 0 ? emptyColumns(pair.host(), allocator)
                : EdgeValues.rows(random, sourceRows, RowShape.DISTINCT, pair.host(), allocator);
        try (IntVector indices = indicesOrMissing(random.random(), indexCount, sourceRows, missingShare, allocator)) {
            compareColumns(pair.host().gatherOrNull(columns, indices, allocator),
                    () -> pair.device().gatherOrNull(columns, indices, allocator),
                    "gatherOrNull of " + indexCount + " of " + sourceRows + " rows, " + missingShare + " missing, seed "
                            + pair.seed());
        } finally {
            columns.forEach(FieldVector::close);
        }
    }

    /** {@code concatenate} of parts of the given row counts (0: an empty part), of random shapes. */
    static void concatenate(DevicePair pair, int[] partRows) {
        BufferAllocator allocator = pair.allocator();
        Device host = pair.host();
        RandomVectors random = new RandomVectors(pair.seed() ^ Arrays.hashCode(partRows));
        List<List<FieldVector>> parts = new ArrayList<>();
        List<FieldVector> template = EdgeValues.rows(random, 1, RowShape.DISTINCT, host, allocator);
        try {
            for (int rows : partRows) {
                RowShape shape = RowShape.values()[random.random().nextInt(3)];
                parts.add(rows == 0 ? emptyColumns(host, allocator) : EdgeValues.rows(random, rows, shape, host, allocator));
            }
            compareColumns(host.concatenate(parts, template, allocator),
                    () -> pair.device().concatenate(parts, template, allocator),
                    "concatenate of parts of " + Arrays.toString(partRows) + " rows, seed " + pair.seed());
        } finally {
            parts.forEach(part -> part.forEach(FieldVector::close));
            template.forEach(FieldVector::close);
        }
    }

    /**
     * {@code hashPartition} ids of each key column alone and of all together (all rows and the first
     * half), for {@link #PARTITION_COUNTS} partitions, with Spark's seed and a random one.
     */
    static void hashPartitionIds(DevicePair pair, int rows, RowShape shape) {
        BufferAllocator allocator = pair.allocator();
        RandomVectors random = new RandomVectors(pair.seed() ^ (rows * 7919L) ^ shape.ordinal());
        List<FieldVector> columns = EdgeValues.rows(random, rows, shape, pair.host(), allocator);
        try {
            for (int partitions : PARTITION_COUNTS) {
                int hashSeed = partitions == 7 ? random.random().nextInt() : Device.SPARK_PARTITION_SEED;
                for (FieldVector column : columns) {
                    sameIds(pair, List.of(column), rows, partitions, hashSeed, "column " + column.getField());
                }
                sameIds(pair, columns, rows, partitions, hashSeed, "all columns");
                // rowCount may be below the keys' value count
                sameIds(pair, columns, rows / 2, partitions, hashSeed, "all columns, first half of the rows");
            }
        } finally {
            columns.forEach(FieldVector::close);
        }
    }

    /**
     * {@code positionsByPartition} and {@code splitByPartition} by the host's hash partition ids: the same
     * positions, and the same rows in the same order, per partition.
     */
    static void splitByPartition(DevicePair pair, int rows, RowShape shape) {
        BufferAllocator allocator = pair.allocator();
        Device host = pair.host();
        RandomVectors random = new RandomVectors(pair.seed() ^ (rows * 104_729L) ^ shape.ordinal());
        List<FieldVector> columns = EdgeValues.rows(random, rows, shape, host, allocator);
        try {
            for (int partitions : PARTITION_COUNTS) {
                try (IntVector ids = host.hashPartition(columns.subList(0, 4), rows, partitions, allocator)) {
                    samePositions(pair, ids, partitions);
                    List<List<FieldVector>> expected = host.splitByPartition(columns, ids, partitions, allocator);
                    try {
                        List<List<FieldVector>> actual = pair.device().splitByPartition(columns, ids, partitions,
                                allocator);
                        try {
                            assertEquals(expected.size(), actual.size(), "partitions");
                            for (int partition = 0; partition < partitions; partition++) {
                                assertSameColumns(expected.get(partition), actual.get(partition), "splitByPartition of "
                                        + rows + " rows into " + partitions + " partitions, partition " + partition
                                        + ", seed " + pair.seed());
                            }
                        } finally {
                            actual.forEach(part -> part.forEach(FieldVector::close));
                        }
                    } finally {
                        expected.forEach(part -> part.forEach(FieldVector::close));
                    }
                }
            }
        } finally {
            columns.forEach(FieldVector::close);
        }
    }

    private static void samePositions(DevicePair pair, IntVector ids, int partitions) {
        List<IntVector> expected = pair.host().positionsByPartition(ids, partitions, pair.allocator());
        try {
            List<IntVector> actual = pair.device().positionsByPartition(ids, partitions, pair.allocator());
            try {
                assertEquals(expected.size(), actual.size(), "partitions");
                for (int partition = 0; partition < partitions; partition++) {
                    assertSameVector(expected.get(partition), actual.get(partition), "positionsByPartition of "
                            + ids.getValueCount() + " ids into " + partitions + " partitions, partition " + partition
                            + ", seed " + pair.seed());
                }
            } finally {
                actual.forEach(IntVector::close);
            }
        } finally {
            expected.forEach(IntVector::close);
        }
    }

    private static void sameIds(DevicePair pair, List<FieldVector> keys, int rowCount, int partitions, int hashSeed,
            String what) {
        BufferAllocator allocator = pair.allocator();
        try (IntVector expected = pair.host().hashPartition(keys, rowCount, partitions, hashSeed, allocator);
                IntVector actual = pair.device().hashPartition(keys, rowCount, partitions, hashSeed, allocator)) {
            assertSameVector(expected, actual, "hashPartition of " + what + ", " + rowCount + " rows, " + partitions
                    + " partitions, hash seed " + hashSeed + ", test seed " + pair.seed());
        }
    }

    /** Compares the host's columns with the device's, closing both; the device's are made after the host's. */
    private static void compareColumns(List<FieldVector> expected, Supplier<List<FieldVector>> device,
            String context) {
        try {
            List<FieldVector> actual = device.get();
            try {
                assertSameColumns(expected, actual, context);
            } finally {
                actual.forEach(FieldVector::close);
            }
        } finally {
            expected.forEach(FieldVector::close);
        }
    }

    /** Columns of every type with no rows (built by the host's gather of no positions). */
    static List<FieldVector> emptyColumns(Device host, BufferAllocator allocator) {
        List<FieldVector> edges = EdgeValues.edgeColumns(allocator);
        try (IntVector none = new IntVector("none", allocator)) {
            none.allocateNew(1);
            none.setValueCount(0);
            return host.gather(edges, none, allocator);
        } finally {
            edges.forEach(FieldVector::close);
        }
    }

    /** Indices into {@code rows} rows where a share of {@code missingShare} is negative (-1 mostly, other negatives too). */
    private static IntVector indicesOrMissing(Random random, int count, int rows, double missingShare,
            BufferAllocator allocator) {
        IntVector indices = new IntVector("indices", allocator);
        indices.allocateNew(Math.max(count, 1));
        for (int i = 0; i < count; i++) {
            boolean missing = rows == 0 || random.nextDouble() < missingShare;
            indices.set(i, missing ? (random.nextInt(8) == 0 ? -1 - random.nextInt(1000) : -1) : random.nextInt(rows));
        }
        indices.setValueCount(count);
        return indices;
    }
}
