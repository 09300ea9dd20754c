package dev.ember.catalog.rules;

import dev.ember.expr.SupportLevel;
import dev.ember.exec.Seqs;
import dev.ember.exec.union.EmberUnionExec;
import java.util.List;
import org.apache.spark.sql.execution.SparkPlan;
import org.apache.spark.sql.execution.UnionExec;

/** {@code UnionExec} → {@link EmberUnionExec}: the children's batches handed on, partitioning kept. */
public final class UnionRule extends ExecRule<UnionExec> {

    public UnionRule() {
        super(UnionExec.class, "EmberUnionExec", "UNION ALL; hands on the children's batches without a copy;"
                + " co-partitioned children (spark.sql.unionOutputPartitioning) are read partition by partition,"
                + " as Spark reads them");
    }

    @Override
    protected SupportLevel supportOf(UnionExec plan, PlanContext context) {
        return SupportLevel.compatible();
    }

    @Override
    protected SparkPlan convertNode(UnionExec plan, List<SparkPlan> children, PlanContext context) {
        // the partitioning Spark's planner saw over Spark's children, not what the Ember children report
        return new EmberUnionExec(Seqs.from(children), plan.outputPartitioning());
    }
}
