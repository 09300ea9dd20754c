package dev.ember.catalog.rules;

import dev.ember.expr.SupportLevel;
import dev.ember.device.Primitive;
import dev.ember.exec.Seqs;
import dev.ember.exec.sort.EmberSortExec;
import dev.ember.exec.sort.SortKeys;
import java.util.List;
import org.apache.spark.sql.execution.SortExec;
import org.apache.spark.sql.execution.SparkPlan;

/** {@code SortExec} → {@link EmberSortExec} when every sort key is a column or a supported expression. */
public final class SortRule extends ExecRule<SortExec> {

    public SortRule() {
        super(SortExec.class, "EmberSortExec", "global and per-partition sorts, ascending and descending, nulls first"
                + " or last, NaN and -0.0 ordered as Spark orders them; a partition must fit in Ember's memory limit"
                + " (spark.ember.memory.host.limitBytes), or the task fails naming that setting");
    }

    @Override
    public List<Primitive> primitives() {
        return List.of(Primitive.CONCATENATE, Primitive.SORT_INDICES, Primitive.GATHER);
    }

    @Override
    protected SupportLevel supportOf(SortExec plan, PlanContext context) {
        return SortKeys.support(Seqs.toList(plan.sortOrder()), Seqs.toList(plan.child().output()), context.compiler());
    }

    @Override
    protected SparkPlan convertNode(SortExec plan, List<SparkPlan> children, PlanContext context) {
        return new EmberSortExec(plan.sortOrder(), plan.global(), children.get(0));
    }
}
