package dev.ember.exec.broadcast;

import static java.util.Objects.requireNonNull;

import dev.ember.columnar.ArrowBatches;
import java.util.List;
import org.apache.arrow.memory.RootAllocator;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.catalyst.expressions.UnsafeProjection;
import org.apache.spark.sql.catalyst.expressions.UnsafeRow;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.vectorized.ColumnarBatch;
import scala.collection.AbstractIterator;

/**
 * The rows of an {@link EmberBroadcastRelation} as Spark's unsafe rows, piece by piece, for building Spark's
 * relation over them. Each row is reused by the next call; a consumer that keeps rows copies them (as
 * Spark's relation builders do). Reads into its own allocator, outside Ember's memory, because it also
 * runs on the driver; {@link #close} frees what is still held.
 */
final class RelationRows extends AbstractIterator<InternalRow> implements AutoCloseable {
    private final EmberBroadcastRelation broadcast;
    private final UnsafeProjection toUnsafe;
    private final RootAllocator allocator = new RootAllocator(Long.MAX_VALUE);
    private int nextPiece;
    private ColumnarBatch batch;
    private java.util.Iterator<InternalRow> batchRows = java.util.Collections.emptyIterator();

    RelationRows(EmberBroadcastRelation broadcast, List<DataType> types) {
        this.broadcast = requireNonNull(broadcast, "broadcast is null");
        this.toUnsafe = UnsafeProjection.create(types.toArray(new DataType[0]));
    }

    @Override
    public boolean hasNext() {
        while (!batchRows.hasNext()) {
            closeBatch();
            if (nextPiece >= broadcast.pieceCount()) {
                return false;
            }
            EmberBroadcastRelation.Columns columns = broadcast.readPiece(nextPiece++, allocator);
            batch = ArrowBatches.toSpark(columns.vectors(), columns.rowCount());
            batchRows = batch.rowIterator();
        }
        return true;
    }

    @Override
    public InternalRow next() {
        if (!hasNext()) {
            throw new java.util.NoSuchElementException("no more rows in the broadcast");
        }
        UnsafeRow row = toUnsafe.apply(batchRows.next());
        return row;
    }

    private void closeBatch() {
        if (batch != null) {
            batch.close();
            batch = null;
        }
    }

    @Override
    public void close() {
        closeBatch();
        allocator.close();
    }
}
