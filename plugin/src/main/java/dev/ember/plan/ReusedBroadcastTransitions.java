package dev.ember.plan;

import dev.ember.exec.broadcast.EmberBroadcastExchangeExec;
import org.apache.spark.sql.catalyst.rules.Rule;
import org.apache.spark.sql.execution.ColumnarToRowExec;
import org.apache.spark.sql.execution.SparkPlan;
import org.apache.spark.sql.execution.adaptive.BroadcastQueryStageExec;
import org.apache.spark.sql.execution.exchange.ReusedExchangeExec;

/**
 * Drops the {@code ColumnarToRow} Spark puts between a Spark join and a reused Ember broadcast. Ember's
 * broadcast exchange is columnar and row-based at once, so that a Spark join reads it with no transition
 * (through {@code executeBroadcast}, the only way a broadcast is read). Spark's {@link ReusedExchangeExec}
 * passes on {@code supportsColumnar} but not {@code supportsRowBased}, so where adaptive execution reuses
 * the broadcast of a join that stayed in Spark (its query stage over a reused exchange), Spark inserts a
 * transition there, and the join then failed with "ColumnarToRow does not implement doExecuteBroadcast"
 * (fuzz seed 20261207, query 56120). The transition never runs: without it the join reads the broadcast
 * as Spark's {@code HashedRelation}, as it does the first time. Runs after Spark placed its transitions.
 */
final class ReusedBroadcastTransitions extends Rule<SparkPlan> {

    @Override
    public SparkPlan apply(SparkPlan plan) {
        if (plan instanceof ColumnarToRowExec transition && readsEmberBroadcast(transition.child())) {
            return transition.child();
        }
        return PlanTrees.mapChildren(plan, this::apply);
    }

    /** Whether {@code plan} is Ember's broadcast exchange, reused, as a query stage or not. */
    private static boolean readsEmberBroadcast(SparkPlan plan) {
        if (plan instanceof BroadcastQueryStageExec stage) {
            return readsEmberBroadcast(stage.plan());
        }
        if (plan instanceof ReusedExchangeExec reused) {
            return reused.child() instanceof EmberBroadcastExchangeExec;
        }
        return false;
    }
}
