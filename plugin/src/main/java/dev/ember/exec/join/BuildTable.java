package dev.ember.exec.join;

import static java.util.Objects.requireNonNull;

import dev.ember.columnar.ArrowBatches;
import dev.ember.device.Device;
import dev.ember.exec.aggregate.ExpressionColumns;
import java.util.List;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.FieldVector;

/**
 * The build side of a hash join, ready to probe: its rows as one set of columns, its key columns and
 * the device's hash table over them. Owns all three; close releases them.
 */
final class BuildTable implements AutoCloseable {
    private final List<FieldVector> columns;
    private final int rowCount;
    private final List<FieldVector> keys;
    private final Device.JoinTable table;
    private final boolean anyNullKey;
    private final AutoCloseable owner;

    private BuildTable(List<FieldVector> columns, int rowCount, List<FieldVector> keys, Device.JoinTable table,
            boolean anyNullKey, AutoCloseable owner) {
        this.columns = columns;
        this.rowCount = rowCount;
        this.keys = keys;
        this.table = table;
        this.anyNullKey = anyNullKey;
        this.owner = owner;
    }

    /**
     * Builds the table over rows the caller hands over: {@code owner} (which holds {@code columns}) is
     * closed with this build side.
     */
    static BuildTable build(List<FieldVector> columns, int rowCount, AutoCloseable owner, ExpressionColumns keyColumns,
            Device device, BufferAllocator allocator) {
        requireNonNull(owner, "owner is null");
        List<FieldVector> keys = keyColumns.evaluate(columns, rowCount, device, allocator);
        try {
            boolean anyNull = false;
            for (FieldVector key : keys) {
                anyNull |= key.getNullCount() > 0;
            }
            Device.JoinTable table = device.buildJoinTable(keys, rowCount, allocator);
            return new BuildTable(columns, rowCount, keys, table, anyNull, owner);
        } catch (RuntimeException e) {
            ArrowBatches.closeAll(keys);
            throw e;
        }
    }

    List<FieldVector> columns() {
        return columns;
    }

    int rowCount() {
        return rowCount;
    }

    Device.JoinTable table() {
        return table;
    }

    /** Whether some build row has a null key (decides a null-aware anti join). */
    boolean anyNullKey() {
        return anyNullKey;
    }

    /** Bytes of the hash table kept outside the allocator. */
    long tableBytes() {
        return table.bytes();
    }

    @Override
    public void close() {
        try {
            table.close();
            ArrowBatches.closeAll(keys);
        } finally {
            try {
                owner.close();
            } catch (Exception e) {
                throw new IllegalStateException("could not release a join's build side", e);
            }
        }
    }
}
