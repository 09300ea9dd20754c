package dev.ember.device.host;

import dev.ember.device.Device;
import java.util.Arrays;
import java.util.List;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.util.MemoryUtil;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.IntVector;

/**
 * The join hash table on the host: one entry per distinct non-null build key, numbered densely in the
 * order of their first rows, and the build rows of each entry side by side in one array (a compressed row
 * layout: entry {@code e}'s rows are {@code rows[offsets[e], offsets[e + 1])}, in ascending order), so a
 * probe reads a key's matches in one sequential run instead of following a chain of random accesses.
 *
 * <p>Keys of one or two columns of signed integers, dates or timestamps (every TPC-H join) are held in
 * {@link IntegralKeySlots}, which stores the key values themselves in its slots: a lookup compares them
 * there instead of reading the build columns at a random row, and touches one slot, one offset pair and
 * the run of rows. Other keys go through {@link HostHashTable}, slots
 * of first rows compared through {@link HostKeys}. The build key vectors are borrowed and must outlive the
 * table.
 */
public final class HostJoinTable implements Device.JoinTable {
    /** Probe rows hashed together, ahead of the lookups. */
    private static final int PROBE_BLOCK_ROWS = 1024;

    private final HostKeys buildKeys;
    private final int buildRows;
    /** The general table (slots of entries' first rows), or null for an integral key. */
    private final HostHashTable table;
    /** The dense entry of each entry's first row (general table only). */
    private final int[] entryOfFirstRow;
    /** The integral key's slots, or null. */
    private final IntegralKeySlots integralSlots;
    /** Entry {@code e}'s rows are {@code rows[offsets[e], offsets[e + 1])}. */
    private final int[] offsets;
    /** The build rows with a non-null key, grouped by entry. */
    private final int[] rows;

    private HostJoinTable(List<FieldVector> keys, int rowCount) {
        this.buildKeys = new HostKeys(keys);
        this.buildRows = rowCount;
        int[] entryOfRow = new int[rowCount];
        int entries;
        if (integralKeys(keys)) {
            this.table = null;
            this.entryOfFirstRow = null;
            this.integralSlots = new IntegralKeySlots(keys.size(), rowCount);
            KeyReader reader = new KeyReader(keys);
            for (int row = 0; row < rowCount; row++) {
                entryOfRow[row] = reader.isValid(row) ? integralSlots.findOrInsert(reader.first(row),
                        reader.second(row)) : -1;
            }
            entries = integralSlots.size();
        } else {
            this.integralSlots = null;
            this.table = new HostHashTable(rowCount);
            this.entryOfFirstRow = new int[rowCount];
            HostHashTable.EntryMatcher sameBuildKey = (entry, row) -> buildKeys.sameKey(entry, buildKeys, row);
            long[] hashes = new long[rowCount];
            boolean[] nullKey = new boolean[rowCount];
            buildKeys.hashRows(0, rowCount, hashes, nullKey);
            entries = 0;
            for (int row = 0; row < rowCount; row++) {
                if (nullKey[row]) {
                    entryOfRow[row] = -1;
                    continue;
                }
                int first = table.findOrInsert(hashes[row], sameBuildKey, row, row);
                if (first == row) {
                    entryOfFirstRow[row] = entries++;
                }
                entryOfRow[row] = entryOfFirstRow[first];
            }
        }
        // counts, then their running sums, then each entry's rows in row order
        this.offsets = new int[entries + 1];
        for (int row = 0; row < rowCount; row++) {
            if (entryOfRow[row] >= 0) {
                offsets[entryOfRow[row] + 1]++;
            }
        }
        for (int entry = 0; entry < entries; entry++) {
            offsets[entry + 1] += offsets[entry];
        }
        this.rows = new int[offsets[entries]];
        int[] fill = Arrays.copyOf(offsets, entries);
        for (int row = 0; row < rowCount; row++) {
            int entry = entryOfRow[row];
            if (entry >= 0) {
                rows[fill[entry]++] = row;
            }
        }
    }

    /** See {@link Device#buildJoinTable}. */
    public static HostJoinTable build(List<FieldVector> keys, int rowCount) {
        for (FieldVector key : keys) {
            if (key.getValueCount() < rowCount) {
                throw new IllegalArgumentException("build key " + key.getField().getName() + " holds "
                        + key.getValueCount() + " values, fewer than the " + rowCount + " build rows");
            }
        }
        return new HostJoinTable(keys, rowCount);
    }

    @Override
    public int buildRowCount() {
        return buildRows;
    }

    @Override
    public long bytes() {
        long slots = table != null ? table.bytes() + (long) entryOfFirstRow.length * Integer.BYTES
                : integralSlots.bytes();
        return slots + ((long) offsets.length + rows.length) * Integer.BYTES;
    }

    /** See {@link Device#probeJoinTable}. */
    public Device.JoinMatches probe(List<FieldVector> probeKeys, int startRow, int rowCount, int maxPairs,
            BufferAllocator allocator) {
        if (probeKeys.size() != buildKeys.size()) {
            throw new IllegalArgumentException(probeKeys.size() + " probe keys for " + buildKeys.size()
                    + " build keys");
        }
        for (FieldVector key : probeKeys) {
            if (key.getValueCount() < rowCount) {
                throw new IllegalArgumentException("probe key " + key.getField().getName() + " holds "
                        + key.getValueCount() + " values, fewer than the " + rowCount + " probe rows");
            }
        }
        if (integralSlots != null && !integralKeys(probeKeys)) {
            throw new IllegalArgumentException("integral build keys probed with keys of other types");
        }
        HostKeys probe = integralSlots == null ? new HostKeys(probeKeys) : null;
        HostHashTable.EntryMatcher sameKey = probe == null ? null : (entry, row) -> buildKeys.sameKey(entry, probe, row);
        KeyReader reader = integralSlots == null ? null : new KeyReader(probeKeys);
        int[] probeRows = new int[Math.max(16, Math.min(maxPairs, rowCount - startRow))];
        int[] matchedRows = new int[probeRows.length];
        int pairs = 0;
        int row = startRow;
        long[] hashes = new long[probe == null ? 0 : Math.min(PROBE_BLOCK_ROWS, Math.max(0, rowCount - startRow))];
        boolean[] nullKey = new boolean[hashes.length];
        int blockStart = row;
        int blockEnd = row;
        for (; row < rowCount && pairs < maxPairs; row++) {
            int entry;
            if (probe == null) {
                entry = reader.isValid(row) ? integralSlots.find(reader.first(row), reader.second(row)) : -1;
            } else {
                if (row == blockEnd) {
                    // hash the keys a block at a time: the loop may stop early once maxPairs pairs are found
                    blockStart = row;
                    blockEnd = Math.min(rowCount, row + hashes.length);
                    probe.hashRows(blockStart, blockEnd - blockStart, hashes, nullKey);
                }
                int first = nullKey[row - blockStart] ? -1 : table.find(hashes[row - blockStart], sameKey, row);
                entry = first < 0 ? -1 : entryOfFirstRow[first];
            }
            if (entry < 0) {
                continue;
            }
            int from = offsets[entry];
            int matches = offsets[entry + 1] - from;
            if (pairs + matches > probeRows.length) {
                int grown = Math.max(pairs + matches, probeRows.length * 2);
                probeRows = Arrays.copyOf(probeRows, grown);
                matchedRows = Arrays.copyOf(matchedRows, grown);
            }
            // most keys have a few rows: a plain loop beats two bulk calls per probe row
            for (int i = 0; i < matches; i++) {
                probeRows[pairs + i] = row;
                matchedRows[pairs + i] = rows[from + i];
            }
            pairs += matches;
        }
        IntVector probeOut = toVector("probe", probeRows, pairs, allocator);
        try {
            IntVector buildOut = toVector("build", matchedRows, pairs, allocator);
            return new Device.JoinMatches(probeOut, buildOut, row);
        } catch (RuntimeException e) {
            probeOut.close();
            throw e;
        }
    }

    /** Whether the keys are one or two columns of signed integers, dates or timestamps. */
    private static boolean integralKeys(List<FieldVector> keys) {
        return (keys.size() == 1 || keys.size() == 2) && keys.stream().allMatch(key -> HostColumn.integralWidth(key) != 0);
    }

    /** Reads one or two integral key columns straight from their buffers. */
    private static final class KeyReader {
        private final long firstValidity;
        private final long firstData;
        private final int firstWidth;
        /** The second column's addresses and width; width 0 for one key column. */
        private final long secondValidity;
        private final long secondData;
        private final int secondWidth;

        KeyReader(List<FieldVector> keys) {
            FieldVector first = keys.get(0);
            this.firstValidity = first.getValidityBuffer().memoryAddress();
            this.firstData = first.getDataBuffer().memoryAddress();
            this.firstWidth = HostColumn.integralWidth(first);
            FieldVector second = keys.size() > 1 ? keys.get(1) : null;
            this.secondValidity = second == null ? 0 : second.getValidityBuffer().memoryAddress();
            this.secondData = second == null ? 0 : second.getDataBuffer().memoryAddress();
            this.secondWidth = second == null ? 0 : HostColumn.integralWidth(second);
        }

        /** Whether no key of the row is null. */
        boolean isValid(int row) {
            return HostColumn.bit(firstValidity, row) && (secondWidth == 0 || HostColumn.bit(secondValidity, row));
        }

        long first(int row) {
            return HostColumn.integralAt(firstData, firstWidth, row);
        }

        long second(int row) {
            return secondWidth == 0 ? 0 : HostColumn.integralAt(secondData, secondWidth, row);
        }
    }

    @Override
    public void close() {
        // heap only: nothing to release
    }

    private static IntVector toVector(String name, int[] values, int count, BufferAllocator allocator) {
        IntVector vector = new IntVector(name, allocator);
        try {
            vector.allocateNew(Math.max(count, 1));
            long data = vector.getDataBuffer().memoryAddress();
            for (int i = 0; i < count; i++) {
                MemoryUtil.putInt(data + (long) i * Integer.BYTES, values[i]);
            }
            // every position is a value: whole validity bytes at once, then the bits of the last part byte
            vector.getValidityBuffer().setOne(0L, count >>> 3);
            if ((count & 7) != 0) {
                vector.getValidityBuffer().setByte(count >>> 3, (1 << (count & 7)) - 1);
            }
            vector.setValueCount(count);
            return vector;
        } catch (RuntimeException e) {
            vector.close();
            throw e;
        }
    }
}
