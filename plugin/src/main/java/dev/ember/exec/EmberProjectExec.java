package dev.ember.exec;

import static java.util.Objects.requireNonNull;

import dev.ember.columnar.ArrowBatches;
import dev.ember.columnar.StructColumns;
import dev.ember.device.Device;
import dev.ember.device.selection.Devices;
import dev.ember.expr.Program;
import dev.ember.memory.EmberMemory;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.FieldVector;
import org.apache.spark.rdd.RDD;
import org.apache.spark.sql.catalyst.expressions.Alias;
import org.apache.spark.sql.catalyst.expressions.Attribute;
import org.apache.spark.sql.catalyst.expressions.AttributeReference;
import org.apache.spark.sql.catalyst.expressions.CreateNamedStruct;
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
        List<Program> programs = new ArrayList<>();
        List<ColumnSource> sources = new ArrayList<>();
        for (NamedExpression expression : Seqs.toList(projectList)) {
            Optional<CreateNamedStruct> struct = structOf(expression);
            if (struct.isPresent()) {
                List<ColumnSource> fields = new ArrayList<>();
                for (Expression value : Seqs.toList(struct.get().valExprs())) {
                    fields.add(ColumnSource.of(value, input, programs));
                }
                List<String> names = new ArrayList<>();
                for (Object name : Seqs.toList(struct.get().names())) {
                    names.add(String.valueOf(name));
                }
                sources.add(ColumnSource.struct(expression.name(), names, fields));
            } else {
                sources.add(ColumnSource.of((Expression) expression, input, programs));
            }
        }
        OperatorMetrics metrics = operatorMetrics();
        return Rdds.mapPartitions(child.executeColumnar(),
                batches -> new BatchIterator(new ProjectSource(batches, programs, sources, metrics), metrics),
                ColumnarBatch.class);
    }

    /**
     * The {@code named_struct(...)} a projected column is, if it is one: Ember builds such a column from its
     * fields ({@link StructColumns}) for Spark to read, though no Ember operator reads a struct.
     */
    public static Optional<CreateNamedStruct> structOf(NamedExpression expression) {
        return expression instanceof Alias alias && alias.child() instanceof CreateNamedStruct struct
                ? Optional.of(struct)
                : Optional.empty();
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

    /** How one output column is made: an input column shared, a program's result, or a struct of such fields. */
    private record ColumnSource(int sharedInput, int program, String name, List<String> names,
            List<ColumnSource> fields) implements java.io.Serializable {

        /**
         * An input column when {@code value} only renames or references one, else a program appended to
         * {@code programs}.
         */
        static ColumnSource of(Expression value, List<Attribute> input, List<Program> programs) {
            int ordinal = Planning.inputOrdinal(value instanceof Alias alias ? alias.child() : value, input);
            if (ordinal >= 0) {
                return new ColumnSource(ordinal, -1, null, null, null);
            }
            programs.add(Planning.compiler().compile(value, input));
            return new ColumnSource(-1, programs.size() - 1, null, null, null);
        }

        static ColumnSource struct(String name, List<String> names, List<ColumnSource> fields) {
            return new ColumnSource(-1, -1, name, List.copyOf(names), List.copyOf(fields));
        }

        /** The column for one batch; a program's result is handed over (its slot in {@code results} cleared). */
        FieldVector make(List<FieldVector> columns, FieldVector[] results, int rows, BufferAllocator allocator) {
            if (sharedInput >= 0) {
                return Vectors.share(columns.get(sharedInput), allocator);
            }
            if (program >= 0) {
                FieldVector result = results[program];
                results[program] = null;
                return result;
            }
            List<FieldVector> values = new ArrayList<>(fields.size());
            try {
                for (ColumnSource field : fields) {
                    values.add(field.make(columns, results, rows, allocator));
                }
                return StructColumns.of(name, names, values, rows, allocator);
            } finally {
                ArrowBatches.closeAll(values);
            }
        }
    }

    /** Projects the batches of one partition. */
    private static final class ProjectSource implements BatchIterator.Source {
        private final Iterator<ColumnarBatch> input;
        private final List<Program> programs;
        private final List<ColumnSource> sources;
        private final OperatorMetrics metrics;
        private final Device device = Devices.current();
        private final BufferAllocator allocator = EmberMemory.taskAllocator();

        ProjectSource(Iterator<ColumnarBatch> input, List<Program> programs, List<ColumnSource> sources,
                OperatorMetrics metrics) {
            this.input = input;
            this.programs = programs;
            this.sources = sources;
            this.metrics = metrics;
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
            FieldVector[] results = programs.isEmpty()
                    ? new FieldVector[0]
                    : device.evaluateAll(programs, columns, rows, allocator).toArray(new FieldVector[0]);
            List<FieldVector> out = new ArrayList<>(sources.size());
            try {
                for (ColumnSource source : sources) {
                    out.add(source.make(columns, results, rows, allocator));
                }
                return ArrowBatches.toSpark(out, rows);
            } catch (RuntimeException e) {
                ArrowBatches.closeAll(out);
                throw e;
            } finally {
                // every result went into a column unless a column failed
                for (FieldVector left : results) {
                    if (left != null) {
                        left.close();
                    }
                }
            }
        }

        @Override
        public void close() {
            // holds no buffers between batches
        }
    }
}
