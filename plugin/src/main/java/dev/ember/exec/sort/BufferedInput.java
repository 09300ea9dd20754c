package dev.ember.exec.sort;

import static java.util.Objects.requireNonNull;

import dev.ember.columnar.ArrowBatches;
import dev.ember.columnar.ArrowTypes;
import dev.ember.device.Device;
import dev.ember.exec.aggregate.ExpressionColumns;
import dev.ember.memory.MemoryContext;
import java.util.ArrayList;
import java.util.List;
import org.apache.arrow.vector.FieldVector;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.vectorized.ColumnarBatch;
import scala.collection.Iterator;

/**
 * All rows of one partition's input as one set of columns, held in an operator's memory context: the
 * sort buffer and the build side of a hash join. Input batches are shared (not copied) while they
 * arrive, then concatenated once.
 *
 * <p>Owns its columns; close releases them.
 */
public final class BufferedInput implements AutoCloseable {
    private final List<FieldVector> columns;
    private final int rowCount;

    private BufferedInput(List<FieldVector> columns, int rowCount) {
        this.columns = columns;
        this.rowCount = rowCount;
    }

    /**
     * Reads every batch of {@code input} into one set of columns of {@code types}.
     *
     * @throws MemoryContext.LimitExceededException when the rows do not fit in Ember's memory limit
     */
    public static BufferedInput collect(Iterator<ColumnarBatch> input, List<DataType> types, Device device,
            MemoryContext memory) {
        requireNonNull(input, "input is null");
        requireNonNull(types, "types is null");
        List<List<FieldVector>> parts = new ArrayList<>();
        try {
            int total = 0;
            while (input.hasNext()) {
                ColumnarBatch batch = input.next();
                if (batch.numRows() == 0) {
                    continue;
                }
                List<FieldVector> vectors = ArrowBatches.vectors(batch);
                List<FieldVector> shared = new ArrayList<>(vectors.size());
                parts.add(shared);
                memory.run(() -> {
                    for (FieldVector vector : vectors) {
                        shared.add(ExpressionColumns.share(vector, memory.allocator()));
                    }
                    return shared;
                });
                total = addRows(total, batch.numRows());
            }
            if (parts.size() == 1) {
                List<FieldVector> only = parts.remove(0);
                return new BufferedInput(only, total);
            }
            List<FieldVector> template = parts.isEmpty() ? memory.run(() -> emptyColumns(types, memory)) : parts.get(0);
            try {
                List<FieldVector> all = memory.run(() -> device.concatenate(parts, template, memory.allocator()));
                return new BufferedInput(all, total);
            } finally {
                if (parts.isEmpty()) {
                    ArrowBatches.closeAll(template);
                }
            }
        } finally {
            for (List<FieldVector> part : parts) {
                ArrowBatches.closeAll(part);
            }
        }
    }

    /**
     * Rows so far plus a batch's rows. Only this sum is checked here: an {@code ArithmeticException} from
     * the child (an ANSI overflow such as {@code NUMERIC_VALUE_OUT_OF_RANGE}) must reach the user as Spark
     * raised it.
     */
    private static int addRows(int total, int rows) {
        if (total > Integer.MAX_VALUE - rows) {
            throw new IllegalStateException("one partition holds more than " + Integer.MAX_VALUE
                    + " rows; raise spark.sql.shuffle.partitions");
        }
        return total + rows;
    }

    /** Empty columns of {@code types}; when an allocation fails, those made so far are closed. */
    private static List<FieldVector> emptyColumns(List<DataType> types, MemoryContext memory) {
        List<FieldVector> empty = new ArrayList<>(types.size());
        try {
            for (int i = 0; i < types.size(); i++) {
                FieldVector vector = ArrowTypes.newVector("c" + i, types.get(i), memory.allocator());
                empty.add(vector);
                vector.allocateNew();
                vector.setValueCount(0);
            }
            return empty;
        } catch (RuntimeException e) {
            ArrowBatches.closeAll(empty);
            throw e;
        }
    }

    /** The columns, lent: this object keeps them. */
    public List<FieldVector> columns() {
        return columns;
    }

    public int rowCount() {
        return rowCount;
    }

    @Override
    public void close() {
        ArrowBatches.closeAll(columns);
    }
}
