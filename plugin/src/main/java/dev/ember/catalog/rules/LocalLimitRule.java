package dev.ember.catalog.rules;

import dev.ember.expr.SupportLevel;
import dev.ember.exec.EmberProjectExec;
import dev.ember.exec.Seqs;
import dev.ember.exec.sort.EmberLimitExec;
import java.util.List;
import java.util.function.UnaryOperator;
import org.apache.spark.sql.catalyst.expressions.Expression;
import org.apache.spark.sql.execution.CollectLimitExec;
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
    public static SparkPlan belowProjections(SparkPlan child, UnaryOperator<SparkPlan> limit) {
        if (child instanceof EmberProjectExec project
                && Seqs.toList(project.projectList()).stream().allMatch(expression -> ((Expression) expression).deterministic())) {
            return new EmberProjectExec(project.projectList(), belowProjections(project.child(), limit));
        }
        return limit.apply(child);
    }

    /**
     * A limit that stays in Spark ({@code CollectLimitExec}, which has no Ember operator, or a local limit
     * left to Spark) over Ember projections: the same rows, with a per-partition Ember limit of its row count
     * placed below those projections, so that they evaluate only the rows Spark's limit reads (see
     * {@link #belowProjections}). Any other plan is returned as it is.
     */
    public static SparkPlan underSparkLimit(SparkPlan plan) {
        int rows;
        if (plan instanceof CollectLimitExec collect && collect.limit() >= 0) {
            rows = (int) Math.min(Integer.MAX_VALUE, (long) collect.limit() + collect.offset());
        } else if (plan instanceof LocalLimitExec local) {
            rows = local.limit();
        } else {
            return plan;
        }
        SparkPlan child = plan.children().head();
        if (!(child instanceof EmberProjectExec)) {
            return plan;
        }
        SparkPlan limited = belowProjections(child, below -> new EmberLimitExec(rows, 0, false, below));
        return plan.withNewChildren(Seqs.of(limited));
    }
}
