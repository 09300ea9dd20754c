package dev.ember.exec;

import static java.util.Objects.requireNonNull;

import dev.ember.columnar.ArrowBatches;
import dev.ember.device.Device;
import dev.ember.device.selection.Devices;
import dev.ember.expr.Program;
import dev.ember.memory.EmberMemory;
import dev.ember.memory.MemoryContext;
import java.util.ArrayList;
import java.util.List;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.OutOfMemoryException;
import org.apache.arrow.vector.BitVector;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.IntVector;
import org.apache.spark.rdd.RDD;
import org.apache.spark.sql.catalyst.expressions.Attribute;
import org.apache.spark.sql.catalyst.expressions.Expression;
import org.apache.spark.sql.execution.SparkPlan;
import org.apache.spark.sql.vectorized.ColumnarBatch;
import scala.collection.Iterator;
import scala.collection.immutable.IndexedSeq;
import scala.collection.immutable.Seq;

/**
 * Replaces Spark's {@code FilterExec}: keeps the rows whose condition is true.
 *
 * <p>Per batch: the device evaluates the condition program into flags, compacts the flags into the
 * positions of the kept rows, and gathers those rows. A batch whose rows all pass shares its buffers
 * instead of copying them; a batch with none is dropped.
 *
 * <p>When the condition fails on some row (Spark's error, as the interpreter raises it), the batch is
 * filtered again conjunct by conjunct in Spark's order ({@link FilterConjuncts}), each on the rows the ones
 * before it kept: Spark's filter never evaluates a conjunct on a row an earlier one rejected, so the error
 * stands only if such a row raises it (fuzz seed 20261204, query 454: an invalid cast in a conjunct after
 * one that was null on that row).
 *
 * <p>An error that stands is raised where Spark's row-by-row filter raises it: after the rows before the
 * failing one. The filter finds the longest prefix of the batch that filters without error (a binary search
 * over prefixes: whether a prefix fails only grows with its length), hands on the rows of that prefix that
 * pass, and raises the error when asked for the next batch. A limit above that already has its rows never
 * asks, so, as in Spark, a row past the limit cannot fail the query ({@code SELECT id FROM t WHERE CAST(s AS
 * INT) >= 0 LIMIT 3} where the fourth row's text is no number).
 */
public final class EmberFilterExec extends EmberUnaryExec {
    private static final long serialVersionUID = 1L;

    private final Seq<Attribute> output;
    private final Expression condition;

    /**
     * @param output the output of the replaced {@code FilterExec} (its nullability reflects the condition)
     * @param condition the filter condition, a boolean expression over the child's output
     * @param child an Ember node producing Ember batches
     */
    public EmberFilterExec(Seq<Attribute> output, Expression condition, SparkPlan child) {
        super(child);
        this.output = requireNonNull(output, "output is null");
        this.condition = requireNonNull(condition, "condition is null");
    }

    public Expression condition() {
        return condition;
    }

    @Override
    public Seq<Attribute> output() {
        return output;
    }

    @Override
    public SparkPlan withNewChildrenInternal(IndexedSeq<SparkPlan> newChildren) {
        return new EmberFilterExec(output, condition, newChildren.apply(0));
    }

    @Override
    public int productArity() {
        return 3;
    }

    @Override
    public Object productElement(int n) {
        return switch (n) {
            case 0 -> output;
            case 1 -> condition;
            case 2 -> child;
            default -> throw new IndexOutOfBoundsException(n);
        };
    }

    @Override
    public RDD<ColumnarBatch> doExecuteColumnar() {
        List<Attribute> childOutput = Seqs.toList(child.output());
        Program predicate = Planning.compiler().compile(condition, childOutput);
        List<Program> steps = new ArrayList<>();
        try {
            for (Expression conjunct : FilterConjuncts.inSparkOrder(condition)) {
                steps.add(Planning.compiler().compile(conjunct, childOutput));
            }
        } catch (RuntimeException e) {
            // every conjunct of a condition Ember compiles should compile; if one does not, errors stay as
            // the whole condition raises them
            steps.clear();
        }
        OperatorMetrics metrics = operatorMetrics();
        return Rdds.mapPartitions(child.executeColumnar(),
                input -> new BatchIterator(new FilterSource(input, predicate, steps, metrics), metrics),
                ColumnarBatch.class);
    }

    /** Filters the batches of one partition. */
    private static final class FilterSource implements BatchIterator.Source {
        private final Iterator<ColumnarBatch> input;
        private final Program predicate;
        private final List<Program> steps;
        private final OperatorMetrics metrics;
        private final Device device = Devices.current();
        private final BufferAllocator allocator = EmberMemory.taskAllocator();
        /** The error of a batch's failing row, raised on the call after the rows before it were handed on. */
        private RuntimeException pending;

        FilterSource(Iterator<ColumnarBatch> input, Program predicate, List<Program> steps, OperatorMetrics metrics) {
            this.input = input;
            this.predicate = predicate;
            this.steps = steps;
            this.metrics = metrics;
        }

        @Override
        public ColumnarBatch next() {
            if (pending != null) {
                RuntimeException error = pending;
                pending = null;
                throw error;
            }
            while (input.hasNext()) {
                ColumnarBatch batch = input.next();
                long start = System.nanoTime();
                try {
                    ColumnarBatch result = filter(batch);
                    if (result != null) {
                        metrics.produced(result.numRows());
                        return result;
                    }
                } finally {
                    metrics.operatorTime().add(System.nanoTime() - start);
                }
            }
            return null;
        }

        private ColumnarBatch filter(ColumnarBatch batch) {
            int rows = batch.numRows();
            if (rows == 0) {
                return null;
            }
            List<FieldVector> columns = ArrowBatches.vectors(batch);
            try {
                return filterRows(columns, rows, rows);
            } catch (MemoryContext.LimitExceededException | OutOfMemoryException e) {
                throw e;
            } catch (RuntimeException e) {
                return rowsBeforeTheFailingRow(columns, rows, e);
            }
        }

        /**
         * After the batch failed with {@code error}: the rows of the longest prefix that filters without
         * error that pass (null when none), with the failing row's error left {@link #pending}.
         */
        private ColumnarBatch rowsBeforeTheFailingRow(List<FieldVector> columns, int rows, RuntimeException error) {
            int good = 0;  // a prefix of this many rows filters without error
            int bad = rows;  // a prefix of this many rows fails
            RuntimeException firstError = error;
            while (bad - good > 1) {
                int middle = good + (bad - good) / 2;
                try {
                    ColumnarBatch probe = filterRows(columns, middle, rows);
                    if (probe != null) {
                        probe.close();
                    }
                    good = middle;
                } catch (MemoryContext.LimitExceededException | OutOfMemoryException e) {
                    throw e;
                } catch (RuntimeException e) {
                    bad = middle;
                    firstError = e;
                }
            }
            if (good == 0) {
                throw firstError;
            }
            ColumnarBatch before = filterRows(columns, good, rows);
            pending = firstError;
            if (before == null) {
                // no row before the failing one passes: nothing to hand on first
                pending = null;
                throw firstError;
            }
            return before;
        }

        /**
         * The rows among the first {@code count} of the batch ({@code rows} rows) whose condition is true, or
         * null when none; throws the error of the first row (in Spark's conjunct order) whose condition fails.
         */
        private ColumnarBatch filterRows(List<FieldVector> columns, int count, int rows) {
            FieldVector evaluated;
            try {
                evaluated = device.evaluate(predicate, columns, count, allocator);
            } catch (MemoryContext.LimitExceededException | OutOfMemoryException e) {
                throw e;
            } catch (RuntimeException e) {
                if (steps.size() < 2) {
                    throw e;
                }
                return filterStepByStep(columns, count, rows);
            }
            try (FieldVector flags = evaluated;
                    IntVector positions = device.selectTrue((BitVector) flags, count, allocator)) {
                int kept = positions.getValueCount();
                if (kept == 0) {
                    return null;
                }
                List<FieldVector> out = kept == rows
                        ? Vectors.shareAll(columns, allocator)
                        : device.gather(columns, positions, allocator);
                try {
                    return ArrowBatches.toSpark(out, kept);
                } catch (RuntimeException e) {
                    ArrowBatches.closeAll(out);
                    throw e;
                }
            }
        }

        /**
         * The first {@code count} rows of the batch ({@code rows} rows) filtered by one conjunct after another,
         * each over the rows the ones before it kept.
         */
        private ColumnarBatch filterStepByStep(List<FieldVector> columns, int count, int rows) {
            List<FieldVector> current = Vectors.shareAll(columns, allocator);
            int currentRows = count;
            int held = rows;  // the rows current's vectors hold (more than currentRows until the first gather)
            try {
                for (Program step : steps) {
                    try (FieldVector flags = device.evaluate(step, current, currentRows, allocator);
                            IntVector positions = device.selectTrue((BitVector) flags, currentRows, allocator)) {
                        int kept = positions.getValueCount();
                        if (kept == 0) {
                            return null;
                        }
                        if (kept < held) {
                            List<FieldVector> gathered = device.gather(current, positions, allocator);
                            ArrowBatches.closeAll(current);
                            current = gathered;
                            currentRows = kept;
                            held = kept;
                        }
                    }
                }
                ColumnarBatch result = ArrowBatches.toSpark(current, currentRows);
                current = List.of();
                return result;
            } finally {
                ArrowBatches.closeAll(current);
            }
        }

        @Override
        public void close() {
            // holds no buffers between batches
        }
    }
}
