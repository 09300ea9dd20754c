package dev.ember.exec.window;

import dev.ember.columnar.ArrowBatches;
import dev.ember.device.Device;
import dev.ember.device.selection.Devices;
import dev.ember.exec.BatchIterator;
import dev.ember.exec.OperatorMetrics;
import dev.ember.exec.aggregate.ExpressionColumns;
import dev.ember.memory.EmberMemory;
import dev.ember.memory.MemoryContext;
import java.util.ArrayList;
import java.util.List;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.IntVector;
import org.apache.spark.sql.execution.metric.SQLMetric;
import org.apache.spark.sql.vectorized.ColumnarBatch;
import scala.collection.Iterator;

/**
 * The rows of one task of a window operator, over its child's batches sorted by partition keys (then
 * order keys), handed on a window partition at a time: the rows of every finished partition go to
 * {@link #finish}, which makes the output (the window columns appended, or the rows within a rank limit).
 *
 * <p>Input batches are held (their buffers shared, not copied) until a batch shows that the window
 * partitions held so far are finished: a row whose partition keys differ from the previous row's. The
 * rows up to the start of that batch's last partition are then concatenated and finished together; the
 * rows of the batch's last partition stay held, as it may go on in the next batch. At the end of the
 * input the held rows are the last partitions. Without partition keys all rows are one partition,
 * finished at the end.
 *
 * <p>Whether a batch finishes a partition is found by comparing its partition keys, after the held
 * rows' last key, with {@code Device.keyChanges}; no rows are concatenated while a partition goes on.
 * The held rows count in the operator's {@link MemoryContext}; a partition that does not fit in
 * Ember's memory limit fails the task with the error naming the setting to raise
 * ({@link MemoryContext.LimitExceededException}); nothing spills.
 */
abstract class SortedPartitions implements BatchIterator.Source {
    private final Iterator<ColumnarBatch> input;
    private final ExpressionColumns partitionKeys;
    private final OperatorMetrics metrics;
    private final SQLMetric peak;
    protected final Device device = Devices.current();
    /** The task's allocator: output batches are allocated here. */
    protected final BufferAllocator allocator = EmberMemory.taskAllocator();
    /** The operator's memory: held rows and the scratch columns of {@link #finish}. */
    protected final MemoryContext memory;
    /** Held rows: batches of the partitions not yet known to be finished, in order; shared buffers. */
    private final List<Rows> held = new ArrayList<>();
    /** The partition keys of the last held row (one row), or null when nothing is held. */
    private List<FieldVector> lastKey;

    SortedPartitions(String operator, Iterator<ColumnarBatch> input, ExpressionColumns partitionKeys,
            OperatorMetrics metrics, SQLMetric peak) {
        this.input = input;
        this.partitionKeys = partitionKeys;
        this.metrics = metrics;
        this.peak = peak;
        this.memory = new MemoryContext(operator, allocator);
    }

    /**
     * The output for the rows of finished window partitions ({@code rowCount} rows, whole partitions, in
     * input order), or null when none of them is output. Takes the columns over (allocated from
     * {@link #allocator}): closes them or hands them on in the result.
     */
    protected abstract ColumnarBatch finish(List<FieldVector> rows, int rowCount);

    @Override
    public final ColumnarBatch next() {
        while (input.hasNext()) {
            ColumnarBatch batch = input.next();
            if (batch.numRows() == 0) {
                continue;
            }
            long start = System.nanoTime();
            try {
                List<Rows> finished = take(ArrowBatches.vectors(batch), batch.numRows());
                ColumnarBatch out = finished.isEmpty() ? null : compute(finished);
                if (out != null) {
                    metrics.produced(out.numRows());
                    return out;
                }
            } finally {
                metrics.operatorTime().add(System.nanoTime() - start);
            }
        }
        while (!held.isEmpty()) {
            long start = System.nanoTime();
            try {
                List<Rows> finished = new ArrayList<>(held);
                held.clear();
                closeLastKey();
                ColumnarBatch out = compute(finished);
                if (out != null) {
                    metrics.produced(out.numRows());
                    return out;
                }
            } finally {
                metrics.operatorTime().add(System.nanoTime() - start);
            }
        }
        return null;
    }

    /**
     * Holds a batch's rows (the batch stays its producer's). Returns the parts whose partitions are
     * finished now (owned by the caller), or an empty list while the last held partition goes on.
     */
    private List<Rows> take(List<FieldVector> columns, int rows) {
        int split = partitionKeys.size() == 0 ? -1 : lastPartitionStart(columns, rows);
        List<Rows> finished = new ArrayList<>();
        try {
            if (split < 0 || (split == 0 && held.isEmpty())) {
                held.add(new Rows(memory.run(() -> slice(columns, 0, rows, memory.allocator())), rows));
                return List.of();
            }
            finished.addAll(held);
            held.clear();
            if (split > 0) {
                finished.add(new Rows(memory.run(() -> slice(columns, 0, split, memory.allocator())), split));
            }
            held.add(new Rows(memory.run(() -> slice(columns, split, rows - split, memory.allocator())), rows - split));
            return finished;
        } catch (RuntimeException e) {
            finished.forEach(Rows::close);
            throw e;
        }
    }

    /**
     * The first row of the batch's last window partition, or -1 when the batch only goes on with the
     * partition of the last held row. Remembers the batch's last key.
     */
    private int lastPartitionStart(List<FieldVector> columns, int rows) {
        List<FieldVector> keys = partitionKeys.evaluate(columns, rows, device, memory.allocator());
        try {
            List<FieldVector> compared = lastKey == null ? keys
                    : memory.run(() -> device.concatenate(List.of(lastKey, keys), lastKey, memory.allocator()));
            int before = lastKey == null ? 0 : 1;
            try (IntVector changes = device.keyChanges(compared, rows + before, memory.allocator())) {
                int last = changes.get(changes.getValueCount() - 1);
                closeLastKey();
                lastKey = memory.run(() -> lastRow(keys, rows));
                return last < before ? -1 : last - before;
            } finally {
                if (compared != keys) {
                    ArrowBatches.closeAll(compared);
                }
            }
        } finally {
            ArrowBatches.closeAll(keys);
        }
    }

    private List<FieldVector> lastRow(List<FieldVector> keys, int rows) {
        try (IntVector position = new IntVector("last", memory.allocator())) {
            position.allocateNew(1);
            position.set(0, rows - 1);
            position.setValueCount(1);
            return device.gather(keys, position, memory.allocator());
        }
    }

    /** The output of the finished partitions' rows; closes {@code parts}. */
    private ColumnarBatch compute(List<Rows> parts) {
        List<FieldVector> rows;
        int total = 0;
        try {
            List<List<FieldVector>> columns = new ArrayList<>(parts.size());
            for (Rows part : parts) {
                columns.add(part.columns());
                total = Math.addExact(total, part.count());
            }
            int count = total;
            rows = parts.size() == 1
                    ? memory.run(() -> slice(columns.get(0), 0, count, allocator))
                    : memory.run(() -> device.concatenate(columns, columns.get(0), allocator));
        } catch (ArithmeticException e) {
            throw new IllegalStateException("one window partition holds more than " + Integer.MAX_VALUE
                    + " rows; Ember cannot hold it", e);
        } finally {
            parts.forEach(Rows::close);
        }
        return finish(rows, total);
    }

    private List<FieldVector> slice(List<FieldVector> columns, int start, int count, BufferAllocator target) {
        List<FieldVector> out = new ArrayList<>(columns.size());
        try {
            for (FieldVector column : columns) {
                out.add(ArrowBatches.slice(column, start, count, target));
            }
            return out;
        } catch (RuntimeException e) {
            ArrowBatches.closeAll(out);
            throw e;
        }
    }

    private void closeLastKey() {
        if (lastKey != null) {
            ArrowBatches.closeAll(lastKey);
            lastKey = null;
        }
    }

    /** Held rows: columns of {@code count} rows (a batch may have no columns), owned. */
    private record Rows(List<FieldVector> columns, int count) implements AutoCloseable {
        @Override
        public void close() {
            ArrowBatches.closeAll(columns);
        }
    }

    @Override
    public final void close() {
        peak.add(memory.peakBytes());
        try (MemoryContext context = memory) {
            held.forEach(Rows::close);
            held.clear();
            closeLastKey();
        }
    }
}
