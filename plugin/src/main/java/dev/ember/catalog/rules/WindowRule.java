package dev.ember.catalog.rules;

import dev.ember.expr.SupportLevel;
import dev.ember.device.Primitive;
import dev.ember.exec.Seqs;
import dev.ember.exec.window.EmberWindowExec;
import dev.ember.exec.window.WindowSupport;
import java.util.List;
import org.apache.spark.sql.execution.SparkPlan;
import org.apache.spark.sql.execution.window.WindowExec;

/**
 * {@code WindowExec} → {@link EmberWindowExec} when every window function, frame and key is one Ember
 * computes (see {@code WindowPlan}).
 */
public final class WindowRule extends ExecRule<WindowExec> {

    public WindowRule() {
        super(WindowExec.class, "EmberWindowExec", "row_number, rank, dense_rank, and sum, avg, count, min, max over"
                + " the whole partition, UNBOUNDED PRECEDING to CURRENT ROW (ROWS or RANGE: peers share a value) or to a"
                + " row offset, and ROWS BETWEEN n PRECEDING AND m FOLLOWING; the window primitives run on the host"
                + " (a CUDA device names the reason); one window partition must fit in Ember's memory limit"
                + " (spark.ember.memory.host.limitBytes), or the task fails naming that setting");
    }

    @Override
    public List<Primitive> primitives() {
        return List.of(Primitive.KEY_CHANGES, Primitive.WINDOW, Primitive.CONCATENATE, Primitive.GATHER,
                Primitive.EVALUATE);
    }

    @Override
    protected SupportLevel supportOf(WindowExec plan, PlanContext context) {
        return WindowSupport.of(Seqs.toList(plan.windowExpression()), Seqs.toList(plan.partitionSpec()),
                Seqs.toList(plan.orderSpec()), Seqs.toList(plan.child().output()), context.compiler());
    }

    @Override
    protected SparkPlan convertNode(WindowExec plan, List<SparkPlan> children, PlanContext context) {
        return new EmberWindowExec(plan.windowExpression(), plan.partitionSpec(), plan.orderSpec(), children.get(0));
    }
}
