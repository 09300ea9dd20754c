package dev.ember.exec;

import static java.util.Objects.requireNonNull;

import dev.ember.columnar.ArrowBatches;
import dev.ember.device.Device;
import dev.ember.device.selection.Devices;
import dev.ember.expr.Program;
import dev.ember.memory.EmberMemory;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.FieldVector;
import org.apache.spark.rdd.RDD;
import org.apache.spark.sql.catalyst.expressions.Alias;
import org.apache.spark.sql.catalyst.expressions.Attribute;
import org.apache.spark.sql.catalyst.expressions.AttributeReference;
import org.apache.spark.sql.catalyst.expressions.Expression;
import org.apache.spark.sql.catalyst.expressions.ExprId;
import org.apache.spark.sql.catalyst.expressions.NamedExpression;
import org.apache.spark.sql.catalyst.expressions.SortOrder;
import org.apache.spark.sql.catalyst.plans.physical.Partitioning;
import org.apache.spark.sql.catalyst.plans.physical.UnknownPartitioning;
import org.apache.spark.sql.execution.SparkPlan;
import org.apache.spark.sql.vectorized.ColumnarBatch;
import scala.collection.Iterator;
import scala.collection.immutable.IndexedSeq;
import scala.collection.immutable.Seq;

/**
 * Replaces Spark's {@code ProjectExec}: computes one output column per projected expression.
 *
 * <p>A projected column that is a plain reference to an input column shares that column's buffers;
 * every other column is the result of its compiled program, evaluated by the device.
 */
public final class EmberProjectExec extends EmberExec {
    private static final long serialVersionUID = 1L;

    private final Seq<NamedExpression> projectList;
    private final SparkPlan child;

    public EmberProjectExec(Seq<NamedExpression> projectList, SparkPlan child) {
        this.projectList = requireNonNull(projectList, "projectList is null");
        this.child = requireNonNull(child, "child is null");
    }

    public Seq<NamedExpression> projectList() {
        return projectList;
    }

    public SparkPlan child() {
        return child;
    }

    @Override
    public Seq<Attribute> output() {
        return Seqs.attributesOf(projectList);
    }

    @Override
    public Seq<SparkPlan> children() {
        return Seqs.of(child);
    }

    @Override
    public SparkPlan withNewChildrenInternal(IndexedSeq<SparkPlan> newChildren) {
        return new EmberProjectExec(projectList, newChildren.apply(0));
    }

    /** The child's partitioning when the columns it is defined on pass through unchanged, else unknown. */
    @Override
    public Partitioning outputPartitioning() {
        Partitioning partitioning = child.outputPartitioning();
        if (!(partitioning instanceof Expression partitionExpression)) {
            return partitioning;
        }
        Set<ExprId> passed = passedThrough();
        for (Attribute reference : Seqs.toList(partitionExpression.references().toSeq())) {
            if (!passed.contains(reference.exprId())) {
                return new UnknownPartitioning(partitioning.numPartitions());
            }
        }
        return partitioning;
    }

    @Override
    public Seq<SortOrder> outputOrdering() {
        List<SortOrder> kept = new ArrayList<>();
        Set<ExprId> passed = passedThrough();
        for (SortOrder order : Seqs.toList(child.outputOrdering())) {
            boolean allPassed = true;
            for (Attribute reference : Seqs.toList(order.references().toSeq())) {
                allPassed &= passed.contains(reference.exprId());
            }
            if (!allPassed) {
                break;
            }
            kept.add(order);
        }
        return Seqs.from(kept);
    }

    @Override
    public int productArity() {
        return 2;
    }

    @Override
    public Object productElement(int n) {
        return switch (n) {
            case 0 -> projectList;
            case 1 -> child;
            default -> throw new IndexOutOfBoundsException(n);
        };
    }

    @Override
    public RDD<ColumnarBatch> doExecuteColumnar() {
        List<Attribute> input = Seqs.toList(child.output());
        List<NamedExpression> expressions = Seqs.toList(projectList);
        int[] sharedInput = new int[expressions.size()];
        List<Program> programs = new ArrayList<>(expressions.size());
        for (int i = 0; i < expressions.size(); i++) {
            sharedInput[i] = inputOrdinal(expressions.get(i), input);
            programs.add(sharedInput[i] >= 0 ? null : Planning.compiler().compile((Expression) expressions.get(i), input));
        }
        OperatorMetrics metrics = operatorMetrics();
        return Rdds.mapPartitions(child.executeColumnar(),
                batches -> new BatchIterator(new ProjectSource(batches, programs, sharedInput, metrics), metrics),
                ColumnarBatch.class);
    }

    private Set<ExprId> passedThrough() {
        Set<ExprId> passed = new HashSet<>();
        for (NamedExpression expression : Seqs.toList(projectList)) {
            if (expression instanceof AttributeReference reference) {
                passed.add(reference.exprId());
            }
        }
        return passed;
    }

    /** The input column a projected expression only renames or references, or -1. */
    private static int inputOrdinal(NamedExpression expression, List<Attribute> input) {
        return Planning.inputOrdinal(expression instanceof Alias alias ? alias.child() : (Expression) expression, input);
    }

    /** Projects the batches of one partition. */
    private static final class ProjectSource implements BatchIterator.Source {
        private final Iterator<ColumnarBatch> input;
        private final List<Program> programs;
        private final int[] sharedInput;
        private final List<Program> computedPrograms = new ArrayList<>();
        private final OperatorMetrics metrics;
        private final Device device = Devices.current();
        private final BufferAllocator allocator = EmberMemory.taskAllocator();

        ProjectSource(Iterator<ColumnarBatch> input, List<Program> programs, int[] sharedInput,
                OperatorMetrics metrics) {
            this.input = input;
            this.programs = programs;
            this.sharedInput = sharedInput;
            this.metrics = metrics;
            for (int i = 0; i < programs.size(); i++) {
                if (sharedInput[i] < 0) {
                    computedPrograms.add(programs.get(i));
                }
            }
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
                    ColumnarBatch result = project(batch);
                    metrics.produced(result.numRows());
                    return result;
                } finally {
                    metrics.operatorTime().add(System.nanoTime() - start);
                }
            }
            return null;
        }

        private ColumnarBatch project(ColumnarBatch batch) {
            int rows = batch.numRows();
            List<FieldVector> columns = ArrowBatches.vectors(batch);
            // all computed columns in one call: a failing row raises the error Spark's projection raises
            List<FieldVector> results = computedPrograms.isEmpty()
                    ? List.of()
                    : device.evaluateAll(computedPrograms, columns, rows, allocator);
            List<FieldVector> out = new ArrayList<>(programs.size());
            int used = 0;
            try {
                for (int i = 0; i < programs.size(); i++) {
                    if (sharedInput[i] >= 0) {
                        out.add(Vectors.share(columns.get(sharedInput[i]), allocator));
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
            // holds no buffers between batches
        }
    }
}
