package dev.ember.exec.union;

import static java.util.Objects.requireNonNull;

import dev.ember.exec.EmberExec;
import dev.ember.exec.OperatorMetrics;
import dev.ember.exec.Rdds;
import dev.ember.exec.Seqs;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.rdd.RDD;
import org.apache.spark.sql.catalyst.expressions.Attribute;
import org.apache.spark.sql.catalyst.plans.physical.Partitioning;
import org.apache.spark.sql.catalyst.plans.physical.UnknownPartitioning;
import org.apache.spark.sql.execution.SparkPlan;
import org.apache.spark.sql.execution.UnionExec;
import org.apache.spark.sql.vectorized.ColumnarBatch;
import scala.collection.Iterator;
import scala.collection.immutable.IndexedSeq;
import scala.collection.immutable.Seq;

/**
 * Replaces Spark's {@code UnionExec} ({@code UNION ALL}) over Ember inputs: hands on the children's batches
 * without copying them.
 *
 * <p>Output columns are Spark's, computed by a {@code UnionExec} over the same children. The partitioning is
 * the one the replaced Spark union reported over its Spark children, taken when the node is planned: that
 * is the partitioning Spark's planner relied on when it left out the shuffle above the union (for example
 * between the per-channel aggregations and the final one of TPC-DS q33), whatever the Ember children
 * report. When it is known, output partition {@code i} must hold partition {@code i} of every child
 * ({@link PartitionAlignedUnion}); otherwise the children's partitions follow one another, as Spark's union
 * of RDDs does. Spark's own columnar union always does the latter, which is why a Spark union never runs
 * over Ember children with a known partitioning (see {@link #rowInputsWhenPartitioned}).
 */
public final class EmberUnionExec extends EmberExec {
    private static final long serialVersionUID = 1L;

    private final Seq<SparkPlan> children;
    private final Partitioning partitioning;

    /**
     * @param children the union's inputs, already Ember nodes
     * @param partitioning the replaced Spark union's {@code outputPartitioning}, over this node's output
     */
    public EmberUnionExec(Seq<SparkPlan> children, Partitioning partitioning) {
        requireNonNull(children, "children is null");
        if (children.isEmpty()) {
            throw new IllegalArgumentException("a union needs at least one child");
        }
        this.children = children;
        this.partitioning = requireNonNull(partitioning, "partitioning is null");
    }

    @Override
    public Seq<SparkPlan> children() {
        return children;
    }

    @Override
    public Seq<Attribute> output() {
        return sparkUnion().output();
    }

    @Override
    public Partitioning outputPartitioning() {
        return partitioning;
    }

    @Override
    public SparkPlan withNewChildrenInternal(IndexedSeq<SparkPlan> newChildren) {
        return new EmberUnionExec(newChildren, partitioning);
    }

    @Override
    public int productArity() {
        return 2;
    }

    @Override
    public Object productElement(int n) {
        return switch (n) {
            case 0 -> children;
            case 1 -> partitioning;
            default -> throw new IndexOutOfBoundsException(n);
        };
    }

    @Override
    public RDD<ColumnarBatch> doExecuteColumnar() {
        List<RDD<ColumnarBatch>> inputs = new ArrayList<>();
        for (SparkPlan child : Seqs.toList(children)) {
            inputs.add(child.executeColumnar());
        }
        RDD<ColumnarBatch> union = partitioning instanceof UnknownPartitioning
                ? sparkContext().union(Seqs.from(inputs), inputs.get(0).elementClassTag())
                : PartitionAlignedUnion.of(sparkContext(), inputs);
        OperatorMetrics metrics = operatorMetrics();
        return Rdds.mapPartitions(union, batches -> counted(batches, metrics), ColumnarBatch.class);
    }

    /** The children's batches, counted; ownership stays with each child's iterator. */
    private static Iterator<ColumnarBatch> counted(Iterator<ColumnarBatch> batches, OperatorMetrics metrics) {
        return batches.map(batch -> {
            metrics.produced(batch.numRows());
            return batch;
        });
    }

    private UnionExec sparkUnion() {
        return new UnionExec(children);
    }

    /**
     * A Spark {@code UnionExec} that stays in Spark over columnar children runs Spark's columnar union,
     * which appends the children's partitions even when the union reports their shared partitioning; such
     * a union must read rows instead. Returns the children to give the union: the columnar ones behind a
     * {@code ColumnarToRowExec} when the original union (over Spark's children, as the planner saw it)
     * reported a known partitioning, else the children as they are.
     *
     * @param original the union as Spark planned it
     * @param children its children after Ember's rule replaced what it could
     */
    public static List<SparkPlan> rowInputsWhenPartitioned(UnionExec original, List<SparkPlan> children) {
        if (original.outputPartitioning() instanceof UnknownPartitioning) {
            return children;
        }
        List<SparkPlan> rows = new ArrayList<>(children.size());
        for (SparkPlan child : children) {
            rows.add(child.supportsColumnar() ? new org.apache.spark.sql.execution.ColumnarToRowExec(child) : child);
        }
        return rows;
    }
}
