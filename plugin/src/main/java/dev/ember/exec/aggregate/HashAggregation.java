package dev.ember.exec.aggregate;

import static java.util.Objects.requireNonNull;

import dev.ember.columnar.ArrowBatches;
import dev.ember.device.Device;
import dev.ember.device.Device.AggregateOperation;
import dev.ember.device.selection.Devices;
import dev.ember.exec.BatchIterator;
import dev.ember.exec.OperatorMetrics;
import dev.ember.exec.spill.BuildBudget;
import dev.ember.exec.spill.ExternalSort;
import dev.ember.exec.spill.SpillFiles;
import dev.ember.exec.spill.SpillMetrics;
import dev.ember.exec.spill.SpillReader;
import dev.ember.exec.spill.SpillSettings;
import dev.ember.exec.spill.SpilledPart;
import dev.ember.memory.EmberMemory;
import dev.ember.memory.MemoryContext;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.BitVector;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.IntVector;
import org.apache.spark.sql.errors.QueryExecutionErrors;
import org.apache.spark.sql.execution.metric.SQLMetric;
import org.apache.spark.sql.vectorized.ColumnarBatch;
import scala.collection.Iterator;

/**
 * One task of {@link EmberHashAggregateExec}: folds every input batch into a {@link GroupTable}, then hands
 * out the groups as Spark's buffer columns or the functions' results.
 *
 * <p>When the groups do not fit (see {@link GroupTable} for when it spills), they go to disk split by key
 * hash, and at the end each part is merged on its own: its spilled states are folded with the merge form
 * of each operation ({@link MergeForm}) into a new table one level deeper, which may itself spill and split
 * the part again, up to {@link SpillSettings#maxDepth()} times. A part's groups are output as soon as its
 * merge ends. A spilling aggregation emits its groups part by part instead of in first-appearance order;
 * one that replaces a sort-based aggregation (key order) sends them through an {@link ExternalSort} on the
 * keys. A batch whose key or input columns cannot be computed for lack of memory is retried once after the
 * groups were spilled (split-and-retry for the one thing that can be freed).
 *
 * <p>Owns its memory context, spill files, tables, sort and result; close releases all. Used by the task's
 * thread; the tables and the sort may be spilled from other threads as their classes describe.
 */
final class HashAggregation implements BatchIterator.Source {
    /** A spilled part: its files in the order written, and how many splits made it. */
    private record Part(List<SpilledPart> files, int depth) {}

    /** A batch's computed key columns and operation inputs. */
    private record Evaluated(List<FieldVector> keys, List<FieldVector> inputs, BitVector notEmpty,
            List<List<FieldVector>> operationInputs) implements AutoCloseable {
        @Override
        public void close() {
            ArrowBatches.closeAll(keys);
            ArrowBatches.closeAll(inputs);
            if (notEmpty != null) {
                notEmpty.close();
            }
        }
    }

    private final Iterator<ColumnarBatch> input;
    private final AggregatePlan plan;
    private final boolean keyOrder;
    private final int maxRows;
    private final SpillSettings settings;
    private final ExternalSort.Settings sortSettings;
    private final OperatorMetrics metrics;
    private final SQLMetric peak;
    private final SQLMetric groupMetric;
    private final SpillMetrics spillMetrics;
    private final Device device = Devices.current();
    private final BufferAllocator allocator = EmberMemory.taskAllocator();
    private final MemoryContext memory = new MemoryContext("EmberHashAggregateExec", allocator);
    // made in the task's thread: a table may be spilled from another task's thread
    private final SpillFiles files = SpillFiles.forTask();
    private final BuildBudget budget = BuildBudget.ofExecutor();
    private final List<AggregateOperation> mergeOperations;
    private final Deque<Part> pending = new ArrayDeque<>();
    /** The plan's exact sums, or null when it has none (see {@link AggregatePlan#exactOperations}). */
    private final KeylessExactSums exactSums;
    private GroupTable table;
    /** The memory of {@link #ordered}, apart from the tables' (both reserve heap bytes for their own state). */
    private MemoryContext orderedMemory;
    private ExternalSort ordered;
    private boolean inputDone;
    private boolean orderedFinished;
    private List<FieldVector> result;
    private int resultRows;
    private int nextRow;

    HashAggregation(Iterator<ColumnarBatch> input, AggregatePlan plan, boolean keyOrder, int maxRows,
            SpillSettings settings, ExternalSort.Settings sortSettings, OperatorMetrics metrics, SQLMetric peak,
            SQLMetric groupMetric, SpillMetrics spillMetrics) {
        this.input = requireNonNull(input, "input is null");
        this.plan = requireNonNull(plan, "plan is null");
        this.keyOrder = keyOrder;
        this.maxRows = maxRows;
        this.settings = requireNonNull(settings, "settings is null");
        this.sortSettings = requireNonNull(sortSettings, "sortSettings is null");
        this.metrics = requireNonNull(metrics, "metrics is null");
        this.peak = requireNonNull(peak, "peak is null");
        this.groupMetric = requireNonNull(groupMetric, "groupMetric is null");
        this.spillMetrics = requireNonNull(spillMetrics, "spillMetrics is null");
        this.mergeOperations = MergeForm.mergeOperations(plan.operations());
        this.exactSums = plan.exactOperations().isEmpty() ? null : new KeylessExactSums(plan);
    }

    @Override
    public ColumnarBatch next() {
        if (!inputDone) {
            aggregateInput();
            inputDone = true;
        }
        while (true) {
            if (result != null) {
                if (nextRow < resultRows) {
                    return nextSlice();
                }
                ArrowBatches.closeAll(result);
                result = null;
            }
            long start = System.nanoTime();
            try {
                if (!pending.isEmpty()) {
                    merge(pending.pollFirst());
                } else if (ordered != null) {
                    if (!orderedFinished) {
                        ordered.finish();
                        orderedFinished = true;
                    }
                    ColumnarBatch batch = ordered.next(orderedMemory.allocator());
                    if (batch == null) {
                        return null;
                    }
                    try (ColumnarBatch sorted = batch) {
                        List<FieldVector> vectors = ArrowBatches.vectors(sorted);
                        List<FieldVector> columns = new ArrayList<>(vectors.size());
                        memory.run(() -> {
                            for (FieldVector vector : vectors) {
                                columns.add(ExpressionColumns.share(vector, memory.allocator()));
                            }
                            return columns;
                        });
                        setResult(columns, sorted.numRows());
                    }
                } else {
                    return null;
                }
            } finally {
                metrics.operatorTime().add(System.nanoTime() - start);
            }
        }
    }

    private GroupTable newTable(List<AggregateOperation> operations, int depth) {
        return new GroupTable(plan.keyTypes(), operations, depth, settings, budget, device, memory, files,
                spillMetrics);
    }

    private void aggregateInput() {
        table = newTable(plan.operations(), 0);
        while (input.hasNext()) {
            ColumnarBatch batch = input.next();
            if (batch.numRows() == 0) {
                continue;
            }
            long start = System.nanoTime();
            addInput(ArrowBatches.vectors(batch), batch.numRows());
            metrics.operatorTime().add(System.nanoTime() - start);
        }
        long start = System.nanoTime();
        finishTable(0);
        metrics.operatorTime().add(System.nanoTime() - start);
    }

    /** Ends the current table: outputs its groups, or queues its parts when it spilled. */
    private void finishTable(int depth) {
        List<List<SpilledPart>> parts = table.finish();
        try {
            if (parts == null) {
                output(table.groups());
                return;
            }
            for (int i = parts.size() - 1; i >= 0; i--) {
                // parts of a part come before the parts queued earlier: the depth-first order keeps few files open
                pending.addFirst(new Part(parts.get(i), depth + 1));
            }
            if (keyOrder && ordered == null) {
                int keyCount = plan.keyTypes().size();
                List<Device.SortKey> ascending = new ArrayList<>(keyCount);
                for (int i = 0; i < keyCount; i++) {
                    ascending.add(new Device.SortKey(true, true));
                }
                orderedMemory = new MemoryContext("EmberHashAggregateExec key order", allocator);
                ordered = new ExternalSort("EmberHashAggregateExec", (columns, rows, target) -> {
                    List<FieldVector> keys = new ArrayList<>(keyCount);
                    try {
                        for (FieldVector column : columns.subList(0, keyCount)) {
                            keys.add(ExpressionColumns.share(column, target));
                        }
                        return keys;
                    } catch (RuntimeException e) {
                        ArrowBatches.closeAll(keys);
                        throw e;
                    }
                }, ascending, sortSettings, maxRows, budget, device, orderedMemory, files, spillMetrics);
            }
        } finally {
            GroupTable done = table;
            table = null;
            done.close();
        }
    }

    private void addInput(List<FieldVector> columns, int rows) {
        Evaluated evaluated;
        try {
            evaluated = evaluate(columns, rows);
        } catch (MemoryContext.LimitExceededException e) {
            // nothing of the batch was folded in yet: free the groups and compute its columns again
            if (!table.spillNow()) {
                throw e;
            }
            evaluated = evaluate(columns, rows);
        }
        try (Evaluated batch = evaluated) {
            fold(table, batch.keys(), batch.operationInputs(), rows);
            if (exactSums != null) {
                exactSums.add(batch.operationInputs(), rows);
            }
        }
    }

    private Evaluated evaluate(List<FieldVector> columns, int rows) {
        List<FieldVector> keys = memory.run(() -> plan.keys().evaluate(columns, rows, device, memory.allocator()));
        List<FieldVector> inputs = new ArrayList<>();
        BitVector notEmpty = null;
        try {
            inputs.addAll(memory.run(() -> plan.inputs().evaluate(columns, rows, device, memory.allocator())));
            List<List<FieldVector>> operationInputs = new ArrayList<>();
            for (int[] indexes : plan.operationInputs()) {
                List<FieldVector> in = new ArrayList<>(indexes.length);
                for (int index : indexes) {
                    if (index < 0) {
                        notEmpty = notEmpty != null ? notEmpty : memory.run(() -> allFalse(rows));
                        in.add(notEmpty);
                    } else {
                        in.add(inputs.get(index));
                    }
                }
                operationInputs.add(in);
            }
            return new Evaluated(keys, inputs, notEmpty, operationInputs);
        } catch (RuntimeException e) {
            new Evaluated(keys, inputs, notEmpty, List.of()).close();
            throw e;
        }
    }

    private static void fold(GroupTable into, List<FieldVector> keys, List<List<FieldVector>> inputs, int rows) {
        try {
            into.add(keys, inputs, rows);
        } catch (ArithmeticException e) {
            throw QueryExecutionErrors.arithmeticOverflowError(e.getMessage(), "try_add", null);
        }
    }

    /** Merges one spilled part: folds its states, file by file in the order written, into a new table. */
    private void merge(Part part) {
        table = newTable(mergeOperations, part.depth());
        int keyCount = plan.keyTypes().size();
        for (SpilledPart file : part.files()) {
            try (SpillReader reader = new SpillReader(file, memory)) {
                while (reader.hasNext()) {
                    ColumnarBatch batch = reader.next();
                    List<FieldVector> columns = ArrowBatches.vectors(batch);
                    fold(table, columns.subList(0, keyCount), MergeForm.inputs(columns, keyCount, mergeOperations),
                            batch.numRows());
                }
            }
            files.delete(file.file());
        }
        finishTable(part.depth());
    }

    /** Turns finished groups into output columns: results (or buffers), in key order where asked. */
    private void output(Device.GroupBy groups) {
        int count = groups.groupCount();
        groupMetric.add(count);
        List<FieldVector> columns = new ArrayList<>(memory.run(() -> groups.keys(memory.allocator())));
        try {
            AggregateOutput.OperationStates states = exactSums == null ? groups::state
                    : new AggregateOutput.OperationStates() {
                        @Override
                        public List<FieldVector> state(int operation, BufferAllocator target) {
                            return groups.state(operation, target);
                        }

                        @Override
                        public AggregateOutput.ExactSum exactSum(int operation) {
                            return exactSums.sum(operation);
                        }
                    };
            columns.addAll(memory.run(() -> AggregateOutput.columns(plan, states, count, memory.allocator())));
            if (ordered != null) {
                ColumnarBatch batch = ArrowBatches.toSpark(columns, count);
                columns.clear();
                try (ColumnarBatch groupRows = batch) {
                    ordered.add(groupRows);
                }
                return;
            }
            if (keyOrder && count > 1 && !plan.keyTypes().isEmpty()) {
                List<FieldVector> sorted = memory.run(() -> inKeyOrder(columns, count));
                ArrowBatches.closeAll(columns);
                columns.clear();
                columns.addAll(sorted);
            }
            List<FieldVector> owned = List.copyOf(columns);
            columns.clear();
            setResult(owned, count);
        } finally {
            ArrowBatches.closeAll(columns);
        }
    }

    /** Makes the output of {@code columns} (keys, then buffers or results; taken over) the current result. */
    private void setResult(List<FieldVector> columns, int count) {
        List<FieldVector> out = columns;
        if (plan.results() != null) {
            try {
                out = memory.run(() -> plan.results().evaluate(columns, count, device, memory.allocator()));
            } finally {
                // taken over: closed also when a result expression fails (an ANSI error of a projection Spark
                // collapsed into the aggregation, fuzz seed 20261204 query 906)
                ArrowBatches.closeAll(columns);
            }
        }
        result = out;
        resultRows = count;
        nextRow = 0;
    }

    private ColumnarBatch nextSlice() {
        int count = Math.min(maxRows, resultRows - nextRow);
        List<FieldVector> out = new ArrayList<>(result.size());
        try {
            for (FieldVector vector : result) {
                if (count == resultRows) {
                    out.add(ExpressionColumns.share(vector, allocator));
                } else {
                    out.add(ArrowBatches.slice(vector, nextRow, count, allocator));
                }
            }
            nextRow += count;
            ColumnarBatch batch = ArrowBatches.toSpark(out, count);
            metrics.produced(count);
            return batch;
        } catch (RuntimeException e) {
            ArrowBatches.closeAll(out);
            throw e;
        }
    }

    /** The group columns (keys first) in ascending key order, nulls first: a sort aggregation's order. */
    private List<FieldVector> inKeyOrder(List<FieldVector> columns, int groups) {
        int keyCount = plan.keyTypes().size();
        List<Device.SortKey> orders = new ArrayList<>(keyCount);
        for (int i = 0; i < keyCount; i++) {
            orders.add(new Device.SortKey(true, true));
        }
        try (IntVector order = device.sortIndices(columns.subList(0, keyCount), orders, groups, -1,
                memory.allocator())) {
            return device.gather(columns, order, memory.allocator());
        }
    }

    private BitVector allFalse(int rows) {
        BitVector flags = new BitVector("isEmpty", memory.allocator());
        try {
            flags.allocateNew(Math.max(rows, 1));
            for (int row = 0; row < rows; row++) {
                flags.set(row, 0);
            }
            flags.setValueCount(rows);
            return flags;
        } catch (RuntimeException e) {
            flags.close();
            throw e;
        }
    }

    @Override
    public void close() {
        peak.add(memory.peakBytes() + (orderedMemory == null ? 0 : orderedMemory.peakBytes()));
        try (MemoryContext context = memory; SpillFiles spillFiles = files) {
            try {
                if (table != null) {
                    table.close();
                    table = null;
                }
                if (ordered != null) {
                    ordered.close();
                    ordered = null;
                }
                if (orderedMemory != null) {
                    orderedMemory.close();
                    orderedMemory = null;
                }
            } finally {
                if (result != null) {
                    ArrowBatches.closeAll(result);
                    result = null;
                }
            }
        }
    }
}
