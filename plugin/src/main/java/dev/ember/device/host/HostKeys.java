package dev.ember.device.host;

import java.util.ArrayList;
import java.util.List;
import org.apache.arrow.vector.FieldVector;

/**
 * Several key columns read together: a row's combined hash, whether any key is null, and key
 * equality or ordering against another set of columns of the same types.
 */
public final class HostKeys {
    private static final long NULL_HASH = 0x5bd1e9955bd1e995L;

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
        long hash = 17;
        for (HostColumn column : columns) {
            hash = hash * 0x9E3779B97F4A7C15L + (column.isNull(row) ? NULL_HASH : column.hash(row));
        }
        return HostColumn.mix(hash);
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
