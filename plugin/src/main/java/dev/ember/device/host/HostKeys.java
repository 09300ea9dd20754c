package dev.ember.device.host;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.arrow.vector.FieldVector;

/**
 * Several key columns read together: a row's combined hash, whether any key is null, and key
 * equality or ordering against another set of columns of the same types.
 */
public final class HostKeys {
    private static final long NULL_HASH = 0x5bd1e9955bd1e995L;
    private static final long INITIAL_HASH = 17;

    private final HostColumn[] columns;

    public HostKeys(List<FieldVector> vectors) {
        List<HostColumn> created = new ArrayList<>(vectors.size());
        for (FieldVector vector : vectors) {
            created.add(HostColumn.of(vector));
        }
        this.columns = created.toArray(new HostColumn[0]);
    }

    public int size() {
        return columns.length;
    }

    public HostColumn column(int index) {
        return columns[index];
    }

    public boolean anyNull(int row) {
        for (HostColumn column : columns) {
            if (column.isNull(row)) {
                return true;
            }
        }
        return false;
    }

    /** The combined hash of a row; a null key value hashes to a constant. */
    public long hash(int row) {
        long hash = INITIAL_HASH;
        for (HostColumn column : columns) {
            hash = hash * HostColumn.HASH_MULTIPLIER + (column.isNull(row) ? NULL_HASH : column.hash(row));
        }
        return HostColumn.mix(hash);
    }

    /**
     * The hashes of rows {@code [start, start + count)} into {@code hashes[0, count)} (each equal to
     * {@link #hash} of its row), and whether each row has a null key into {@code anyNull[0, count)}:
     * one pass per key column instead of a virtual call per column and row.
     */
    public void hashRows(int start, int count, long[] hashes, boolean[] anyNull) {
        Arrays.fill(hashes, 0, count, INITIAL_HASH);
        Arrays.fill(anyNull, 0, count, false);
        for (HostColumn column : columns) {
            column.combineHashes(start, count, hashes, anyNull, NULL_HASH);
        }
        for (int i = 0; i < count; i++) {
            hashes[i] = HostColumn.mix(hashes[i]);
        }
    }

    /** Whether a row holds the same key as a row of {@code other}; null equals null (grouping semantics). */
    public boolean sameKey(int row, HostKeys other, int otherRow) {
        for (int i = 0; i < columns.length; i++) {
            HostColumn column = columns[i];
            HostColumn that = other.columns[i];
            boolean leftNull = column.isNull(row);
            boolean rightNull = that.isNull(otherRow);
            if (leftNull || rightNull) {
                if (leftNull != rightNull) {
                    return false;
                }
            } else if (!column.keyEquals(row, that, otherRow)) {
                return false;
            }
        }
        return true;
    }
}
