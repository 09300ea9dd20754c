package dev.ember.exec;

import static java.util.Objects.requireNonNull;

import java.util.List;
import org.apache.spark.sql.catalyst.expressions.Attribute;
import org.apache.spark.sql.catalyst.expressions.SortOrder;
import org.apache.spark.sql.catalyst.plans.physical.Partitioning;
import org.apache.spark.sql.execution.SparkPlan;
import scala.Tuple2;
import scala.collection.immutable.Seq;

/**
 * An Ember node with one child whose columns, partitioning and ordering it keeps unless it says
 * otherwise (filters, limits, sorts, the transitions into Ember).
 */
public abstract class EmberUnaryExec extends EmberExec {
    private static final long serialVersionUID = 1L;

    protected final SparkPlan child;

    protected EmberUnaryExec(SparkPlan child, List<Tuple2<String, String>> extraMetrics) {
        super(extraMetrics);
        this.child = requireNonNull(child, "child is null");
    }

    protected EmberUnaryExec(SparkPlan child) {
        this(child, List.of());
    }

    public final SparkPlan child() {
        return child;
    }

    @Override
    public final Seq<SparkPlan> children() {
        return Seqs.of(child);
    }

    @Override
    public Seq<Attribute> output() {
        return child.output();
    }

    @Override
    public Partitioning outputPartitioning() {
        return child.outputPartitioning();
    }

    @Override
    public Seq<SortOrder> outputOrdering() {
        return child.outputOrdering();
    }
}
