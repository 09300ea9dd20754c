package dev.ember.catalog.rules;

import dev.ember.expr.SupportLevel;
import dev.ember.exec.sort.EmberLimitExec;
import java.util.List;
import org.apache.spark.sql.execution.LocalLimitExec;
import org.apache.spark.sql.execution.SparkPlan;

/** {@code LocalLimitExec} → {@link EmberLimitExec} (per partition). */
public final class LocalLimitRule extends ExecRule<LocalLimitExec> {

    public LocalLimitRule() {
        super(LocalLimitExec.class, "EmberLimitExec", "shares the input's buffers; stops reading at the limit");
    }

    @Override
    protected SupportLevel supportOf(LocalLimitExec plan, PlanContext context) {
        return SupportLevel.compatible();
    }

    @Override
    protected SparkPlan convertNode(LocalLimitExec plan, List<SparkPlan> children, PlanContext context) {
        return new EmberLimitExec(plan.limit(), 0, false, children.get(0));
    }
}
