package dev.ember.exec.exchange;

import dev.ember.columnar.ArrowBatches;
import dev.ember.device.Device;
import dev.ember.device.DeviceActivity;
import dev.ember.device.selection.Devices;
import dev.ember.exec.OperatorMetrics;
import dev.ember.exec.Rdds;
import dev.ember.memory.EmberMemory;
import dev.ember.memory.MemoryContext;
import java.util.ArrayDeque;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.OutOfMemoryException;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.IntVector;
import org.apache.spark.TaskContext;
import org.apache.spark.sql.execution.metric.SQLMetric;
import org.apache.spark.sql.vectorized.ColumnarBatch;
import scala.Product2;
import scala.Tuple2;

/**
 * The map side of Ember's exchange, one task: each input batch is routed ({@link ShuffleRouting}),
 * split by partition on the device, and each non-empty piece becomes a record (partition id, piece
 * bytes) for Spark's shuffle writer. The pieces are heap bytes, so Spark's writer may hold, sort and
 * spill them as it does rows; the Arrow buffers are closed before the next batch is read.
 */
final class ShuffleWrite implements Rdds.PartitionFunction<ColumnarBatch, Product2<Object, Object>> {
    private static final long serialVersionUID = 1L;

    /** The map side's metrics. */
    record Metrics(SQLMetric dataSize, SQLMetric rowsWritten, SQLMetric serializationTime, OperatorMetrics operator)
            implements java.io.Serializable {}

    private final ShuffleRouting routing;
    private final Metrics metrics;

    ShuffleWrite(ShuffleRouting routing, Metrics metrics) {
        this.routing = routing;
        this.metrics = metrics;
    }

    @Override
    public scala.collection.Iterator<Product2<Object, Object>> apply(scala.collection.Iterator<ColumnarBatch> input) {
        TaskContext context = TaskContext.get();
        ShuffleRouting.Task task = routing.start(context == null ? 0 : context.partitionId());
        Iterator<Product2<Object, Object>> records = new Records(input, task);
        return scala.jdk.javaapi.CollectionConverters.asScala(records);
    }

    private final class Records implements Iterator<Product2<Object, Object>> {
        private final scala.collection.Iterator<ColumnarBatch> input;
        private final ShuffleRouting.Task task;
        private final Device device = Devices.current();
        private final BufferAllocator allocator = EmberMemory.taskAllocator();
        private final ArrayDeque<Product2<Object, Object>> ready = new ArrayDeque<>();

        Records(scala.collection.Iterator<ColumnarBatch> input, ShuffleRouting.Task task) {
            this.input = input;
            this.task = task;
        }

        @Override
        public boolean hasNext() {
            while (ready.isEmpty() && input.hasNext()) {
                ColumnarBatch batch = input.next();
                if (batch.numRows() > 0) {
                    long start = System.nanoTime();
                    try (DeviceActivity.Scope scope = DeviceActivity.attributeTo(metrics.operator())) {
                        route(batch);
                    } catch (OutOfMemoryException e) {
                        // as BatchIterator reports it: the operator and the setting to raise
                        throw MemoryContext.limitExceeded(metrics.operator().operator(), e);
                    } finally {
                        metrics.operator().operatorTime().add(System.nanoTime() - start);
                    }
                }
            }
            return !ready.isEmpty();
        }

        @Override
        public Product2<Object, Object> next() {
            if (!hasNext()) {
                throw new NoSuchElementException("no more shuffle records");
            }
            return ready.poll();
        }

        private void route(ColumnarBatch batch) {
            int rows = batch.numRows();
            List<FieldVector> columns = ArrowBatches.vectors(batch);
            metrics.rowsWritten().add(rows);
            if (routing.single()) {
                emit(0, columns, rows);
                return;
            }
            // A batch may have rows and no columns (what the exchange hashes is then constants or scalar
            // subqueries, as in an EXCEPT of a subquery's value): the split carries the ids themselves then,
            // so that each part's length is its row count. Splitting no columns would report every part empty.
            boolean columnless = columns.isEmpty();
            List<List<FieldVector>> parts;
            try (IntVector ids = task.partitionIds(batch, columns, device, allocator)) {
                parts = device.splitByPartition(columnless ? List.of(ids) : columns, ids, routing.partitions(),
                        allocator);
            }
            try {
                for (int partition = 0; partition < parts.size(); partition++) {
                    List<FieldVector> part = parts.get(partition);
                    int partRows = part.get(0).getValueCount(); // never empty: the ids travel when columns don't
                    if (partRows > 0) {
                        emit(partition, columnless ? List.of() : part, partRows);
                    }
                }
            } finally {
                for (List<FieldVector> part : parts) {
                    ArrowBatches.closeAll(part);
                }
            }
        }

        private void emit(int partition, List<FieldVector> columns, int rows) {
            long start = System.nanoTime();
            byte[] piece = BatchBlobs.write(columns, rows);
            metrics.serializationTime().add(System.nanoTime() - start);
            metrics.dataSize().add(piece.length);
            ready.add(new Tuple2<>(partition, piece));
        }
    }
}
