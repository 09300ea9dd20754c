package dev.ember.catalog.rules;

import dev.ember.expr.SupportLevel;
import dev.ember.device.Primitive;
import dev.ember.exec.Seqs;
import dev.ember.exec.aggregate.EmberHashAggregateExec;
import dev.ember.exec.aggregate.ExactDecimalSums;
import dev.ember.exec.sort.EmberSortExec;
import java.util.List;
import java.util.Optional;
import org.apache.spark.sql.catalyst.expressions.aggregate.AggregateExpression;
import org.apache.spark.sql.execution.SparkPlan;
import org.apache.spark.sql.execution.aggregate.SortAggregateExec;

/**
 * {@code SortAggregateExec} (Spark picks it for min/max/first/last of strings) → {@link EmberHashAggregateExec},
 * which needs no sorted input; first/last stay in Spark where Spark's sort reorders equal keys (see
 * {@link FirstLastAggregates}).
 */
public final class SortAggregateRule extends ExecRule<SortAggregateExec> {

    public SortAggregateRule() {
        super(SortAggregateExec.class, "EmberHashAggregateExec", "hash aggregation in place of the sort-based one (Spark's choice for"
                + " min/max/first/last of strings); otherwise as HashAggregateExec: Partial, PartialMerge, Final and"
                + " Complete modes with Spark's buffer layout; sum, count, avg, min, max, first, last (no FILTER clause,"
                + " no try_sum/try_avg); first/last stay in Spark after a radix sort on one nullable key, which does"
                + " not keep equal keys in input order;"
                + " decimal sums in 128 bits with Spark's overflow behaviour, except sums and averages of decimals of"
                + " more than 28 digits, which Spark's sort-based aggregation keeps exact; double sums may differ from Spark in the"
                + " last bits when partitions merge in another order");
    }

    @Override
    public List<Primitive> primitives() {
        return List.of(Primitive.GROUP_BY, Primitive.EVALUATE);
    }

    @Override
    protected SupportLevel supportOf(SortAggregateExec plan, PlanContext context) {
        Optional<String> orderProblem = FirstLastAggregates.sortAggregateProblem(plan);
        if (orderProblem.isPresent()) {
            return SupportLevel.unsupported(orderProblem.get());
        }
        for (AggregateExpression aggregate : Seqs.toList(plan.aggregateExpressions())) {
            Optional<String> exact = ExactDecimalSums.problem(aggregate, "in a sort-based aggregation");
            if (exact.isPresent()) {
                return SupportLevel.unsupported(exact.get());
            }
        }
        return EmberHashAggregateExec.support(plan.groupingExpressions(), plan.aggregateExpressions(),
                plan.aggregateAttributes(), plan.resultExpressions(), plan.child().output(), context.compiler());
    }

    @Override
    protected SparkPlan convertNode(SortAggregateExec plan, List<SparkPlan> children, PlanContext context) {
        return new EmberHashAggregateExec(plan.groupingExpressions(), plan.aggregateExpressions(),
                plan.aggregateAttributes(), plan.resultExpressions(), withoutLocalSort(children.get(0)), true);
    }

    /** The input of the sort Spark placed for the sort-based aggregation; hash aggregation needs no order. */
    private static SparkPlan withoutLocalSort(SparkPlan child) {
        return child instanceof EmberSortExec sort && !sort.global() ? sort.child() : child;
    }
}
