package dev.ember.catalog.rules;

import dev.ember.catalog.ExecRule;
import dev.ember.catalog.PlanContext;
import dev.ember.catalog.SupportLevel;
import dev.ember.exec.aggregate.EmberHashAggregateExec;
import dev.ember.exec.sort.EmberSortExec;
import java.util.List;
import org.apache.spark.sql.execution.SparkPlan;
import org.apache.spark.sql.execution.aggregate.SortAggregateExec;

/** {@code SortAggregateExec} (Spark picks it for min/max of strings) → {@link EmberHashAggregateExec}, which needs no sorted input. */
public final class SortAggregateRule extends ExecRule<SortAggregateExec> {

    public SortAggregateRule() {
        super(SortAggregateExec.class, "EmberHashAggregateExec", "hash aggregation in place of the sort-based one (Spark's choice for"
                + " min/max of strings); otherwise as HashAggregateExec: Partial, PartialMerge, Final and Complete modes"
                + " with Spark's buffer layout; sum, count, avg, min, max (no FILTER clause, no try_sum/try_avg);"
                + " decimal sums in 128 bits with Spark's overflow behaviour; double sums may differ from Spark in the"
                + " last bits when partitions merge in another order");
    }

    @Override
    public List<String> primitives() {
        return List.of("newGroupBy", "evaluate");
    }

    @Override
    protected SupportLevel supportOf(SortAggregateExec plan, PlanContext context) {
        return EmberHashAggregateExec.support(plan.groupingExpressions(), plan.aggregateExpressions(),
                plan.aggregateAttributes(), plan.resultExpressions(), plan.child().output(), context.compiler());
    }

    @Override
    protected SparkPlan convertNode(SortAggregateExec plan, List<SparkPlan> children, PlanContext context) {
        return new EmberHashAggregateExec(plan.groupingExpressions(), plan.aggregateExpressions(),
                plan.aggregateAttributes(), plan.resultExpressions(), withoutLocalSort(children.get(0)));
    }

    /** The input of the sort Spark placed for the sort-based aggregation; hash aggregation needs no order. */
    private static SparkPlan withoutLocalSort(SparkPlan child) {
        return child instanceof EmberSortExec sort && !sort.global() ? sort.child() : child;
    }
}
