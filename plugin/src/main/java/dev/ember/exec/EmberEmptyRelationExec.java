package dev.ember.exec;

import static java.util.Objects.requireNonNull;

import org.apache.spark.rdd.RDD;
import org.apache.spark.sql.catalyst.expressions.Attribute;
import org.apache.spark.sql.execution.SparkPlan;
import org.apache.spark.sql.vectorized.ColumnarBatch;
import scala.collection.immutable.IndexedSeq;
import scala.collection.immutable.Seq;

/**
 * Replaces Spark's {@code EmptyRelationExec}, the leaf adaptive execution puts where it found at run time that
 * a part of the plan returns no rows (an empty join side, an empty stage): no partitions, no batches.
 *
 * <p>It exists so that an Ember node above such a part reads Ember batches (none) directly instead of
 * through a row-to-columnar transition over Spark's empty relation, as a global aggregate over an emptied
 * join does (TPC-DS q32 at small scales). The pruned plan's output is kept; the pruned plan itself is not
 * (Spark's node keeps it for its UI only).
 */
public final class EmberEmptyRelationExec extends EmberExec {
    private static final long serialVersionUID = 1L;

    private final Seq<Attribute> output;

    /** @param output the replaced relation's output columns */
    public EmberEmptyRelationExec(Seq<Attribute> output) {
        this.output = requireNonNull(output, "output is null");
    }

    @Override
    public Seq<Attribute> output() {
        return output;
    }

    @Override
    public Seq<SparkPlan> children() {
        return Seqs.of();
    }

    @Override
    public SparkPlan withNewChildrenInternal(IndexedSeq<SparkPlan> newChildren) {
        if (!newChildren.isEmpty()) {
            throw new IllegalArgumentException("an empty relation has no children, got " + newChildren.size());
        }
        return this;
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
        return output;
    }

    @Override
    public RDD<ColumnarBatch> doExecuteColumnar() {
        return sparkContext().emptyRDD(scala.reflect.ClassTag$.MODULE$.apply(ColumnarBatch.class));
    }
}
