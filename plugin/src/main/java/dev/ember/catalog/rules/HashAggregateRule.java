package dev.ember.catalog.rules;

import dev.ember.expr.SupportLevel;
import dev.ember.device.Primitive;
import dev.ember.exec.Seqs;
import dev.ember.exec.aggregate.EmberHashAggregateExec;
import dev.ember.exec.aggregate.ExactDecimalSums;
import java.util.List;
import java.util.Optional;
import org.apache.spark.sql.catalyst.expressions.aggregate.AggregateExpression;
import org.apache.spark.sql.execution.SparkPlan;
import org.apache.spark.sql.execution.aggregate.HashAggregateExec;

/** {@code HashAggregateExec} → {@link EmberHashAggregateExec} in every mode. */
public final class HashAggregateRule extends ExecRule<HashAggregateExec> {

    public HashAggregateRule() {
        super(HashAggregateExec.class, "EmberHashAggregateExec", "Partial, PartialMerge, Final and Complete modes"
                + " with Spark's buffer layout; sum, count, avg, min, max, first, last (no FILTER clause, no"
                + " try_sum/try_avg); first/last fold rows in input order, as Spark does;"
                + " decimal sums in 128 bits with Spark's overflow behaviour (sums and averages of decimals of more"
                + " than 28 digits without grouping keys stay in Spark, which keeps them exact there); double sums"
                + " may differ from Spark in the last bits when partitions merge in another order");
    }

    @Override
    public List<Primitive> primitives() {
        return List.of(Primitive.GROUP_BY, Primitive.EVALUATE);
    }

    @Override
    protected SupportLevel supportOf(HashAggregateExec plan, PlanContext context) {
        if (plan.groupingExpressions().isEmpty()) {
            // without grouping keys Spark's generated code holds the buffer in local variables, not in an
            // UnsafeRow: a wide decimal sum stays exact within the stage, and one that ends too wide raises
            // NUMERIC_VALUE_OUT_OF_RANGE where Ember's state, nulled at 38 digits, raises ARITHMETIC_OVERFLOW
            for (AggregateExpression aggregate : Seqs.toList(plan.aggregateExpressions())) {
                Optional<String> exact = ExactDecimalSums.problem(aggregate, "in an aggregation without grouping"
                        + " keys");
                if (exact.isPresent()) {
                    return SupportLevel.unsupported(exact.get());
                }
            }
        }
        return EmberHashAggregateExec.support(plan.groupingExpressions(), plan.aggregateExpressions(),
                plan.aggregateAttributes(), plan.resultExpressions(), plan.child().output(), context.compiler());
    }

    @Override
    protected SparkPlan convertNode(HashAggregateExec plan, List<SparkPlan> children, PlanContext context) {
        return new EmberHashAggregateExec(plan.groupingExpressions(), plan.aggregateExpressions(),
                plan.aggregateAttributes(), plan.resultExpressions(), children.get(0), false);
    }
}
