package dev.ember.exec;

import static java.util.Objects.requireNonNull;

import dev.ember.columnar.ArrowBatches;
import dev.ember.device.Device;
import dev.ember.device.selection.Devices;
import dev.ember.expr.Program;
import dev.ember.memory.EmberMemory;
import java.util.ArrayList;
import java.util.List;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.FieldVector;
import org.apache.spark.rdd.RDD;
import org.apache.spark.sql.catalyst.expressions.Attribute;
import org.apache.spark.sql.catalyst.expressions.Expression;
import org.apache.spark.sql.catalyst.plans.physical.Partitioning;
import org.apache.spark.sql.catalyst.plans.physical.UnknownPartitioning;
import org.apache.spark.sql.execution.SparkPlan;
import org.apache.spark.sql.vectorized.ColumnarBatch;
import scala.collection.Iterator;
import scala.collection.immutable.IndexedSeq;
import scala.collection.immutable.Seq;

/**
 * Replaces Spark's {@code ExpandExec} (rollup, cube, grouping sets, and distinct aggregates over
 * several columns): each input batch comes out once per projection, in projection order, as Spark's
 * expand emits each row once per projection.
 *
 * <p>A projected column that references an input column shares that column's buffers; the others
 * (the typed nulls of the grouping columns a set leaves out, and the grouping id literal) are the
 * results of their compiled programs, evaluated by the device. The output rows of one input batch come
 * out grouped by projection rather than interleaved row by row as Spark's do; no parent Spark places
 * above an expand depends on its row order (an aggregate always follows it).
 */
public final class EmberExpandExec extends EmberExec {
    private static final long serialVersionUID = 1L;

    private final Seq<Seq<Expression>> projections;
    private final Seq<Attribute> output;
    private final SparkPlan child;

    public EmberExpandExec(Seq<Seq<Expression>> projections, Seq<Attribute> output, SparkPlan child) {
        this.projections = requireNonNull(projections, "projections is null");
        this.output = requireNonNull(output, "output is null");
        this.child = requireNonNull(child, "child is null");
    }

    public Seq<Seq<Expression>> projections() {
        return projections;
    }

    public SparkPlan child() {
        return child;
    }

    @Override
    public Seq<Attribute> output() {
        return output;
    }

    @Override
    public Seq<SparkPlan> children() {
        return Seqs.of(child);
    }

    @Override
    public SparkPlan withNewChildrenInternal(IndexedSeq<SparkPlan> newChildren) {
        return new EmberExpandExec(projections, output, newChildren.apply(0));
    }

    /** As Spark's expand: a row's copies may belong to any partition of a later grouping. */
    @Override
    public Partitioning outputPartitioning() {
        return new UnknownPartitioning(0);
    }

    @Override
    public int productArity() {
        return 3;
    }

    @Override
    public Object productElement(int n) {
        return switch (n) {
            case 0 -> projections;
            case 1 -> output;
            case 2 -> child;
            default -> throw new IndexOutOfBoundsException(n);
        };
    }

    @Override
    public RDD<ColumnarBatch> doExecuteColumnar() {
        List<Attribute> input = Seqs.toList(child.output());
        List<Projection> compiled = new ArrayList<>();
        for (Seq<Expression> projection : Seqs.toList(projections)) {
            compiled.add(Projection.compile(Seqs.toList(projection), input));
        }
        OperatorMetrics metrics = operatorMetrics();
        return Rdds.mapPartitions(child.executeColumnar(),
                batches -> new BatchIterator(new ExpandSource(batches, compiled, metrics), metrics),
                ColumnarBatch.class);
    }

    /**
     * One projection: per output column either the input column it references ({@code sharedInput >= 0})
     * or the program that computes it.
     */
    private record Projection(List<Program> programs, int[] sharedInput, List<Program> computed)
            implements java.io.Serializable {

        static Projection compile(List<Expression> expressions, List<Attribute> input) {
            List<Program> programs = new ArrayList<>(expressions.size());
            List<Program> computed = new ArrayList<>();
            int[] sharedInput = new int[expressions.size()];
            for (int i = 0; i < expressions.size(); i++) {
                sharedInput[i] = Planning.inputOrdinal(expressions.get(i), input);
                Program program = sharedInput[i] >= 0 ? null : Planning.compiler().compile(expressions.get(i), input);
                programs.add(program);
                if (program != null) {
                    computed.add(program);
                }
            }
            return new Projection(java.util.Collections.unmodifiableList(programs), sharedInput, List.copyOf(computed));
        }
    }

    /**
     * Emits each input batch once per projection. Holds the current input batch while its projections
     * come out and asks the child for the next one only after the last (the child's iterator closes a
     * batch when the next is asked for).
     */
    private static final class ExpandSource implements BatchIterator.Source {
        private final Iterator<ColumnarBatch> input;
        private final List<Projection> projections;
        private final OperatorMetrics metrics;
        private final Device device = Devices.current();
        private final BufferAllocator allocator = EmberMemory.taskAllocator();
        private ColumnarBatch current;
        private int nextProjection;

        ExpandSource(Iterator<ColumnarBatch> input, List<Projection> projections, OperatorMetrics metrics) {
            this.input = input;
            this.projections = projections;
            this.metrics = metrics;
        }

        @Override
        public ColumnarBatch next() {
            while (current == null || nextProjection == projections.size()) {
                current = null;
                if (!input.hasNext()) {
                    return null;
                }
                ColumnarBatch batch = input.next();
                if (batch.numRows() > 0) {
                    current = batch;
                    nextProjection = 0;
                }
            }
            long start = System.nanoTime();
            try {
                ColumnarBatch result = project(current, projections.get(nextProjection++));
                metrics.produced(result.numRows());
                return result;
            } finally {
                metrics.operatorTime().add(System.nanoTime() - start);
            }
        }

        private ColumnarBatch project(ColumnarBatch batch, Projection projection) {
            int rows = batch.numRows();
            List<FieldVector> columns = ArrowBatches.vectors(batch);
            List<FieldVector> results = projection.computed().isEmpty()
                    ? List.of()
                    : device.evaluateAll(projection.computed(), columns, rows, allocator);
            List<FieldVector> out = new ArrayList<>(projection.programs().size());
            int used = 0;
            try {
                for (int i = 0; i < projection.programs().size(); i++) {
                    if (projection.sharedInput()[i] >= 0) {
                        out.add(Vectors.share(columns.get(projection.sharedInput()[i]), allocator));
                    } else {
                        out.add(results.get(used++));
                    }
                }
                return ArrowBatches.toSpark(out, rows);
            } catch (RuntimeException e) {
                ArrowBatches.closeAll(out);
                ArrowBatches.closeAll(results.subList(used, results.size()));
                throw e;
            }
        }

        @Override
        public void close() {
            // the current input batch belongs to the child's iterator, which closes it
            current = null;
        }
    }
}
