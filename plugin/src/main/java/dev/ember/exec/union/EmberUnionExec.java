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
 * <p>Output columns and partitioning are Spark's, computed by a {@code UnionExec} over the same children,
 * so they follow the Spark version and {@code spark.sql.unionOutputPartitioning}. When that partitioning
 * is known, Spark has left out the shuffle above the union (for example between the per-channel
 * aggregations and the final one of TPC-DS q33), so output partition {@code i} must hold partition
 * {@code i} of every child ({@link PartitionAlignedUnion}); otherwise the children's partitions follow
 * one another, as Spark's union of RDDs does. Spark's own columnar union always does the latter, which is
 * why a Spark union never runs over Ember children with a known partitioning (see
 * {@link #rowInputsWhenPartitioned}).
 */
public final class EmberUnionExec extends EmberExec {
    private static final long serialVersionUID = 1L;

    private final Seq<SparkPlan> children;

    public EmberUnionExec(Seq<SparkPlan> children) {
        requireNonNull(children, "children is null");
        if (children.isEmpty()) {
            throw new IllegalArgumentException("a union needs at least one child");
        }
        this.children = children;
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
        return sparkUnion().outputPartitioning();
    }

    @Override
    public SparkPlan withNewChildrenInternal(IndexedSeq<SparkPlan> newChildren) {
        return new EmberUnionExec(newChildren);
    }

    @Override
    public int productArity() {
        return 1;
    }

    @Override
    public Object productElement(int n) {
        if (n != 0) {
            throw new IndexOutOfBoundsException(n);
        }
        return children;
    }

    @Override
    public RDD<ColumnarBatch> doExecuteColumnar() {
        List<RDD<ColumnarBatch>> inputs = new ArrayList<>();
        for (SparkPlan child : Seqs.toList(children)) {
            inputs.add(child.executeColumnar());
        }
        Partitioning partitioning = outputPartitioning();
        RDD<ColumnarBatch> union = partitioning instanceof UnknownPartitioning
                ? sparkContext().union(Seqs.from(inputs), inputs.get(0).elementClassTag())
                : PartitionAlignedUnion.of(sparkContext(), inputs, partitioning.numPartitions());
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
     * {@code ColumnarToRowExec} when the partitioning is known, else the children as they are.
     */
    public static List<SparkPlan> rowInputsWhenPartitioned(UnionExec union) {
        List<SparkPlan> children = Seqs.toList(union.children());
        if (!union.supportsColumnar() || union.outputPartitioning() instanceof UnknownPartitioning) {
            return children;
        }
        List<SparkPlan> rows = new ArrayList<>(children.size());
        for (SparkPlan child : children) {
            rows.add(child.supportsColumnar() ? new org.apache.spark.sql.execution.ColumnarToRowExec(child) : child);
        }
        return rows;
    }
}
