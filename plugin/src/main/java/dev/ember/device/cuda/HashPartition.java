package dev.ember.device.cuda;

import java.util.ArrayList;
import java.util.List;
import org.apache.arrow.memory.ArrowBuf;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.DecimalVector;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.IntVector;
import org.apache.arrow.vector.VarCharVector;

/**
 * {@code hashPartition} on the GPU (kernels of {@code hash_partition.cu}): the output vector's int32
 * buffer holds the row hashes while they are computed, seeded by one launch, folded by one launch per
 * key column, and turned into partition ids by a last one; bit-identical to
 * {@code dev.ember.device.host.HostHashPartition}, which is Spark's own Murmur3. And the row positions of
 * each partition for {@code splitByPartition}: a stable counting sort of the ids (per-tile counts →
 * exclusive scan → scatter in row order). Stateless.
 */
final class HashPartition {

    /** {@code Decimal.MAX_LONG_DIGITS}: wider decimals hash by the bytes of their unscaled value. */
    private static final int MAX_LONG_DIGITS = 18;

    /** The value kinds of {@code hash_partition_fixed}; the ordinals are the kernel's kind codes. */
    private enum Kind { BOOLEAN, BYTE, SHORT, INT, LONG, FLOAT, DOUBLE, DECIMAL_LONG, DECIMAL_WIDE }

    /**
     * Most cells of the partitions x tiles count matrix: one block scans it, so tiles grow past
     * {@link Kernel#BLOCK_THREADS} rows when many partitions would make it larger.
     */
    private static final long MAX_COUNT_CELLS = 1L << 20;

    private final KernelLauncher launcher;

    HashPartition(KernelLauncher launcher) {
        this.launcher = launcher;
    }

    /**
     * See {@code Device#hashPartition(List, int, int, int, BufferAllocator)}; the arguments are checked as the
     * host checks them, with its messages.
     */
    IntVector partitionIds(List<FieldVector> keys, int rowCount, int partitionCount, int seed,
            BufferAllocator allocator) {
        if (partitionCount < 1) {
            throw new IllegalArgumentException("partitionCount must be at least 1: " + partitionCount);
        }
        for (FieldVector key : keys) {
            if (rowCount < 0 || rowCount > key.getValueCount()) {
                throw new IllegalArgumentException("rowCount " + rowCount + " is outside key column "
                        + key.getField().getName() + "'s " + key.getValueCount() + " values");
            }
            if (!(key instanceof VarCharVector)) {
                kindOf(key);  // refuses a type before anything is launched
            }
        }
        launcher.enter();
        IntVector ids = new IntVector("partition", allocator);
        try {
            ids.allocateNew(Math.max(rowCount, 1));
            if (rowCount > 0) {
                long hashes = ids.getDataBuffer().memoryAddress();
                launcher.requireManaged("the partition ids", hashes, rowCount * 4L);
                int blocks = launcher.blocksFor(rowCount);
                launcher.launch(Kernel.HASH_PARTITION_SEED, blocks, new KernelArguments().address("hashes", hashes)
                        .integer("count", rowCount).integer("seed", seed));
                for (int column = 0; column < keys.size(); column++) {
                    hashColumn("key column " + column + " (" + keys.get(column).getField() + ")", keys.get(column),
                            rowCount, hashes, blocks);
                }
                launcher.launch(Kernel.HASH_PARTITION_PMOD, blocks, new KernelArguments().address("hashes", hashes)
                        .integer("count", rowCount).integer("partitions", partitionCount));
                long validity = ids.getValidityBuffer().memoryAddress();
                launcher.requireManaged("the partition ids' validity", validity, (rowCount + 7L) / 8);
                launcher.launch(Kernel.SET_VALID_BITS, launcher.blocksFor((rowCount + 7L) / 8),
                        new KernelArguments().address("bitmap", validity).integer("count", rowCount));
                launcher.synchronize("hash partitioning " + rowCount + " rows by " + keys.size() + " keys");
            }
            ids.setValueCount(rowCount);
            return ids;
        } catch (RuntimeException e) {
            ids.close();
            throw e;
        }
    }

    private void hashColumn(String name, FieldVector key, int rowCount, long hashes, int blocks) {
        long validity = key.getValidityBuffer().memoryAddress();
        launcher.requireManaged(name + " validity", validity, (rowCount + 7L) / 8);
        launcher.prefetchToDevice(validity, (rowCount + 7L) / 8);
        if (key instanceof VarCharVector strings) {
            long offsets = strings.getOffsetBuffer().memoryAddress();
            long bytes = strings.getOffsetBuffer().getInt((long) rowCount * Integer.BYTES);
            long data = strings.getDataBuffer().memoryAddress();
            launcher.requireManaged(name + " offsets", offsets, (rowCount + 1L) * Integer.BYTES);
            launcher.requireManaged(name + " bytes", data, bytes);
            launcher.prefetchToDevice(offsets, (rowCount + 1L) * Integer.BYTES);
            launcher.prefetchToDevice(data, bytes);
            // an empty vector may have no data buffer; the kernel reads no byte of it then
            launcher.launch(Kernel.HASH_PARTITION_STRINGS, blocks, new KernelArguments().address("offsets", offsets)
                    .address("data", data == 0 ? offsets : data).address("validity", validity)
                    .integer("count", rowCount).address("hashes", hashes));
            return;
        }
        Kind kind = kindOf(key);
        long values = key.getDataBuffer().memoryAddress();
        long valueBytes = ColumnKind.of(key).valueBytes(rowCount);
        launcher.requireManaged(name + " values", values, valueBytes);
        launcher.prefetchToDevice(values, valueBytes);
        launcher.launch(Kernel.HASH_PARTITION_FIXED, blocks, new KernelArguments().integer("kind", kind.ordinal())
                .address("values", values).address("validity", validity).integer("count", rowCount)
                .address("hashes", hashes));
    }

    private static Kind kindOf(FieldVector key) {
        ColumnKind kind = ColumnKind.of(key);
        if (kind == null || kind == ColumnKind.STRING) {
            throw new IllegalArgumentException("hash partitioning does not support key column "
                    + key.getField().getName() + " of Arrow type " + key.getField().getType());
        }
        // Spark hashes a decimal of at most 18 digits as its long, a wider one as its bytes
        return kind != ColumnKind.DECIMAL ? Kind.valueOf(kind.name())
                : ((DecimalVector) key).getPrecision() <= MAX_LONG_DIGITS ? Kind.DECIMAL_LONG : Kind.DECIMAL_WIDE;
    }

    /**
     * The row positions of each partition id in {@code [0, partitionCount)}, ascending: one new vector per
     * partition, owned by the caller (see {@code HostHashPartition.positionsByPartition}, whose errors these
     * are).
     *
     * @throws IllegalArgumentException when an id is null or outside {@code [0, partitionCount)}
     */
    List<IntVector> positionsByPartition(IntVector partitionIds, int partitionCount, BufferAllocator allocator) {
        if (partitionCount < 0) {
            throw new IllegalArgumentException("partitionCount must not be negative: " + partitionCount);
        }
        int rows = partitionIds.getValueCount();
        List<IntVector> positions = new ArrayList<>(partitionCount);
        try {
            if (rows == 0 || partitionCount == 0) {
                if (rows > 0) {
                    failOnBadId(partitionIds, 0, partitionCount);
                }
                for (int partition = 0; partition < partitionCount; partition++) {
                    positions.add(emptyPositions(allocator));
                }
                return positions;
            }
            launcher.enter();
            long tileRows = Math.max(Kernel.BLOCK_THREADS,
                    ((long) rows * partitionCount + MAX_COUNT_CELLS - 1) / MAX_COUNT_CELLS);
            int tiles = (int) ((rows + tileRows - 1) / tileRows);
            long cells = (long) partitionCount * tiles;
            long ids = partitionIds.getDataBuffer().memoryAddress();
            long idValidity = partitionIds.getValidityBuffer().memoryAddress();
            launcher.requireManaged("the partition ids", ids, rows * 4L);
            launcher.requireManaged("the partition ids' validity", idValidity, (rows + 7L) / 8);
            launcher.prefetchToDevice(ids, rows * 4L);
            try (ArrowBuf counts = allocator.buffer((cells + 1) * Long.BYTES);
                    ArrowBuf firstBadRow = allocator.buffer(Integer.BYTES);
                    ArrowBuf sorted = allocator.buffer(rows * 4L)) {
                firstBadRow.setInt(0, rows);
                launcher.requireManaged("the partition counts (from the caller's allocator)", counts.memoryAddress(),
                        counts.capacity());
                launcher.requireManaged("the bad-id flag (from the caller's allocator)", firstBadRow.memoryAddress(),
                        Integer.BYTES);
                launcher.requireManaged("the sorted positions (from the caller's allocator)", sorted.memoryAddress(),
                        rows * 4L);
                launcher.launch(Kernel.PARTITION_TILE_COUNTS, launcher.blocksFor(tiles), new KernelArguments()
                        .address("ids", ids).address("validity", idValidity).integer("count", rows)
                        .integer("partitions", partitionCount).integer("tileRows", (int) tileRows)
                        .integer("tiles", tiles).address("counts", counts.memoryAddress())
                        .address("firstBadRow", firstBadRow.memoryAddress()));
                launcher.launch(Kernel.EXCLUSIVE_SCAN_TILE_TOTALS, 1, new KernelArguments()
                        .address("values", counts.memoryAddress()).integer("count", (int) cells));
                launcher.launch(Kernel.PARTITION_SCATTER, launcher.blocksFor(tiles), new KernelArguments()
                        .address("ids", ids).address("validity", idValidity).integer("count", rows)
                        .integer("partitions", partitionCount).integer("tileRows", (int) tileRows)
                        .integer("tiles", tiles).address("cursors", counts.memoryAddress())
                        .address("positions", sorted.memoryAddress()));
                launcher.synchronize("sorting " + rows + " rows by partition id");
                int bad = firstBadRow.getInt(0);
                if (bad < rows) {
                    failOnBadId(partitionIds, bad, partitionCount);
                }
                long start = 0;
                for (int partition = 0; partition < partitionCount; partition++) {
                    // after the scatter, the last tile's cursor of a partition is where the partition ends
                    long end = counts.getLong(((long) partition * tiles + tiles - 1) * Long.BYTES);
                    positions.add(copyPositions(sorted.memoryAddress() + start * 4, (int) (end - start), allocator));
                    start = end;
                }
                launcher.synchronize("copying the positions of " + partitionCount + " partitions");
            }
            return positions;
        } catch (RuntimeException e) {
            positions.forEach(IntVector::close);
            throw e;
        }
    }

    private static IntVector emptyPositions(BufferAllocator allocator) {
        IntVector vector = new IntVector("positions", allocator);
        vector.allocateNew(1);
        vector.setValueCount(0);
        return vector;
    }

    private IntVector copyPositions(long source, int count, BufferAllocator allocator) {
        if (count == 0) {
            return emptyPositions(allocator);
        }
        IntVector vector = new IntVector("positions", allocator);
        try {
            vector.allocateNew(count);
            long target = vector.getDataBuffer().memoryAddress();
            long validity = vector.getValidityBuffer().memoryAddress();
            launcher.requireManaged("a partition's positions", target, count * 4L);
            launcher.requireManaged("a partition's positions' validity", validity, (count + 7L) / 8);
            launcher.launch(Kernel.CONCATENATE_FIXED_4, launcher.blocksFor(count), new KernelArguments()
                    .address("source", source).integer("count", count).address("target", target));
            launcher.launch(Kernel.SET_VALID_BITS, launcher.blocksFor((count + 7L) / 8), new KernelArguments()
                    .address("bitmap", validity).integer("count", count));
            vector.setValueCount(count);
            return vector;
        } catch (RuntimeException e) {
            vector.close();
            throw e;
        }
    }

    /** Throws the host's error for the bad id at {@code row} (the first one, found by the kernel or here). */
    private static void failOnBadId(IntVector partitionIds, int row, int partitionCount) {
        for (int at = row; at < partitionIds.getValueCount(); at++) {
            if (partitionIds.isNull(at)) {
                throw new IllegalArgumentException("partition id at row " + at + " is null");
            }
            int id = partitionIds.get(at);
            if (id < 0 || id >= partitionCount) {
                throw new IllegalArgumentException("partition id " + id + " at row " + at + " is outside [0, "
                        + partitionCount + ")");
            }
        }
        throw new IllegalStateException("the partition kernel flagged row " + row + " but no id from there is bad");
    }
}
