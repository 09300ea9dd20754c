package dev.ember.catalog.rules;

import dev.ember.expr.SupportLevel;
import dev.ember.exec.EmberProjectExec;
import dev.ember.exec.Seqs;
import dev.ember.exec.sort.EmberLimitExec;
import java.util.List;
import java.util.function.UnaryOperator;
import org.apache.spark.sql.catalyst.expressions.Expression;
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
        return belowProjections(children.get(0), child -> new EmberLimitExec(plan.limit(), 0, false, child));
    }

    /**
     * {@code limit} applied to {@code child}, moved below the deterministic Ember projections at its top:
     * Limit(Project(x)) becomes Project(Limit(x)), the same rows. Spark evaluates a projection under a limit
     * row by row and stops at the limit, so an expression that fails on a later row (an ANSI cast overflow)
     * never fails there; a columnar projection evaluates whole batches, so above the limit it would raise
     * Spark's error where Spark answers (fuzz seed 20261207, query 2691).
     */
    static SparkPlan belowProjections(SparkPlan child, UnaryOperator<SparkPlan> limit) {
        if (child instanceof EmberProjectExec project
                && Seqs.toList(project.projectList()).stream().allMatch(expression -> ((Expression) expression).deterministic())) {
            return new EmberProjectExec(project.projectList(), belowProjections(project.child(), limit));
        }
        return limit.apply(child);
    }
}
