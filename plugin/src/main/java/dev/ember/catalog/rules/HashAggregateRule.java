package dev.ember.catalog.rules;

import dev.ember.expr.SupportLevel;
import dev.ember.device.Primitive;
import dev.ember.exec.aggregate.EmberHashAggregateExec;
import dev.ember.exec.aggregate.ExactDecimalSums;
import java.util.List;
import java.util.Optional;
import org.apache.spark.sql.execution.SparkPlan;
import org.apache.spark.sql.execution.aggregate.HashAggregateExec;

/** {@code HashAggregateExec} → {@link EmberHashAggregateExec} in every mode. */
public final class HashAggregateRule extends ExecRule<HashAggregateExec> {

    public HashAggregateRule() {
        super(HashAggregateExec.class, "EmberHashAggregateExec", "Partial, PartialMerge, Final and Complete modes"
                + " with Spark's buffer layout; sum, count, avg, min, max, first, last (no FILTER clause, no"
                + " try_sum/try_avg); first/last fold rows in input order, as Spark does;"
                + " decimal sums in 128 bits with Spark's overflow behaviour; without grouping keys, sums and averages"
                + " of decimals of more than 28 digits exact as Spark's generated code keeps them (they stay in Spark"
                + " where the partial and final aggregation run in one stage); double sums may differ from Spark in"
                + " the last bits when partitions merge in another order");
    }

    @Override
    public List<Primitive> primitives() {
        return List.of(Primitive.GROUP_BY, Primitive.EVALUATE);
    }

    @Override
    protected SupportLevel supportOf(HashAggregateExec plan, PlanContext context) {
        Optional<String> exact = ExactDecimalSums.keylessProblem(plan);
        if (exact.isPresent()) {
            return SupportLevel.unsupported(exact.get());
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
