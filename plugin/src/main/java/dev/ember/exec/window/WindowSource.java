package dev.ember.exec.window;

import dev.ember.columnar.ArrowBatches;
import dev.ember.device.Device.WindowOperation;
import dev.ember.exec.OperatorMetrics;
import dev.ember.exec.aggregate.ExpressionColumns;
import dev.ember.exec.aggregate.FrameAggregate;
import java.util.ArrayList;
import java.util.List;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.IntVector;
import org.apache.spark.SparkThrowable;
import org.apache.spark.sql.errors.QueryExecutionErrors;
import org.apache.spark.sql.execution.metric.SQLMetric;
import org.apache.spark.sql.vectorized.ColumnarBatch;
import scala.collection.Iterator;

/**
 * {@link EmberWindowExec} in one task: the rows of finished window partitions come out with one column
 * per window function appended.
 */
final class WindowSource extends SortedPartitions {
    private final WindowPlan plan;
    private final List<WindowOperation> operations;

    WindowSource(Iterator<ColumnarBatch> input, WindowPlan plan, OperatorMetrics metrics, SQLMetric peak) {
        super("EmberWindowExec", input, plan.partitionKeys(), metrics, peak);
        this.plan = plan;
        this.operations = plan.operations();
    }

    @Override
    protected ColumnarBatch finish(List<FieldVector> rows, int rowCount) {
        List<FieldVector> out = new ArrayList<>(rows);
        try {
            out.addAll(memory.run(() -> windowColumns(rows, rowCount)));
            return ArrowBatches.toSpark(out, rowCount);
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
            Runs runs = Runs.of(plan.partitionKeys(), plan.orderKeys(), rows, rowCount, device, scratch);
            owned.add(runs);
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
            List<List<FieldVector>> states = window(runs, inputs, rowCount, scratch);
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

    /**
     * The device's window functions; an ANSI long sum that overflows (the group-by state's
     * {@code ArithmeticException}) raises Spark's error, as the hash aggregation's fold does.
     */
    private List<List<FieldVector>> window(Runs runs, List<List<FieldVector>> inputs, int rowCount,
            BufferAllocator scratch) {
        try {
            return device.window(runs.partitionStarts(), runs.peerStarts(), operations, inputs, rowCount, scratch);
        } catch (ArithmeticException e) {
            if (e instanceof SparkThrowable) {
                throw e;
            }
            throw QueryExecutionErrors.arithmeticOverflowError(e.getMessage(), "try_add", null);
        }
    }

    /** Where the window partitions and the peer groups of sorted rows start ({@code Device.keyChanges}). */
    record Runs(IntVector partitionStarts, IntVector peerStarts) implements AutoCloseable {
        static Runs of(ExpressionColumns partitionKeys, ExpressionColumns orderKeys, List<FieldVector> rows,
                int rowCount, dev.ember.device.Device device, BufferAllocator allocator) {
            List<FieldVector> keys = new ArrayList<>();
            IntVector partitions = null;
            try {
                keys.addAll(partitionKeys.evaluate(rows, rowCount, device, allocator));
                partitions = device.keyChanges(keys, rowCount, allocator);
                keys.addAll(orderKeys.evaluate(rows, rowCount, device, allocator));
                return new Runs(partitions, device.keyChanges(keys, rowCount, allocator));
            } catch (RuntimeException e) {
                if (partitions != null) {
                    partitions.close();
                }
                throw e;
            } finally {
                ArrowBatches.closeAll(keys);
            }
        }

        @Override
        public void close() {
            try (IntVector partitions = partitionStarts; IntVector peers = peerStarts) {
                // closes both
            }
        }
    }
}
