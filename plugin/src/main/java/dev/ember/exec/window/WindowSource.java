package dev.ember.exec.window;

import dev.ember.columnar.ArrowBatches;
import dev.ember.device.Device;
import dev.ember.device.Device.WindowOperation;
import dev.ember.device.selection.Devices;
import dev.ember.exec.BatchIterator;
import dev.ember.exec.OperatorMetrics;
import dev.ember.exec.aggregate.ExpressionColumns;
import dev.ember.exec.aggregate.FrameAggregate;
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
 * The window operator in one task, over its child's batches sorted by partition keys, then order keys.
 *
 * <p>Input batches are held (their buffers shared, not copied) until a batch shows that the window
 * partitions held so far are finished: a row whose partition keys differ from the previous row's. The
 * rows up to the start of that batch's last partition are then concatenated, the functions computed
 * over them, and they come out as one batch with the window columns appended; the rows of the batch's
 * last partition stay held, as it may go on in the next batch. At the end of the input the held rows
 * are the last partitions. Without partition keys all rows are one partition, computed at the end.
 *
 * <p>Whether a batch finishes a partition is found by comparing its partition keys, after the held
 * rows' last key, with {@code Device.keyChanges}; no rows are concatenated while a partition goes on.
 * The held rows count in the operator's {@link MemoryContext}; a partition that does not fit in
 * Ember's memory limit fails the task with the error naming the setting to raise (see
 * {@link EmberWindowExec}).
 */
final class WindowSource implements BatchIterator.Source {
    private final Iterator<ColumnarBatch> input;
    private final WindowPlan plan;
    private final List<WindowOperation> operations;
    private final OperatorMetrics metrics;
    private final SQLMetric peak;
    private final Device device = Devices.current();
    private final BufferAllocator allocator = EmberMemory.taskAllocator();
    private final MemoryContext memory = new MemoryContext("EmberWindowExec", allocator);
    /** Held rows: batches of the partitions not yet known to be finished, in order; shared buffers. */
    private final List<Rows> held = new ArrayList<>();
    /** The partition keys of the last held row (one row), or null when nothing is held. */
    private List<FieldVector> lastKey;

    WindowSource(Iterator<ColumnarBatch> input, WindowPlan plan, OperatorMetrics metrics, SQLMetric peak) {
        this.input = input;
        this.plan = plan;
        this.operations = plan.operations();
        this.metrics = metrics;
        this.peak = peak;
    }

    @Override
    public ColumnarBatch next() {
        while (input.hasNext()) {
            ColumnarBatch batch = input.next();
            if (batch.numRows() == 0) {
                continue;
            }
            long start = System.nanoTime();
            try {
                List<Rows> finished = take(ArrowBatches.vectors(batch), batch.numRows());
                if (!finished.isEmpty()) {
                    ColumnarBatch out = compute(finished);
                    metrics.produced(out.numRows());
                    return out;
                }
            } finally {
                metrics.operatorTime().add(System.nanoTime() - start);
            }
        }
        if (held.isEmpty()) {
            return null;
        }
        long start = System.nanoTime();
        try {
            List<Rows> finished = new ArrayList<>(held);
            held.clear();
            closeLastKey();
            ColumnarBatch out = compute(finished);
            metrics.produced(out.numRows());
            return out;
        } finally {
            metrics.operatorTime().add(System.nanoTime() - start);
        }
    }

    /**
     * Holds a batch's rows (the batch stays its producer's). Returns the parts whose partitions are
     * finished now (owned by the caller), or an empty list while the last held partition goes on.
     */
    private List<Rows> take(List<FieldVector> columns, int rows) {
        int split = plan.partitionKeys().size() == 0 ? -1 : lastPartitionStart(columns, rows);
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
        List<FieldVector> keys = plan.partitionKeys().evaluate(columns, rows, device, memory.allocator());
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

    /** The finished partitions' rows with their window columns appended; closes {@code parts}. */
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
        int rowCount = total;
        List<FieldVector> out = new ArrayList<>(rows);
        try {
            out.addAll(memory.run(() -> windowColumns(rows, rowCount)));
            return ArrowBatches.toSpark(out, rowCount);
        } catch (RuntimeException e) {
            ArrowBatches.closeAll(out);
            throw e;
        }
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

    /** One column per window function over {@code rows}, allocated for the output. */
    private List<FieldVector> windowColumns(List<FieldVector> rows, int rowCount) {
        BufferAllocator scratch = memory.allocator();
        List<AutoCloseable> owned = new ArrayList<>();
        List<FieldVector> results = new ArrayList<>();
        try {
            List<FieldVector> partitionKeys = plan.partitionKeys().evaluate(rows, rowCount, device, scratch);
            owned.addAll(partitionKeys);
            List<FieldVector> orderKeys = plan.orderKeys().evaluate(rows, rowCount, device, scratch);
            owned.addAll(orderKeys);
            List<FieldVector> peerKeys = new ArrayList<>(partitionKeys);
            peerKeys.addAll(orderKeys);
            IntVector partitionStarts = device.keyChanges(partitionKeys, rowCount, scratch);
            owned.add(partitionStarts);
            IntVector peerStarts = device.keyChanges(peerKeys, rowCount, scratch);
            owned.add(peerStarts);
            List<List<FieldVector>> inputs = new ArrayList<>();
            for (WindowPlan.Function function : plan.functions()) {
                if (function.aggregate() == null) {
                    inputs.add(List.of());
                    continue;
                }
                FrameAggregate.Inputs functionInputs = function.aggregate().inputs(rows, rowCount, device, scratch);
                owned.add(functionInputs);
                inputs.addAll(functionInputs.perOperation());
            }
            List<List<FieldVector>> states = device.window(partitionStarts, peerStarts, operations, inputs, rowCount,
                    scratch);
            states.forEach(owned::addAll);
            int next = 0;
            for (WindowPlan.Function function : plan.functions()) {
                List<List<FieldVector>> functionStates = states.subList(next, next + function.operations().size());
                next += function.operations().size();
                results.add(function.aggregate() == null
                        ? ExpressionColumns.share(functionStates.get(0).get(0), allocator)
                        : function.aggregate().result(functionStates, rowCount, allocator));
            }
            return results;
        } catch (RuntimeException e) {
            ArrowBatches.closeAll(results);
            throw e;
        } finally {
            ArrowBatches.closeAll(owned);
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
    public void close() {
        peak.add(memory.peakBytes());
        try (MemoryContext context = memory) {
            held.forEach(Rows::close);
            held.clear();
            closeLastKey();
        }
    }
}
