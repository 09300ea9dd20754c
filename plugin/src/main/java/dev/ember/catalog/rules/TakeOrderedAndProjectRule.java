package dev.ember.catalog.rules;

import dev.ember.expr.SupportLevel;
import dev.ember.device.Primitive;
import dev.ember.exec.EmberRowToColumnarExec;
import dev.ember.exec.Seqs;
import dev.ember.exec.aggregate.ExpressionColumns;
import dev.ember.exec.exchange.EmberShuffleExchangeExec;
import dev.ember.exec.sort.EmberTopNExec;
import dev.ember.exec.sort.SortKeys;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.catalyst.expressions.Attribute;
import org.apache.spark.sql.catalyst.expressions.Expression;
import org.apache.spark.sql.catalyst.expressions.NamedExpression;
import org.apache.spark.sql.catalyst.plans.physical.SinglePartition$;
import org.apache.spark.sql.execution.SparkPlan;
import org.apache.spark.sql.execution.TakeOrderedAndProjectExec;
import org.apache.spark.sql.execution.exchange.ENSURE_REQUIREMENTS$;
import org.apache.spark.sql.execution.exchange.ShuffleExchangeExec;
import scala.Option;

/**
 * {@code TakeOrderedAndProjectExec} → {@link EmberTopNExec} per partition, Spark's single-partition
 * shuffle, and a final {@link EmberTopNExec} that also projects (Spark does the same in one node).
 */
public final class TakeOrderedAndProjectRule extends ExecRule<TakeOrderedAndProjectExec> {

    public TakeOrderedAndProjectRule() {
        super(TakeOrderedAndProjectExec.class, "EmberTopNExec", "top-N per partition, a single-partition shuffle"
                + " (Spark's), then the overall top-N and the projection; an OFFSET stays in Spark");
    }

    @Override
    public List<Primitive> primitives() {
        return List.of(Primitive.CONCATENATE, Primitive.SORT_INDICES, Primitive.GATHER, Primitive.EVALUATE);
    }

    @Override
    protected SupportLevel supportOf(TakeOrderedAndProjectExec plan, PlanContext context) {
        if (plan.offset() != 0) {
            return SupportLevel.unsupported("ORDER BY ... LIMIT with an OFFSET is not supported yet");
        }
        List<Attribute> input = Seqs.toList(plan.child().output());
        SupportLevel keys = SortKeys.support(Seqs.toList(plan.sortOrder()), input, context.compiler());
        if (!keys.isCompatible()) {
            return keys;
        }
        List<Expression> projected = new ArrayList<>();
        for (NamedExpression expression : Seqs.toList(plan.projectList())) {
            projected.add((Expression) expression);
        }
        return ExpressionColumns.support(projected, input, context.compiler(), "projected column");
    }

    @Override
    protected SparkPlan convertNode(TakeOrderedAndProjectExec plan, List<SparkPlan> children, PlanContext context) {
        SparkPlan child = children.get(0);
        List<NamedExpression> passThrough = new ArrayList<>();
        for (Attribute attribute : Seqs.toList(child.output())) {
            passThrough.add(attribute);
        }
        EmberTopNExec perPartition = new EmberTopNExec(plan.limit(), plan.sortOrder(), Seqs.from(passThrough), child);
        // the exchange is inside this node's plan, so adaptive execution does not make it a query stage
        SparkPlan gather = context.conf().isEnabled(new ShuffleExchangeRule().enableKey(), true)
                ? new EmberShuffleExchangeExec(SinglePartition$.MODULE$, perPartition, ENSURE_REQUIREMENTS$.MODULE$,
                        Option.empty())
                : new EmberRowToColumnarExec(new ShuffleExchangeExec(SinglePartition$.MODULE$, perPartition,
                        ENSURE_REQUIREMENTS$.MODULE$, Option.empty()));
        return new EmberTopNExec(plan.limit(), plan.sortOrder(), plan.projectList(), gather);
    }
}
