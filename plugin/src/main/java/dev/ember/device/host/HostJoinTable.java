package dev.ember.device.host;

import dev.ember.device.Device;
import java.util.Arrays;
import java.util.List;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.util.MemoryUtil;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.IntVector;

/**
 * The join hash table on the host: one entry per distinct non-null build key (its first row), and the
 * build rows of each entry side by side in one array (a compressed row layout: an entry's rows are
 * {@code rows[start[entry], start[entry] + count[entry])}, in ascending order), so a probe reads a key's
 * matches in one sequential run instead of following a chain of random accesses. The build key vectors
 * are borrowed and must outlive the table.
 */
public final class HostJoinTable implements Device.JoinTable {
    /** Probe rows hashed together, ahead of the lookups. */
    private static final int PROBE_BLOCK_ROWS = 1024;

    private final HostKeys buildKeys;
    private final int buildRows;
    private final HostHashTable table;
    /** Per entry (indexed by the entry's first row): where its rows start in {@link #rows}, and how many. */
    private final int[] start;
    private final int[] count;
    /** The build rows with a non-null key, grouped by entry. */
    private final int[] rows;

    private HostJoinTable(List<FieldVector> keys, int rowCount) {
        this.buildKeys = new HostKeys(keys);
        this.buildRows = rowCount;
        this.table = new HostHashTable(rowCount);
        HostHashTable.EntryMatcher sameBuildKey = (entry, row) -> buildKeys.sameKey(entry, buildKeys, row);
        long[] hashes = new long[rowCount];
        boolean[] nullKey = new boolean[rowCount];
        buildKeys.hashRows(0, rowCount, hashes, nullKey);
        int[] entryOfRow = new int[rowCount];
        this.count = new int[rowCount];
        int keyed = 0;
        for (int row = 0; row < rowCount; row++) {
            if (nullKey[row]) {
                entryOfRow[row] = -1;
                continue;
            }
            int entry = table.findOrInsert(hashes[row], sameBuildKey, row, row);
            entryOfRow[row] = entry;
            count[entry]++;
            keyed++;
        }
        // an entry's first row comes before its other rows, so one pass lays the entries out in row order
        this.start = new int[rowCount];
        int[] fill = new int[rowCount];
        int next = 0;
        for (int row = 0; row < rowCount; row++) {
            if (entryOfRow[row] == row) {
                start[row] = next;
                fill[row] = next;
                next += count[row];
            }
        }
        this.rows = new int[keyed];
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
        return table.bytes() + ((long) start.length + count.length + rows.length) * Integer.BYTES;
    }

    /** See {@link Device#probeJoinTable}. */
    public Device.JoinMatches probe(List<FieldVector> probeKeys, int startRow, int rowCount, int maxPairs,
            BufferAllocator allocator) {
        if (probeKeys.size() != buildKeys.size()) {
            throw new IllegalArgumentException(probeKeys.size() + " probe keys for " + buildKeys.size()
                    + " build keys");
        }
        HostKeys probe = new HostKeys(probeKeys);
        HostHashTable.EntryMatcher sameKey = (entry, row) -> buildKeys.sameKey(entry, probe, row);
        int[] probeRows = new int[Math.max(16, Math.min(maxPairs, rowCount - startRow))];
        int[] matchedRows = new int[probeRows.length];
        int pairs = 0;
        int row = startRow;
        long[] hashes = new long[Math.min(PROBE_BLOCK_ROWS, Math.max(0, rowCount - startRow))];
        boolean[] nullKey = new boolean[hashes.length];
        int blockStart = row;
        int blockEnd = row;
        for (; row < rowCount && pairs < maxPairs; row++) {
            if (row == blockEnd) {
                // hash the keys a block at a time: the loop may stop early once maxPairs pairs are found
                blockStart = row;
                blockEnd = Math.min(rowCount, row + hashes.length);
                probe.hashRows(blockStart, blockEnd - blockStart, hashes, nullKey);
            }
            if (nullKey[row - blockStart]) {
                continue;
            }
            int entry = table.find(hashes[row - blockStart], sameKey, row);
            if (entry < 0) {
                continue;
            }
            int matches = count[entry];
            if (pairs + matches > probeRows.length) {
                int grown = Math.max(pairs + matches, probeRows.length * 2);
                probeRows = Arrays.copyOf(probeRows, grown);
                matchedRows = Arrays.copyOf(matchedRows, grown);
            }
            Arrays.fill(probeRows, pairs, pairs + matches, row);
            System.arraycopy(rows, start[entry], matchedRows, pairs, matches);
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
