package dev.ember.catalog.rules;

import dev.ember.expr.SupportLevel;
import dev.ember.exec.sort.EmberLimitExec;
import java.util.List;
import org.apache.spark.sql.execution.GlobalLimitExec;
import org.apache.spark.sql.execution.SparkPlan;

/** {@code GlobalLimitExec} → {@link EmberLimitExec} over Spark's single-partition exchange, offsets included. */
public final class GlobalLimitRule extends ExecRule<GlobalLimitExec> {

    public GlobalLimitRule() {
        super(GlobalLimitExec.class, "EmberLimitExec", "limit and offset over the single partition Spark's exchange"
                + " gathers; shares the input's buffers");
    }

    @Override
    protected SupportLevel supportOf(GlobalLimitExec plan, PlanContext context) {
        return SupportLevel.compatible();
    }

    @Override
    protected SparkPlan convertNode(GlobalLimitExec plan, List<SparkPlan> children, PlanContext context) {
        return LocalLimitRule.belowProjections(children.get(0),
                child -> new EmberLimitExec(plan.limit(), plan.offset(), true, child));
    }
}
