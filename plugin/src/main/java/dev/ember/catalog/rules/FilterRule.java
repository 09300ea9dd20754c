package dev.ember.catalog.rules;

import dev.ember.expr.SupportLevel;
import dev.ember.device.Primitive;
import dev.ember.exec.EmberFilterExec;
import dev.ember.exec.Seqs;
import java.util.List;
import org.apache.spark.sql.execution.FilterExec;
import org.apache.spark.sql.execution.SparkPlan;

/** {@code FilterExec} → {@link EmberFilterExec} when its condition compiles. */
public final class FilterRule extends ExecRule<FilterExec> {

    public FilterRule() {
        super(FilterExec.class, "EmberFilterExec", "runs when every part of the condition is a supported expression");
    }

    @Override
    public List<Primitive> primitives() {
        return List.of(Primitive.EVALUATE, Primitive.SELECT_TRUE, Primitive.GATHER);
    }

    @Override
    protected SupportLevel supportOf(FilterExec plan, PlanContext context) {
        SupportLevel level = context.compiler().support(plan.condition(), Seqs.toList(plan.child().output()));
        return level.isCompatible() ? level : SupportLevel.unsupported("condition: " + level.reason());
    }

    @Override
    protected SparkPlan convertNode(FilterExec plan, List<SparkPlan> children, PlanContext context) {
        return new EmberFilterExec(plan.output(), plan.condition(), children.get(0));
    }
}
