package dev.ember.catalog.rules;

import dev.ember.device.Primitive;
import dev.ember.exec.EmberCopyToArrowExec;
import dev.ember.exec.EmberRowToColumnarExec;
import dev.ember.exec.Seqs;
import dev.ember.exec.join.EmberBroadcastNestedLoopJoinExec;
import dev.ember.exec.join.JoinSpec;
import dev.ember.expr.SupportLevel;
import java.util.List;
import org.apache.spark.sql.catalyst.optimizer.BuildLeft$;
import org.apache.spark.sql.execution.ApplyColumnarRulesAndInsertTransitions;
import org.apache.spark.sql.execution.ColumnarRule;
import org.apache.spark.sql.execution.SparkPlan;
import org.apache.spark.sql.execution.exchange.BroadcastExchangeExec;
import org.apache.spark.sql.execution.joins.BroadcastNestedLoopJoinExec;

/**
 * {@code BroadcastNestedLoopJoinExec} → {@link EmberBroadcastNestedLoopJoinExec} where the join preserves
 * its stream side only; the broadcast of rows below it stays Spark's (see {@code BroadcastRows} for why).
 */
public final class BroadcastNestedLoopJoinRule extends ExecRule<BroadcastNestedLoopJoinExec> {

    public BroadcastNestedLoopJoinRule() {
        super(BroadcastNestedLoopJoinExec.class, "EmberBroadcastNestedLoopJoinExec", "inner and cross joins"
                + " (either side broadcast), and left outer, left semi, left anti and existence joins broadcasting"
                + " the right side, right outer joins broadcasting the left side, with or without a condition;"
                + " pairs are compared in steps of spark.ember.batchSizeRows; full outer joins and joins that"
                + " preserve the broadcast side stay in Spark; the broadcast stays Spark's array of rows, copied"
                + " into Arrow once per executor");
    }

    @Override
    public List<Primitive> primitives() {
        return List.of(Primitive.GATHER, Primitive.GATHER_OR_NULL, Primitive.EVALUATE);
    }

    @Override
    protected SupportLevel supportOf(BroadcastNestedLoopJoinExec plan, PlanContext context) {
        return JoinSpec.nestedLoopSupport(plan.joinType(), plan.buildSide(), plan.condition(), plan.left(),
                plan.right(), context.compiler());
    }

    @Override
    protected SparkPlan convertNode(BroadcastNestedLoopJoinExec plan, List<SparkPlan> children,
            PlanContext context) {
        boolean buildLeft = plan.buildSide() == BuildLeft$.MODULE$;
        SparkPlan stream = children.get(buildLeft ? 1 : 0);
        SparkPlan broadcast = unwrap(children.get(buildLeft ? 0 : 1));
        if (broadcast instanceof BroadcastExchangeExec spark) {
            // a broadcast is no child of the Ember join, so Spark places no transitions along it: an Ember
            // node below the (row-based) exchange gets its columnar-to-row transition here
            SparkPlan placed = new ApplyColumnarRulesAndInsertTransitions(Seqs.<ColumnarRule>of(), false).apply(spark);
            placed.copyTagsFrom(spark);
            broadcast = placed;
        }
        SparkPlan build = broadcast;
        // where Spark generates code for the join, it computes the stream's other columns on output rows only;
        // where it does not (existence joins), it projects every stream row first, and so does Ember
        return LateStreamProjection.around(plan, stream, Seqs.toList(plan.condition().toList()),
                input -> new EmberBroadcastNestedLoopJoinExec(plan.joinType(), plan.buildSide(), plan.condition(),
                        input, build));
    }

    /** The broadcast plan itself: the planner wrapped it for a columnar reader, which it must not get. */
    private static SparkPlan unwrap(SparkPlan child) {
        if (child instanceof EmberRowToColumnarExec transition) {
            return transition.child();
        }
        if (child instanceof EmberCopyToArrowExec transition) {
            return transition.child();
        }
        return child;
    }
}
