package dev.ember.device.cuda;

import static java.util.Objects.requireNonNull;

import dev.ember.device.Device;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.arrow.memory.ArrowBuf;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.IntVector;
import org.apache.arrow.vector.VarCharVector;

/**
 * {@code sortIndices} on the GPU (kernels of {@code sort.cu}): a stable least-significant-digit radix
 * sort of row positions over 8-bit digits of normalized keys, then a tie-break of long strings, equal to
 * {@code dev.ember.device.host.HostSort}'s stable merge sort position for position, for string keys of any
 * length.
 *
 * <p>One {@code sort_key_spread} launch per key column finds which digits vary (a byte every row shares
 * needs no pass), whether the column has nulls, and the longest string; then each pass is a stable
 * counting sort: {@code sort_digit_tile_counts} → {@code exclusive_scan_tile_totals} →
 * {@code sort_digit_scatter}, ping-ponging between two position buffers. String keys are radix-sorted on a
 * prefix only: their first {@code prefix} bytes ({@link #STRING_PREFIX_BYTES} unless a test picks another),
 * then their length clamped to {@code prefix + 1}, an order consistent with the full one in which two strings
 * longer than the prefix that share it tie. When some string key is longer than the prefix,
 * {@link SortTieBreak} then sorts each run of tied rows over the full keys on the GPU. Top-N sorts every row
 * and keeps the first N (the tie-break skips the runs that start past N). Thread-safe; holds only a counter of
 * tie-breaks.
 */
final class RadixSort {

    /**
     * Bytes of a string key the radix passes read. Each byte is one counting-sort pass over every row (three
     * launches), so the passes of a batch with long strings grow with this; what lies past it costs nothing
     * unless two rows share the whole prefix, and then only those rows go to the tie-break's merge sort, one
     * thread per run of tied rows. 32 bytes sort most real keys (names, codes, dates and timestamps as text,
     * short labels) exactly in at most 33 passes, where the old limit of one pass per byte up to 256 bytes
     * took up to 257; keys that commonly share longer prefixes (URLs, paths) pay in the tie-break instead.
     */
    static final int STRING_PREFIX_BYTES = 32;

    /** Most cells of the 256 x tiles count matrix, which one block scans (as in {@link HashPartition}). */
    private static final long MAX_COUNT_CELLS = 1L << 20;
    private static final int DIGITS = 256;

    /** Digit specifications and flags of a pass; must match sort.cu. */
    private static final int NULL_PASS = -1;
    private static final int STRING_LENGTH_BYTES = 4;
    private static final int FLAG_DESCENDING = 1;
    private static final int FLAG_NULLS_FIRST = 2;

    /** One key column's buffers (for strings, {@code values} is the byte buffer). */
    record Column(ColumnKind kind, long values, long offsets, long validity) {}

    /** One counting-sort pass: the column, which digit, and the direction flags. */
    private record Pass(Column column, int spec, int flags) {}

    private final KernelLauncher launcher;
    private final SortTieBreak tieBreak;
    private final int prefix;
    private final AtomicLong tieBreaks = new AtomicLong();

    RadixSort(KernelLauncher launcher, StreamCompaction compaction) {
        this(launcher, compaction, STRING_PREFIX_BYTES);
    }

    /**
     * A radix sort that reads {@code prefix} bytes of each string key (tests force tiny prefixes so that the
     * tie-break runs on short strings; 0 leaves only empty against non-empty to the passes).
     */
    RadixSort(KernelLauncher launcher, StreamCompaction compaction, int prefix) {
        if (prefix < 0) {
            throw new IllegalArgumentException("the string prefix must not be negative: " + prefix);
        }
        this.launcher = requireNonNull(launcher, "launcher is null");
        this.tieBreak = new SortTieBreak(launcher, requireNonNull(compaction, "compaction is null"));
        this.prefix = prefix;
    }

    /** How many sorts since this instance was made ran the tie-break (a string key longer than the prefix). */
    long tieBreaks() {
        return tieBreaks.get();
    }

    /** Why {@code sortIndices} cannot sort {@code key} at all on this device, or empty when the kernels cover its type. */
    static Optional<String> unsupportedType(FieldVector key) {
        return ColumnKind.of(key) == null ? Optional.of("sort key column " + key.getField().getName() + " of Arrow type "
                + key.getField().getType() + " has no radix sort kernel") : Optional.empty();
    }

    /**
     * See {@link Device#sortIndices}: the sorted positions, for string keys of any length. The arguments are
     * checked as the host checks them, with its messages; every key type must pass {@link #unsupportedType}.
     */
    IntVector sortIndices(List<FieldVector> keys, List<Device.SortKey> orders, int rowCount, int limit,
            BufferAllocator allocator) {
        if (keys.size() != orders.size()) {
            throw new IllegalArgumentException(keys.size() + " sort keys but " + orders.size() + " orders");
        }
        if (rowCount < 0) {
            throw new IllegalArgumentException("rowCount must not be negative: " + rowCount);
        }
        for (FieldVector key : keys) {
            if (rowCount < 0 || rowCount > key.getValueCount()) {
                throw new IndexOutOfBoundsException("rows 0.." + rowCount + " of " + key.getField().getName()
                        + ", which holds " + key.getValueCount());
            }
        }
        int kept = limit < 0 ? rowCount : Math.min(limit, rowCount);
        if (kept == 0) {
            return positions(allocator, 0);
        }
        launcher.enter();
        List<Column> columns = new ArrayList<>(keys.size());
        for (int k = 0; k < keys.size(); k++) {
            columns.add(column("sort key " + k + " (" + keys.get(k).getField().getName() + ")", keys.get(k), rowCount));
        }
        List<Pass> passes = new ArrayList<>();
        // the first key column with a string longer than the prefix, or -1: the tie-break's runs end there
        int firstLongColumn = -1;
        try (ArrowBuf spread = allocator.buffer(Math.max(1, columns.size()) * 3L * Long.BYTES)) {
            spread.setZero(0, spread.capacity());
            launcher.requireManaged("the key spreads (from the caller's allocator)", spread.memoryAddress(),
                    spread.capacity());
            for (int k = 0; k < columns.size(); k++) {
                Column column = columns.get(k);
                launcher.launch(Kernel.SORT_KEY_SPREAD, launcher.blocksFor(rowCount), new KernelArguments()
                        .integer("kind", column.kind().ordinal()).address("values", column.values())
                        .address("offsets", column.offsets()).address("validity", column.validity())
                        .integer("count", rowCount).address("spread", spread.memoryAddress() + k * 3L * Long.BYTES));
            }
            launcher.synchronize("finding the digits of " + columns.size() + " sort keys over " + rowCount + " rows");
            // least significant first: the last key's lowest digit, up to the first key's null pass
            for (int k = columns.size() - 1; k >= 0; k--) {
                Column column = columns.get(k);
                Device.SortKey order = orders.get(k);
                int flags = (order.ascending() ? 0 : FLAG_DESCENDING) | (order.nullsFirst() ? FLAG_NULLS_FIRST : 0);
                long low = spread.getLong(k * 3L * Long.BYTES);
                long high = spread.getLong((k * 3L + 1) * Long.BYTES);
                boolean anyNull = spread.getLong((k * 3L + 2) * Long.BYTES) != 0;
                if (column.kind() == ColumnKind.STRING) {
                    if (low > prefix) {
                        firstLongColumn = k;  // the loop runs from the last key to the first
                    }
                    // the kernels clamp each length to prefix + 1, so no clamped length exceeds this
                    long longestClamped = Math.min(low, prefix + 1L);
                    for (int b = 0; b < STRING_LENGTH_BYTES; b++) {
                        if ((longestClamped >>> (8 * b)) != 0) {  // a higher length byte is 0 everywhere
                            passes.add(new Pass(column, b, flags));
                        }
                    }
                    for (int position = (int) Math.min(low, prefix) - 1; position >= 0; position--) {
                        passes.add(new Pass(column, STRING_LENGTH_BYTES + position, flags));
                    }
                } else {
                    for (int b = 0; b < column.kind().width; b++) {
                        long differs = b < 8 ? low >>> (8 * b) : high >>> (8 * (b - 8));
                        if ((differs & 0xff) != 0) {
                            passes.add(new Pass(column, b, flags));
                        }
                    }
                }
                if (anyNull) {
                    passes.add(new Pass(column, NULL_PASS, flags));
                }
            }
        }
        if (firstLongColumn >= 0) {
            tieBreaks.incrementAndGet();
        }
        return sortByPasses(passes, columns, orders, firstLongColumn, rowCount, kept, allocator);
    }

    /** The passes, then the tie-break when {@code firstLongColumn} is a key column (see {@link SortTieBreak}). */
    private IntVector sortByPasses(List<Pass> passes, List<Column> columns, List<Device.SortKey> orders,
            int firstLongColumn, int rowCount, int kept, BufferAllocator allocator) {
        long tileRows = Math.max(Kernel.BLOCK_THREADS, ((long) rowCount * DIGITS + MAX_COUNT_CELLS - 1) / MAX_COUNT_CELLS);
        int tiles = (int) ((rowCount + tileRows - 1) / tileRows);
        long cells = (long) DIGITS * tiles;
        try (ArrowBuf first = allocator.buffer(rowCount * 4L);
                ArrowBuf second = allocator.buffer(rowCount * 4L);
                ArrowBuf counts = allocator.buffer(passes.isEmpty() ? Long.BYTES : (cells + 1) * Long.BYTES)) {
            launcher.requireManaged("the sort positions (from the caller's allocator)", first.memoryAddress(), rowCount * 4L);
            launcher.requireManaged("the sort positions (from the caller's allocator)", second.memoryAddress(), rowCount * 4L);
            launcher.requireManaged("the digit counts (from the caller's allocator)", counts.memoryAddress(),
                    counts.capacity());
            long current = first.memoryAddress();
            long other = second.memoryAddress();
            launcher.launch(Kernel.SORT_IDENTITY, launcher.blocksFor(rowCount), new KernelArguments()
                    .address("positions", current).integer("count", rowCount));
            int tileBlocks = launcher.blocksFor(tiles);
            for (Pass pass : passes) {
                Column column = pass.column();
                launcher.launch(Kernel.SORT_DIGIT_TILE_COUNTS, tileBlocks, new KernelArguments()
                        .integer("kind", column.kind().ordinal()).address("values", column.values())
                        .address("offsets", column.offsets()).address("validity", column.validity())
                        .address("positions", current).integer("count", rowCount).integer("spec", pass.spec())
                        .integer("flags", pass.flags()).integer("prefix", prefix)
                        .integer("tileRows", (int) tileRows).integer("tiles", tiles)
                        .address("counts", counts.memoryAddress()));
                launcher.launch(Kernel.EXCLUSIVE_SCAN_TILE_TOTALS, 1, new KernelArguments()
                        .address("values", counts.memoryAddress()).integer("count", (int) cells));
                launcher.launch(Kernel.SORT_DIGIT_SCATTER, tileBlocks, new KernelArguments()
                        .integer("kind", column.kind().ordinal()).address("values", column.values())
                        .address("offsets", column.offsets()).address("validity", column.validity())
                        .address("positionsIn", current).integer("count", rowCount).integer("spec", pass.spec())
                        .integer("flags", pass.flags()).integer("prefix", prefix)
                        .integer("tileRows", (int) tileRows).integer("tiles", tiles)
                        .address("cursors", counts.memoryAddress()).address("positionsOut", other));
                long swap = current;
                current = other;
                other = swap;
            }
            if (firstLongColumn >= 0) {
                // the buffer the last pass read is free: the merges' scratch
                tieBreak.sortRuns(columns, orders, firstLongColumn, prefix, current, other, rowCount, kept,
                        allocator);
            }
            IntVector out = positions(allocator, kept);
            try {
                long target = out.getDataBuffer().memoryAddress();
                long validity = out.getValidityBuffer().memoryAddress();
                launcher.requireManaged("the sorted positions", target, kept * 4L);
                launcher.requireManaged("the sorted positions' validity", validity, (kept + 7L) / 8);
                launcher.launch(Kernel.CONCATENATE_FIXED_4, launcher.blocksFor(kept), new KernelArguments()
                        .address("source", current).integer("count", kept).address("target", target));
                launcher.launch(Kernel.SET_VALID_BITS, launcher.blocksFor((kept + 7L) / 8), new KernelArguments()
                        .address("bitmap", validity).integer("count", kept));
                launcher.synchronize("radix sorting " + rowCount + " rows in " + passes.size() + " passes");
                out.setValueCount(kept);
                return out;
            } catch (RuntimeException e) {
                out.close();
                throw e;
            }
        }
    }

    private static IntVector positions(BufferAllocator allocator, int count) {
        IntVector vector = new IntVector("positions", allocator);
        try {
            vector.allocateNew(Math.max(count, 1));
            vector.setValueCount(0);
            return vector;
        } catch (RuntimeException e) {
            vector.close();
            throw e;
        }
    }

    /** Checks and prefetches a key column's buffers for {@code rowCount} rows. */
    private Column column(String name, FieldVector key, int rowCount) {
        ColumnKind kind = ColumnKind.of(key);
        if (kind == null) {
            throw new IllegalArgumentException(unsupportedType(key).orElseThrow());
        }
        long validity = key.getValidityBuffer().memoryAddress();
        launcher.requireManaged(name + " validity", validity, (rowCount + 7L) / 8);
        launcher.prefetchToDevice(validity, (rowCount + 7L) / 8);
        if (kind == ColumnKind.STRING) {
            VarCharVector strings = (VarCharVector) key;
            long offsets = strings.getOffsetBuffer().memoryAddress();
            long bytes = strings.getOffsetBuffer().getInt((long) rowCount * Integer.BYTES);
            long data = strings.getDataBuffer().memoryAddress();
            launcher.requireManaged(name + " offsets", offsets, (rowCount + 1L) * Integer.BYTES);
            launcher.requireManaged(name + " bytes", data, bytes);
            launcher.prefetchToDevice(offsets, (rowCount + 1L) * Integer.BYTES);
            launcher.prefetchToDevice(data, bytes);
            // an empty vector may have no data buffer; the kernels read no byte of it then
            return new Column(kind, data == 0 ? offsets : data, offsets, validity);
        }
        long values = key.getDataBuffer().memoryAddress();
        long valueBytes = kind.valueBytes(rowCount);
        launcher.requireManaged(name + " values", values, valueBytes);
        launcher.prefetchToDevice(values, valueBytes);
        // fixed-width kinds read no offsets: any valid address stands in
        return new Column(kind, values, values, validity);
    }

}
