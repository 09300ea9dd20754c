package dev.ember.catalog.rules;

import dev.ember.exec.EmberEmptyRelationExec;
import dev.ember.expr.SupportLevel;
import java.util.List;
import org.apache.spark.sql.execution.EmptyRelationExec;
import org.apache.spark.sql.execution.SparkPlan;

/**
 * {@code EmptyRelationExec} → {@link EmberEmptyRelationExec}: adaptive execution's stand-in for a part of the
 * plan that returns no rows, so that an Ember node above it needs no row-to-columnar transition.
 */
public final class EmptyRelationRule extends ExecRule<EmptyRelationExec> {

    public EmptyRelationRule() {
        super(EmptyRelationExec.class, "EmberEmptyRelationExec", "the empty relation adaptive execution puts in place"
                + " of a part of the plan found at run time to return no rows; no partitions, no batches");
    }

    @Override
    protected SupportLevel supportOf(EmptyRelationExec plan, PlanContext context) {
        return SupportLevel.compatible();
    }

    @Override
    protected SparkPlan convertNode(EmptyRelationExec plan, List<SparkPlan> children, PlanContext context) {
        return new EmberEmptyRelationExec(plan.output());
    }
}
