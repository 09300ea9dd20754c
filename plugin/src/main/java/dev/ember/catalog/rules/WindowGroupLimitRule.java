package dev.ember.catalog.rules;

import dev.ember.expr.SupportLevel;
import dev.ember.device.Primitive;
import dev.ember.exec.Seqs;
import dev.ember.exec.window.EmberWindowGroupLimitExec;
import dev.ember.exec.window.WindowSupport;
import java.util.List;
import org.apache.spark.sql.execution.SparkPlan;
import org.apache.spark.sql.execution.window.WindowGroupLimitExec;

/** {@code WindowGroupLimitExec} → {@link EmberWindowGroupLimitExec} when its keys are columns Ember reads or computes. */
public final class WindowGroupLimitRule extends ExecRule<WindowGroupLimitExec> {

    public WindowGroupLimitRule() {
        super(WindowGroupLimitExec.class, "EmberWindowGroupLimitExec", "the rows within a row_number, rank or"
                + " dense_rank limit per window partition (top-N per group), before and after the shuffle; ranks on"
                + " the host (a CUDA device names the reason); one window partition must fit in Ember's memory limit");
    }

    @Override
    public List<Primitive> primitives() {
        return List.of(Primitive.KEY_CHANGES, Primitive.WINDOW, Primitive.EVALUATE, Primitive.SELECT_TRUE,
                Primitive.CONCATENATE, Primitive.GATHER);
    }

    @Override
    protected SupportLevel supportOf(WindowGroupLimitExec plan, PlanContext context) {
        return WindowSupport.ofGroupLimit(Seqs.toList(plan.partitionSpec()), Seqs.toList(plan.orderSpec()),
                plan.rankLikeFunction(), Seqs.toList(plan.child().output()), context.compiler());
    }

    @Override
    protected SparkPlan convertNode(WindowGroupLimitExec plan, List<SparkPlan> children, PlanContext context) {
        return new EmberWindowGroupLimitExec(plan.partitionSpec(), plan.orderSpec(), plan.rankLikeFunction(),
                plan.limit(), plan.mode(), children.get(0));
    }
}
