package dev.ember.catalog.rules;

import dev.ember.expr.SupportLevel;
import dev.ember.device.Primitive;
import dev.ember.exec.EmberCopyToArrowExec;
import dev.ember.exec.EmberRowToColumnarExec;
import dev.ember.exec.Seqs;
import dev.ember.exec.broadcast.EmberBroadcastExchangeExec;
import dev.ember.exec.join.EmberBroadcastHashJoinExec;
import dev.ember.exec.join.JoinSpec;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.catalyst.expressions.Expression;
import org.apache.spark.sql.catalyst.optimizer.BuildLeft$;
import org.apache.spark.sql.execution.SparkPlan;
import org.apache.spark.sql.execution.exchange.BroadcastExchangeExec;
import org.apache.spark.sql.execution.joins.BroadcastHashJoinExec;

/**
 * {@code BroadcastHashJoinExec} → {@link EmberBroadcastHashJoinExec}; Spark's broadcast exchange below it
 * becomes an {@link EmberBroadcastExchangeExec}, so the build side travels as Ember batches, never rows.
 */
public final class BroadcastHashJoinRule extends ExecRule<BroadcastHashJoinExec> {

    public BroadcastHashJoinRule() {
        super(BroadcastHashJoinExec.class, "EmberBroadcastHashJoinExec", "inner, left/right outer, left semi, left"
                + " anti, null-aware anti (NOT IN) and existence (EXISTS/IN outside a plain WHERE conjunct) joins"
                + " with an optional extra condition; its broadcast exchange becomes EmberBroadcastExchangeExec"
                + " (the build side travels as compressed Ember batches, no rows), hashed once per executor and"
                + " shared by its tasks");
    }

    /** The broadcast exchange below the join becomes {@code EmberBroadcastExchangeExec} with it. */
    @Override
    public List<String> carriedNodes() {
        return List.of("BroadcastExchange");
    }

    @Override
    public List<Primitive> primitives() {
        return List.of(Primitive.BUILD_JOIN_TABLE, Primitive.PROBE_JOIN_TABLE, Primitive.GATHER,
                Primitive.GATHER_OR_NULL, Primitive.EVALUATE);
    }

    @Override
    protected SupportLevel supportOf(BroadcastHashJoinExec plan, PlanContext context) {
        return JoinSpec.support(Seqs.toList(plan.leftKeys()), Seqs.toList(plan.rightKeys()), plan.joinType(),
                plan.buildSide(), plan.condition(), plan.left(), plan.right(), plan.isNullAwareAntiJoin(),
                context.compiler());
    }

    @Override
    protected SparkPlan convertNode(BroadcastHashJoinExec plan, List<SparkPlan> children, PlanContext context) {
        boolean buildLeft = plan.buildSide() == BuildLeft$.MODULE$;
        SparkPlan stream = children.get(buildLeft ? 1 : 0);
        SparkPlan broadcast = unwrap(children.get(buildLeft ? 0 : 1));
        // without adaptive execution the exchange is still Spark's here; with it, the query-stage rule
        // switched it before its stage ran (EmberBroadcastStages), and a query stage is kept
        if (broadcast instanceof BroadcastExchangeExec spark) {
            broadcast = EmberBroadcastExchangeExec.over(spark).withTransitions();
        }
        List<Expression> readers = new ArrayList<>(Seqs.toList(buildLeft ? plan.rightKeys() : plan.leftKeys()));
        if (plan.condition().isDefined()) {
            readers.add(plan.condition().get());
        }
        SparkPlan build = broadcast;
        // Spark's generated code computes the stream's other columns on output rows only; so does Ember
        return LateStreamProjection.around(plan, stream, readers, input -> new EmberBroadcastHashJoinExec(
                plan.leftKeys(), plan.rightKeys(), plan.joinType(), plan.buildSide(), plan.condition(),
                plan.isNullAwareAntiJoin(), input, build));
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
