package dev.ember.exec.exchange;

import dev.ember.columnar.ArrowBatches;
import dev.ember.device.Device;
import dev.ember.device.selection.Devices;
import dev.ember.exec.BatchIterator;
import dev.ember.exec.OperatorMetrics;
import dev.ember.memory.EmberMemory;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.FieldVector;
import org.apache.spark.sql.execution.metric.SQLMetric;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.vectorized.ColumnarBatch;
import scala.Product2;
import scala.collection.Iterator;

/**
 * The reduce side of Ember's exchange, one task: decodes the pieces Spark's shuffle reader hands over
 * and coalesces them into batches of up to {@code spark.ember.batchSizeRows} rows and about
 * {@code spark.ember.batchSizeBytes} bytes (pieces are small: one map batch split over all reducers).
 */
final class ShuffleRead implements BatchIterator.Source {

    /** The coalescing target and the read side's own timing metric. */
    record Settings(int maxRows, long maxBytes, SQLMetric deserializationTime) implements Serializable {}

    private final Iterator<Product2<Object, Object>> records;
    private final List<DataType> types;
    private final Settings settings;
    private final OperatorMetrics metrics;
    private final Device device = Devices.current();
    private final BufferAllocator allocator = EmberMemory.taskAllocator();
    /** A piece read but not yet taken: it did not fit the batch being made. */
    private byte[] held;

    ShuffleRead(Iterator<Product2<Object, Object>> records, List<DataType> types, Settings settings,
            OperatorMetrics metrics) {
        this.records = records;
        this.types = types;
        this.settings = settings;
        this.metrics = metrics;
    }

    @Override
    public ColumnarBatch next() {
        List<byte[]> pieces = new ArrayList<>();
        long rows = 0;
        long bytes = 0;
        while (true) {
            byte[] piece = held != null ? held : nextPiece();
            held = null;
            if (piece == null) {
                break;
            }
            int pieceRows = BatchBlobs.rowCount(piece);
            if (!pieces.isEmpty() && (rows + pieceRows > settings.maxRows() || bytes + piece.length > settings.maxBytes())) {
                held = piece;
                break;
            }
            pieces.add(piece);
            rows += pieceRows;
            bytes += piece.length;
        }
        if (pieces.isEmpty()) {
            return null;
        }
        long start = System.nanoTime();
        try {
            ColumnarBatch batch = decode(pieces, (int) rows);
            metrics.produced(batch.numRows());
            return batch;
        } finally {
            metrics.operatorTime().add(System.nanoTime() - start);
        }
    }

    private byte[] nextPiece() {
        // the fetch's own time is Spark's fetch wait time, not this operator's
        return records.hasNext() ? (byte[]) records.next()._2() : null;
    }

    private ColumnarBatch decode(List<byte[]> pieces, int rows) {
        List<List<FieldVector>> parts = new ArrayList<>(pieces.size());
        try {
            long start = System.nanoTime();
            for (byte[] piece : pieces) {
                parts.add(BatchBlobs.read(piece, types, allocator));
            }
            settings.deserializationTime().add(System.nanoTime() - start);
            if (parts.size() == 1) {
                return owned(parts.remove(0), rows);
            }
            return owned(device.concatenate(parts, parts.get(0), allocator), rows);
        } finally {
            for (List<FieldVector> part : parts) {
                ArrowBatches.closeAll(part);
            }
        }
    }

    private static ColumnarBatch owned(List<FieldVector> columns, int rows) {
        try {
            return ArrowBatches.toSpark(columns, rows);
        } catch (RuntimeException e) {
            ArrowBatches.closeAll(columns);
            throw e;
        }
    }

    @Override
    public void close() {
        held = null;
    }
}
