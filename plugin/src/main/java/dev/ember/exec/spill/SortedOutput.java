package dev.ember.exec.spill;

import dev.ember.columnar.ArrowBatches;
import dev.ember.device.Device;
import java.util.List;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.IntVector;
import org.apache.spark.sql.vectorized.ColumnarBatch;

/**
 * Hands out the rows of a set of columns in the order of a position vector, as batches of at most
 * {@code maxRows} rows gathered by the device. Borrows the columns and the positions.
 */
public final class SortedOutput {
    private final List<FieldVector> columns;
    private final IntVector positions;
    private final int maxRows;
    private int next;

    public SortedOutput(List<FieldVector> columns, IntVector positions, int maxRows) {
        this.columns = columns;
        this.positions = positions;
        this.maxRows = maxRows;
    }

    /** The next batch, owned by the caller, or null when every position was handed out. */
    public ColumnarBatch next(Device device, BufferAllocator allocator) {
        int total = positions.getValueCount();
        if (next >= total) {
            return null;
        }
        int count = Math.min(maxRows, total - next);
        try (IntVector slice = new IntVector("positions", allocator)) {
            slice.allocateNew(count);
            for (int i = 0; i < count; i++) {
                slice.set(i, positions.get(next + i));
            }
            slice.setValueCount(count);
            next += count;
            List<FieldVector> out = device.gather(columns, slice, allocator);
            try {
                return ArrowBatches.toSpark(out, count);
            } catch (RuntimeException e) {
                ArrowBatches.closeAll(out);
                throw e;
            }
        }
    }
}
