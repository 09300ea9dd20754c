package dev.ember.device.cuda;

import dev.ember.device.Device;
import java.util.ArrayList;
import java.util.List;
import org.apache.arrow.memory.ArrowBuf;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.IntVector;

/**
 * {@code buildJoinTable} and {@code probeJoinTable} on the GPU (kernels of {@code hash_join.cu}), with the
 * results of {@code dev.ember.device.host.HostJoinTable}: the same pairs in the same order (probe rows
 * ascending, each row's build rows ascending), the same {@code nextRow}, null keys matching nothing, NaN
 * equal to NaN and -0.0 to 0.0, integral keys equal by value across widths.
 *
 * <p>Build: open addressing over packed 64-bit slots claimed with one {@code atomicCAS}, keys compared
 * against the build's own key columns; then the rows grouped by key (a stable radix sort by entry), so a
 * probe reads a key's rows as one run. Probe: count the matches per probe row, scan, cut at
 * {@code maxPairs} as the host does, fill one thread per pair. Stateless; the {@link Table}s it builds
 * hold their buffers.
 */
final class HashJoin {

    /** The key kinds of {@code hash_join.cu}; the ordinals are the kernel's kind codes. */
    /** Bytes of one {@code KeyColumn} record: kind, validity, values, offsets. */
    private static final int KEY_COLUMN_BYTES = 4 * Long.BYTES;
    /** The host's limit too: the slot array (two slots per row) must stay within an int. */
    private static final int MAX_BUILD_ROWS = 1 << 29;
    /** Bits of the key one radix pass sorts by (256 digits). */
    private static final int RADIX_BITS = 8;
    /** Most cells of a pass's 256 x tiles count matrix: one block scans it. */
    private static final long MAX_COUNT_CELLS = 1L << 20;

    private final KernelLauncher launcher;

    HashJoin(KernelLauncher launcher) {
        this.launcher = launcher;
    }

    /** See {@link Device#buildJoinTable}; arguments are checked as the host checks them. */
    Table build(List<FieldVector> keys, int rowCount, BufferAllocator allocator) {
        for (FieldVector key : keys) {
            if (key.getValueCount() < rowCount) {
                throw new IllegalArgumentException("build key " + key.getField().getName() + " holds "
                        + key.getValueCount() + " values, fewer than the " + rowCount + " build rows");
            }
        }
        if (rowCount < 0 || rowCount > MAX_BUILD_ROWS) {
            throw new IllegalArgumentException("a join table holds 0 to " + MAX_BUILD_ROWS + " build rows, not "
                    + rowCount);
        }
        List<ColumnKind> kinds = kindsOf(keys);
        if (rowCount == 0) {
            return new Table(keys, kinds, 0, 0, List.of());
        }
        launcher.enter();
        int capacity = Integer.highestOneBit(Math.max(16, rowCount) * 2 - 1) << 1;
        List<ArrowBuf> owned = new ArrayList<>();
        try {
            ArrowBuf columns = describe("build", keys, kinds, rowCount, allocator, owned);
            ArrowBuf slots = buffer(allocator, owned, "the join table's slots", (long) capacity * Long.BYTES);
            ArrowBuf entryCounts = buffer(allocator, owned, "the join table's entry counts", rowCount * 4L);
            ArrowBuf entryStarts = buffer(allocator, owned, "the join table's entry starts", rowCount * 4L);
            try (ArrowBuf keysA = managed(allocator, "the entries to sort", rowCount * 4L);
                    ArrowBuf keysB = managed(allocator, "the entries to sort", rowCount * 4L);
                    ArrowBuf rowsA = managed(allocator, "the rows to sort", rowCount * 4L);
                    ArrowBuf rowsB = managed(allocator, "the rows to sort", rowCount * 4L)) {
                launcher.launch(Kernel.JOIN_BUILD_INIT, launcher.blocksFor(capacity), new KernelArguments()
                        .address("slots", slots.memoryAddress()).integer("capacity", capacity)
                        .address("entryCounts", entryCounts.memoryAddress()).integer("count", rowCount));
                launcher.launch(Kernel.JOIN_BUILD_INSERT, launcher.blocksFor(rowCount), new KernelArguments()
                        .address("columns", columns.memoryAddress()).integer("columnCount", keys.size())
                        .integer("count", rowCount).address("slots", slots.memoryAddress())
                        .integer("capacity", capacity).address("sortKeys", keysA.memoryAddress())
                        .address("sortRows", rowsA.memoryAddress())
                        .address("entryCounts", entryCounts.memoryAddress()));
                boolean sortedInA = sortByEntry(rowCount, keysA, rowsA, keysB, rowsB, allocator);
                ArrowBuf sortedKeys = sortedInA ? keysA : keysB;
                ArrowBuf sortedRows = sortedInA ? rowsA : rowsB;
                launcher.launch(Kernel.JOIN_BUILD_SEGMENTS, launcher.blocksFor(rowCount), new KernelArguments()
                        .address("sortedKeys", sortedKeys.memoryAddress()).integer("count", rowCount)
                        .address("entryStarts", entryStarts.memoryAddress()));
                launcher.synchronize("building a join table over " + rowCount + " rows of " + keys.size() + " keys");
                // the table keeps the sorted rows; its reference outlives the try's release of this one
                sortedRows.getReferenceManager().retain();
                owned.add(sortedRows);
            }
            return new Table(keys, kinds, rowCount, capacity, owned);
        } catch (RuntimeException e) {
            owned.forEach(ArrowBuf::close);
            throw e;
        }
    }

    /**
     * The stable LSD radix sort of (entry, row) pairs by entry, 8 bits a pass over the bits an entry (at
     * most {@code rowCount}, the null-key mark) needs; returns whether the result is in the A buffers.
     */
    private boolean sortByEntry(int rowCount, ArrowBuf keysA, ArrowBuf rowsA, ArrowBuf keysB, ArrowBuf rowsB,
            BufferAllocator allocator) {
        int bits = Integer.SIZE - Integer.numberOfLeadingZeros(rowCount);
        long tileRows = Math.max(Kernel.BLOCK_THREADS,
                ((long) rowCount * (1 << RADIX_BITS) + MAX_COUNT_CELLS - 1) / MAX_COUNT_CELLS);
        int tiles = (int) ((rowCount + tileRows - 1) / tileRows);
        long cells = (long) tiles << RADIX_BITS;
        boolean inA = true;
        try (ArrowBuf counts = managed(allocator, "the radix sort's counts", (cells + 1) * Long.BYTES)) {
            for (int shift = 0; shift < bits; shift += RADIX_BITS) {
                ArrowBuf keysIn = inA ? keysA : keysB;
                ArrowBuf rowsIn = inA ? rowsA : rowsB;
                launcher.launch(Kernel.JOIN_RADIX_TILE_COUNTS, launcher.blocksFor(tiles), new KernelArguments()
                        .address("keys", keysIn.memoryAddress()).integer("count", rowCount).integer("shift", shift)
                        .integer("tileRows", (int) tileRows).integer("tiles", tiles)
                        .address("counts", counts.memoryAddress()));
                launcher.launch(Kernel.EXCLUSIVE_SCAN_TILE_TOTALS, 1, new KernelArguments()
                        .address("values", counts.memoryAddress()).integer("count", (int) cells));
                launcher.launch(Kernel.JOIN_RADIX_SCATTER, launcher.blocksFor(tiles), new KernelArguments()
                        .address("keys", keysIn.memoryAddress()).address("rows", rowsIn.memoryAddress())
                        .integer("count", rowCount).integer("shift", shift).integer("tileRows", (int) tileRows)
                        .integer("tiles", tiles).address("cursors", counts.memoryAddress())
                        .address("sortedKeys", (inA ? keysB : keysA).memoryAddress())
                        .address("sortedRows", (inA ? rowsB : rowsA).memoryAddress()));
                inA = !inA;
            }
            // the counts are released when this returns: the passes must have run
            launcher.synchronize("sorting " + rowCount + " build rows by join key");
        }
        return inA;
    }

    /** See {@link Device#probeJoinTable}; arguments are checked as the host checks them. */
    Device.JoinMatches probe(Table table, List<FieldVector> probeKeys, int startRow, int rowCount, int maxPairs,
            BufferAllocator allocator) {
        if (probeKeys.size() != table.keys.size()) {
            throw new IllegalArgumentException(probeKeys.size() + " probe keys for " + table.keys.size()
                    + " build keys");
        }
        List<ColumnKind> kinds = kindsOf(probeKeys);
        for (int i = 0; i < kinds.size(); i++) {
            ColumnKind build = table.kinds.get(i);
            ColumnKind probe = kinds.get(i);
            if (build != probe && !(build.integral() && probe.integral())) {
                throw new IllegalArgumentException("probe key " + probeKeys.get(i).getField() + " cannot be compared"
                        + " with build key " + table.keys.get(i).getField());
            }
        }
        int rows = rowCount - startRow;
        if (rows <= 0 || maxPairs <= 0) {
            return noPairs(startRow, allocator);
        }
        for (FieldVector key : probeKeys) {
            if (startRow < 0 || rowCount > key.getValueCount()) {
                throw new IndexOutOfBoundsException("rows " + startRow + ".." + rowCount + " of "
                        + key.getField().getName() + ", which holds " + key.getValueCount());
            }
        }
        if (table.buildRows == 0) {
            return noPairs(rowCount, allocator);
        }
        launcher.enter();
        List<ArrowBuf> temporary = new ArrayList<>();
        try {
            ArrowBuf columns = describe("probe", probeKeys, kinds, rowCount, allocator, temporary);
            ArrowBuf entries = buffer(allocator, temporary, "the probe rows' entries", rows * 4L);
            ArrowBuf offsets = buffer(allocator, temporary, "the probe rows' match counts", (rows + 1L) * Long.BYTES);
            ArrowBuf covered = buffer(allocator, temporary, "the probe's row count", Integer.BYTES);
            covered.setInt(0, rows);
            launcher.launch(Kernel.JOIN_PROBE_COUNT, launcher.blocksFor(rows), new KernelArguments()
                    .address("buildColumns", table.columns().memoryAddress())
                    .address("probeColumns", columns.memoryAddress()).integer("columnCount", probeKeys.size())
                    .address("slots", table.slots().memoryAddress()).integer("capacity", table.capacity)
                    .address("entryCounts", table.entryCounts().memoryAddress()).integer("firstRow", startRow)
                    .integer("count", rows).address("entries", entries.memoryAddress())
                    .address("matchCounts", offsets.memoryAddress()));
            launcher.launch(Kernel.EXCLUSIVE_SCAN_TILE_TOTALS, 1, new KernelArguments()
                    .address("values", offsets.memoryAddress()).integer("count", rows));
            launcher.launch(Kernel.JOIN_PROBE_CUTOFF, launcher.blocksFor(rows), new KernelArguments()
                    .address("offsets", offsets.memoryAddress()).integer("count", rows).integer("maxPairs", maxPairs)
                    .address("covered", covered.memoryAddress()));
            launcher.synchronize("counting the matches of " + rows + " probe rows");
            int coveredRows = covered.getInt(0);
            long pairs = offsets.getLong((long) coveredRows * Long.BYTES);
            if (pairs > Integer.MAX_VALUE) {
                throw new IllegalStateException("probe rows " + startRow + ".." + (startRow + coveredRows) + " match "
                        + pairs + " build rows, more than one vector holds; lower maxPairs");
            }
            IntVector probeOut = pairVector("probe", (int) pairs, allocator);
            IntVector buildOut = null;
            try {
                buildOut = pairVector("build", (int) pairs, allocator);
                if (pairs > 0) {
                    launcher.launch(Kernel.JOIN_PROBE_FILL, launcher.blocksFor(pairs), new KernelArguments()
                            .address("offsets", offsets.memoryAddress()).address("entries", entries.memoryAddress())
                            .integer("covered", coveredRows).integer("firstRow", startRow)
                            .address("entryStarts", table.entryStarts().memoryAddress())
                            .address("sortedRows", table.sortedRows().memoryAddress()).integer("pairCount", (int) pairs)
                            .address("probeRows", probeOut.getDataBuffer().memoryAddress())
                            .address("buildRows", buildOut.getDataBuffer().memoryAddress()));
                    for (IntVector out : List.of(probeOut, buildOut)) {
                        launcher.launch(Kernel.SET_VALID_BITS, launcher.blocksFor((pairs + 7) / 8), new KernelArguments()
                                .address("bitmap", out.getValidityBuffer().memoryAddress()).integer("count", (int) pairs));
                    }
                    launcher.synchronize("writing " + pairs + " join pairs");
                }
                probeOut.setValueCount((int) pairs);
                buildOut.setValueCount((int) pairs);
                return new Device.JoinMatches(probeOut, buildOut, startRow + coveredRows);
            } catch (RuntimeException e) {
                probeOut.close();
                if (buildOut != null) {
                    buildOut.close();
                }
                throw e;
            }
        } finally {
            temporary.forEach(ArrowBuf::close);
        }
    }

    private static Device.JoinMatches noPairs(int nextRow, BufferAllocator allocator) {
        IntVector probe = pairVector("probe", 0, allocator);
        try {
            IntVector build = pairVector("build", 0, allocator);
            probe.setValueCount(0);
            build.setValueCount(0);
            return new Device.JoinMatches(probe, build, nextRow);
        } catch (RuntimeException e) {
            probe.close();
            throw e;
        }
    }

    private static IntVector pairVector(String name, int pairs, BufferAllocator allocator) {
        IntVector vector = new IntVector(name, allocator);
        try {
            vector.allocateNew(Math.max(pairs, 1));
            return vector;
        } catch (RuntimeException e) {
            vector.close();
            throw e;
        }
    }

    /**
     * The {@code KeyColumn} records of {@code keys} in a new managed buffer (added to {@code owned}), after
     * checking that every buffer a kernel reads for {@code rowCount} rows is managed memory.
     */
    private ArrowBuf describe(String side, List<FieldVector> keys, List<ColumnKind> kinds, int rowCount,
            BufferAllocator allocator, List<ArrowBuf> owned) {
        ArrowBuf records = buffer(allocator, owned, "the " + side + " key columns' descriptions",
                Math.max(1, keys.size()) * (long) KEY_COLUMN_BYTES);
        for (int i = 0; i < keys.size(); i++) {
            FieldVector key = keys.get(i);
            ColumnKind kind = kinds.get(i);
            String name = side + " key " + i + " (" + key.getField() + ")";
            long validity = key.getValidityBuffer().memoryAddress();
            long values = key.getDataBuffer().memoryAddress();
            long offsets = 0;
            long valueBytes = switch (kind) {
                case BOOLEAN -> (rowCount + 7L) / 8;
                case BYTE -> rowCount;
                case SHORT -> rowCount * 2L;
                case INT, FLOAT -> rowCount * 4L;
                case LONG, DOUBLE -> rowCount * 8L;
                case DECIMAL -> rowCount * 16L;
                case STRING -> key.getOffsetBuffer().getInt((long) rowCount * Integer.BYTES);
            };
            launcher.requireManaged(name + " validity", validity, (rowCount + 7L) / 8);
            launcher.requireManaged(name + " values", values, valueBytes);
            launcher.prefetchToDevice(validity, (rowCount + 7L) / 8);
            launcher.prefetchToDevice(values, valueBytes);
            if (kind == ColumnKind.STRING) {
                offsets = key.getOffsetBuffer().memoryAddress();
                launcher.requireManaged(name + " offsets", offsets, (rowCount + 1L) * Integer.BYTES);
                launcher.prefetchToDevice(offsets, (rowCount + 1L) * Integer.BYTES);
            }
            long at = (long) i * KEY_COLUMN_BYTES;
            records.setLong(at, kind.ordinal());
            records.setLong(at + 8, validity);
            records.setLong(at + 16, values);
            records.setLong(at + 24, offsets);
        }
        return records;
    }

    /** A new managed buffer of {@code bytes} (at least one) added to {@code owned}. */
    private ArrowBuf buffer(BufferAllocator allocator, List<ArrowBuf> owned, String what, long bytes) {
        ArrowBuf buffer = managed(allocator, what, bytes);
        owned.add(buffer);
        return buffer;
    }

    private ArrowBuf managed(BufferAllocator allocator, String what, long bytes) {
        ArrowBuf buffer = allocator.buffer(Math.max(1, bytes));
        try {
            launcher.requireManaged(what + " (from the caller's allocator)", buffer.memoryAddress(), bytes);
            return buffer;
        } catch (RuntimeException e) {
            buffer.close();
            throw e;
        }
    }

    private static List<ColumnKind> kindsOf(List<FieldVector> keys) {
        List<ColumnKind> kinds = new ArrayList<>(keys.size());
        for (FieldVector key : keys) {
            kinds.add(kindOf(key));
        }
        return kinds;
    }

    private static ColumnKind kindOf(FieldVector key) {
        ColumnKind kind = ColumnKind.of(key);
        if (kind == null) {
            // the host refuses the same types (HostColumn.of)
            throw new IllegalArgumentException("join key " + key.getField().getName() + " of Arrow type "
                    + key.getField().getType() + " is not a type Ember carries");
        }
        return kind;
    }

    /**
     * A join table built by the kernels: the slots, each entry's count and first position, the build rows
     * grouped by entry, and the description of the build key columns (borrowed: they must outlive the
     * table). Read-only once built, so tasks may probe it concurrently; every buffer lives in the
     * allocator the build was given, so {@link #bytes()} (what it holds outside that allocator) is zero.
     */
    static final class Table implements Device.JoinTable {
        private final List<FieldVector> keys;
        private final List<ColumnKind> kinds;
        private final int buildRows;
        private final int capacity;
        /** Columns, slots, entry counts, entry starts, sorted rows; empty for an empty build side. */
        private final List<ArrowBuf> buffers;
        private boolean closed;

        private Table(List<FieldVector> keys, List<ColumnKind> kinds, int buildRows, int capacity, List<ArrowBuf> buffers) {
            this.keys = List.copyOf(keys);
            this.kinds = List.copyOf(kinds);
            this.buildRows = buildRows;
            this.capacity = capacity;
            this.buffers = List.copyOf(buffers);
        }

        ArrowBuf columns() {
            return buffers.get(0);
        }

        ArrowBuf slots() {
            return buffers.get(1);
        }

        ArrowBuf entryCounts() {
            return buffers.get(2);
        }

        ArrowBuf entryStarts() {
            return buffers.get(3);
        }

        ArrowBuf sortedRows() {
            return buffers.get(4);
        }

        @Override
        public int buildRowCount() {
            return buildRows;
        }

        @Override
        public long bytes() {
            return 0;
        }

        @Override
        public void close() {
            if (!closed) {
                closed = true;
                buffers.forEach(ArrowBuf::close);
            }
        }
    }
}
