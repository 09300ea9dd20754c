package dev.ember.device.cuda;

import static java.util.Objects.requireNonNull;

import dev.ember.device.Device;
import java.util.List;
import org.apache.arrow.memory.ArrowBuf;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.BitVector;
import org.apache.arrow.vector.IntVector;

/**
 * The tie-break of {@link RadixSort} on the GPU, for sorts with a string key longer than the prefix the radix
 * passes read. Let s be the first key column with such a string: rows whose truncated keys of columns [0, s]
 * differ are in their final order already, rows that tie there form a run that the passes ordered by the later
 * columns without column s's tail. Kernel {@code sort_run_starts} flags the sorted positions that start a run,
 * {@code selectTrue}'s compaction lists them, and kernel {@code sort_tie_break} merge-sorts each run of more
 * than one row that is out of order over the full keys of every column (one thread per run), keeping equal
 * rows in their order. Since the radix passes leave equal rows in input order, the result is the host's stable
 * merge sort. Stateless.
 */
final class SortTieBreak {

    /** 64-bit words per key column of the key table: kind, values, offsets, validity, flags (kSortKeyWords). */
    private static final int KEY_WORDS = 5;

    /** Direction flags of the key table; must match sort.cu. */
    private static final int FLAG_DESCENDING = 1;
    private static final int FLAG_NULLS_FIRST = 2;

    private final KernelLauncher launcher;
    private final StreamCompaction compaction;

    SortTieBreak(KernelLauncher launcher, StreamCompaction compaction) {
        this.launcher = requireNonNull(launcher, "launcher is null");
        this.compaction = requireNonNull(compaction, "compaction is null");
    }

    /**
     * Sorts the runs of tied truncated keys in {@code positions} (rows [0, rowCount) in the radix passes'
     * order, on the device) in place, using {@code scratch} (as many positions, contents ignored) for the
     * merges; runs that start at or after {@code kept} stay as they are. Synchronizes before it returns.
     *
     * @param columns the key columns as the passes read them, checked and prefetched by {@link RadixSort}
     * @param firstLongColumn the first column with a string longer than {@code prefix}: runs end at its column
     * @param prefix the string bytes the passes read
     */
    void sortRuns(List<RadixSort.Column> columns, List<Device.SortKey> orders, int firstLongColumn, int prefix,
            long positions, long scratch, int rowCount, int kept, BufferAllocator allocator) {
        long bitmapBytes = (rowCount + 7L) / 8;
        try (ArrowBuf table = allocator.buffer((long) columns.size() * KEY_WORDS * Long.BYTES);
                BitVector starts = new BitVector("run starts", allocator)) {
            for (int k = 0; k < columns.size(); k++) {
                RadixSort.Column column = columns.get(k);
                Device.SortKey order = orders.get(k);
                long at = (long) k * KEY_WORDS * Long.BYTES;
                table.setLong(at, column.kind().ordinal());
                table.setLong(at + Long.BYTES, column.values());
                table.setLong(at + 2L * Long.BYTES, column.offsets());
                table.setLong(at + 3L * Long.BYTES, column.validity());
                table.setLong(at + 4L * Long.BYTES,
                        (order.ascending() ? 0 : FLAG_DESCENDING) | (order.nullsFirst() ? FLAG_NULLS_FIRST : 0));
            }
            launcher.requireManaged("the sort key table (from the caller's allocator)", table.memoryAddress(),
                    table.capacity());
            starts.allocateNew(rowCount);
            long flags = starts.getDataBuffer().memoryAddress();
            long validity = starts.getValidityBuffer().memoryAddress();
            launcher.requireManaged("the run-start flags", flags, bitmapBytes);
            launcher.requireManaged("the run-start validity", validity, bitmapBytes);
            launcher.launch(Kernel.SORT_RUN_STARTS, launcher.blocksFor(bitmapBytes), new KernelArguments()
                    .address("keys", table.memoryAddress()).integer("keyCount", firstLongColumn + 1)
                    .integer("prefix", prefix).address("positions", positions).integer("count", rowCount)
                    .address("flags", flags));
            launcher.launch(Kernel.SET_VALID_BITS, launcher.blocksFor(bitmapBytes), new KernelArguments()
                    .address("bitmap", validity).integer("count", rowCount));
            starts.setValueCount(rowCount);
            // selectTrue synchronizes, so the run count is known here
            try (IntVector runStarts = compaction.selectTrue(starts, rowCount, allocator)) {
                int runs = runStarts.getValueCount();
                if (runs < rowCount) {  // else every row differs from the previous one: nothing to break
                    launcher.launch(Kernel.SORT_TIE_BREAK, launcher.blocksFor(runs), new KernelArguments()
                            .address("keys", table.memoryAddress()).integer("keyCount", columns.size())
                            .address("starts", runStarts.getDataBuffer().memoryAddress())
                            .integer("runs", runs).integer("count", rowCount).integer("kept", kept)
                            .address("positions", positions).address("scratch", scratch));
                }
                // the kernels read the table and the starts, which close here
                launcher.synchronize("breaking the ties of " + runs + " runs over " + rowCount + " sorted rows");
            }
        }
    }
}
