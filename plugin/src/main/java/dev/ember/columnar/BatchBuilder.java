package dev.ember.columnar;

import static java.util.Objects.requireNonNull;

import java.util.ArrayList;
import java.util.List;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.FieldVector;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.vectorized.ColumnarBatch;

/**
 * Builds one Ember batch from Spark rows or from Spark column vectors, up to a target size.
 *
 * <p>Values are copied: Spark reuses its rows and its scan batches. The builder owns its growing
 * vectors until {@link #build} hands them over as a Spark batch; {@link #close} releases them
 * otherwise. Not thread-safe.
 */
public final class BatchBuilder implements AutoCloseable {
    private final List<DataType> types;
    private final BufferAllocator allocator;
    private final int maxRows;
    private final long maxBytes;
    private List<ColumnAppender> appenders;
    private int rows;

    public BatchBuilder(List<DataType> types, BufferAllocator allocator, int maxRows, long maxBytes) {
        this.types = List.copyOf(requireNonNull(types, "types is null"));
        this.allocator = requireNonNull(allocator, "allocator is null");
        if (maxRows <= 0 || maxBytes <= 0) {
            throw new IllegalArgumentException("batch limits must be positive: " + maxRows + " rows, "
                    + maxBytes + " bytes");
        }
        this.maxRows = maxRows;
        this.maxBytes = maxBytes;
        this.appenders = newAppenders();
    }

    /** Appends one row. */
    public void append(InternalRow row) {
        for (int i = 0; i < appenders.size(); i++) {
            appenders.get(i).append(row, i);
        }
        rows++;
    }

    /** Appends rows {@code [start, start + length)} of a Spark batch. */
    public void append(ColumnarBatch batch, int start, int length) {
        for (int i = 0; i < appenders.size(); i++) {
            appenders.get(i).append(batch.column(i), start, length);
        }
        rows += length;
    }

    public int rows() {
        return rows;
    }

    /** Rows that still fit under the row limit. */
    public int remainingRows() {
        return maxRows - rows;
    }

    /** Bytes held so far. */
    public long bytes() {
        long total = 0;
        for (ColumnAppender appender : appenders) {
            total += appender.bytes();
        }
        return total;
    }

    /** Whether the batch reached its target size. Checking bytes walks the vectors, so callers check per chunk. */
    public boolean isFull() {
        return rows >= maxRows || bytes() >= maxBytes;
    }

    /** Hands the built batch to the caller and starts a new, empty one. */
    public ColumnarBatch build() {
        List<FieldVector> vectors = new ArrayList<>(appenders.size());
        for (ColumnAppender appender : appenders) {
            vectors.add(appender.finish());
        }
        int built = rows;
        appenders = List.of();
        rows = 0;
        ColumnarBatch batch;
        try {
            batch = ArrowBatches.toSpark(vectors, built);
        } catch (RuntimeException e) {
            ArrowBatches.closeAll(vectors);
            throw e;
        }
        appenders = newAppenders();
        return batch;
    }

    @Override
    public void close() {
        ArrowBatches.closeAll(appenders);
        appenders = List.of();
    }

    private List<ColumnAppender> newAppenders() {
        List<ColumnAppender> created = new ArrayList<>(types.size());
        try {
            for (int i = 0; i < types.size(); i++) {
                created.add(ColumnAppender.create("c" + i, types.get(i), allocator));
            }
        } catch (RuntimeException e) {
            ArrowBatches.closeAll(created);
            throw e;
        }
        return created;
    }
}
