package dev.ember.exec;

import static java.util.Objects.requireNonNull;

import dev.ember.columnar.ArrowBatches;
import dev.ember.device.Device;
import dev.ember.device.selection.Devices;
import dev.ember.expr.Program;
import dev.ember.memory.EmberMemory;
import java.util.List;
import org.apache.arrow.memory.BufferAllocator;
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
        Program predicate = Planning.compiler().compile(condition, Seqs.toList(child.output()));
        OperatorMetrics metrics = operatorMetrics();
        return Rdds.mapPartitions(child.executeColumnar(),
                input -> new BatchIterator(new FilterSource(input, predicate, metrics), metrics), ColumnarBatch.class);
    }

    /** Filters the batches of one partition. */
    private static final class FilterSource implements BatchIterator.Source {
        private final Iterator<ColumnarBatch> input;
        private final Program predicate;
        private final OperatorMetrics metrics;
        private final Device device = Devices.current();
        private final BufferAllocator allocator = EmberMemory.taskAllocator();

        FilterSource(Iterator<ColumnarBatch> input, Program predicate, OperatorMetrics metrics) {
            this.input = input;
            this.predicate = predicate;
            this.metrics = metrics;
        }

        @Override
        public ColumnarBatch next() {
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
            try (FieldVector flags = device.evaluate(predicate, columns, rows, allocator);
                    IntVector positions = device.selectTrue((BitVector) flags, rows, allocator)) {
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

        @Override
        public void close() {
            // holds no buffers between batches
        }
    }
}
