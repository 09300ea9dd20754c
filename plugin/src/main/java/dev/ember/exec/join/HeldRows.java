package dev.ember.exec.join;

import dev.ember.columnar.ArrowBatches;
import dev.ember.columnar.ArrowTypes;
import dev.ember.device.Device;
import dev.ember.exec.aggregate.ExpressionColumns;
import dev.ember.memory.MemoryContext;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import org.apache.arrow.vector.FieldVector;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.vectorized.ColumnarBatch;

/**
 * The build side's batches as they arrive, shared (not copied) into an operator's memory context, until
 * they are either concatenated for an in-memory build or handed, part by part, to a spill.
 *
 * <p>Owns its parts; close releases those still held. Used by one task thread.
 */
final class HeldRows implements AutoCloseable {
    private final MemoryContext memory;
    private final Deque<List<FieldVector>> parts = new ArrayDeque<>();
    private final Deque<Integer> partRows = new ArrayDeque<>();
    private long rowCount;

    HeldRows(MemoryContext memory) {
        this.memory = memory;
    }

    /** Shares the batch's columns into the memory context; the batch itself stays with its producer. */
    void add(ColumnarBatch batch) {
        List<FieldVector> vectors = ArrowBatches.vectors(batch);
        List<FieldVector> shared = new ArrayList<>(vectors.size());
        try {
            memory.run(() -> {
                for (FieldVector vector : vectors) {
                    shared.add(ExpressionColumns.share(vector, memory.allocator()));
                }
                return shared;
            });
        } catch (RuntimeException e) {
            ArrowBatches.closeAll(shared);
            throw e;
        }
        parts.addLast(shared);
        partRows.addLast(batch.numRows());
        rowCount += batch.numRows();
    }

    long rowCount() {
        return rowCount;
    }

    /** Bytes the held rows take, as the memory context counts them. */
    long bytes() {
        return memory.bytes();
    }

    /**
     * Replaces the held parts by one concatenated part and lends its columns (this object keeps them).
     *
     * @throws MemoryContext.LimitExceededException when the copy does not fit; the parts stay held
     * @throws IllegalStateException when the rows exceed one batch's {@code int} row count
     */
    List<FieldVector> concatenate(List<DataType> types, Device device) {
        if (rowCount > Integer.MAX_VALUE) {
            throw new IllegalStateException("one partition holds more than " + Integer.MAX_VALUE
                    + " build rows; raise spark.sql.shuffle.partitions");
        }
        if (parts.size() == 1) {
            return parts.peekFirst();
        }
        boolean madeTemplate = parts.isEmpty();
        List<FieldVector> template = madeTemplate ? emptyColumns(types) : parts.peekFirst();
        List<FieldVector> joined;
        try {
            List<List<FieldVector>> all = new ArrayList<>(parts);
            joined = memory.run(() -> device.concatenate(all, template, memory.allocator()));
        } finally {
            if (madeTemplate) {
                ArrowBatches.closeAll(template);
            }
        }
        // the old parts are released only once the copy exists
        close();
        parts.addLast(joined);
        partRows.addLast((int) rowCount);
        return joined;
    }

    /** Hands the oldest part to the caller (who closes it), or null when none is left. */
    List<FieldVector> poll() {
        partRows.pollFirst();
        return parts.pollFirst();
    }

    boolean hasParts() {
        return !parts.isEmpty();
    }

    /** The row count of the part {@link #poll} returns next. */
    int peekRows() {
        Integer rows = partRows.peekFirst();
        return rows == null ? 0 : rows;
    }

    private List<FieldVector> emptyColumns(List<DataType> types) {
        List<FieldVector> empty = new ArrayList<>(types.size());
        for (int i = 0; i < types.size(); i++) {
            FieldVector vector = ArrowTypes.newVector("c" + i, types.get(i), memory.allocator());
            empty.add(vector);
            vector.allocateNew();
            vector.setValueCount(0);
        }
        return empty;
    }

    @Override
    public void close() {
        while (!parts.isEmpty()) {
            ArrowBatches.closeAll(parts.pollFirst());
        }
        partRows.clear();
    }
}
