package dev.ember.device.host;

import dev.ember.device.Device;
import java.util.Arrays;
import java.util.List;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.IntVector;

/**
 * The join hash table on the host: one entry per distinct non-null build key (its first row), and a
 * chain through the build rows that share it. The build key vectors are borrowed and must outlive
 * the table.
 */
public final class HostJoinTable implements Device.JoinTable {
    private final HostKeys buildKeys;
    private final int buildRows;
    private final HostHashTable table;
    private final int[] next;

    private HostJoinTable(List<FieldVector> keys, int rowCount) {
        this.buildKeys = new HostKeys(keys);
        this.buildRows = rowCount;
        this.table = new HostHashTable(rowCount);
        this.next = new int[rowCount];
        Arrays.fill(next, -1);
        HostHashTable.EntryMatcher sameBuildKey = (entry, row) -> buildKeys.sameKey(entry, buildKeys, row);
        for (int row = 0; row < rowCount; row++) {
            if (buildKeys.anyNull(row)) {
                continue;
            }
            int entry = table.findOrInsert(buildKeys.hash(row), sameBuildKey, row, row);
            if (entry != row) {
                // chain the new row right behind the entry's first row
                next[row] = next[entry];
                next[entry] = row;
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
        return table.bytes() + (long) next.length * Integer.BYTES;
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
        for (; row < rowCount && pairs < maxPairs; row++) {
            if (probe.anyNull(row)) {
                continue;
            }
            int match = table.find(probe.hash(row), sameKey, row);
            while (match >= 0) {
                if (pairs == probeRows.length) {
                    probeRows = Arrays.copyOf(probeRows, pairs * 2);
                    matchedRows = Arrays.copyOf(matchedRows, pairs * 2);
                }
                probeRows[pairs] = row;
                matchedRows[pairs] = match;
                pairs++;
                match = next[match];
            }
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
            for (int i = 0; i < count; i++) {
                vector.set(i, values[i]);
            }
            vector.setValueCount(count);
            return vector;
        } catch (RuntimeException e) {
            vector.close();
            throw e;
        }
    }
}
