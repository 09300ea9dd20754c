package dev.ember.join;

import dev.ember.exec.Seqs;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.execution.SparkPlan;
import org.apache.spark.sql.execution.adaptive.AdaptiveSparkPlanExec;
import org.apache.spark.sql.execution.adaptive.QueryStageExec;
import dev.ember.exec.broadcast.EmberBroadcastExchangeExec;
import org.apache.spark.sql.execution.exchange.BroadcastExchangeExec;
import org.apache.spark.sql.execution.exchange.BroadcastExchangeLike;
import org.apache.spark.sql.execution.exchange.ReusedExchangeExec;

/** The broadcast exchanges of an executed plan, found through adaptive plans, stages, reuses and held plans. */
final class BroadcastPlans {
    private final List<BroadcastExchangeExec> exchanges = new ArrayList<>();
    private final List<EmberBroadcastExchangeExec> emberExchanges = new ArrayList<>();
    private int reused;
    private final Map<SparkPlan, Boolean> seen = new IdentityHashMap<>();

    private BroadcastPlans() {}

    static BroadcastPlans of(SparkPlan executedPlan) {
        BroadcastPlans found = new BroadcastPlans();
        found.visit(executedPlan);
        return found;
    }

    /** Distinct Spark exchange nodes (a reused exchange counts once). */
    List<BroadcastExchangeExec> exchanges() {
        return exchanges;
    }

    /** Distinct Ember exchange nodes (a reused exchange counts once). */
    List<EmberBroadcastExchangeExec> emberExchanges() {
        return emberExchanges;
    }

    /** How many times a broadcast exchange was reused. */
    int reused() {
        return reused;
    }

    private void visit(SparkPlan plan) {
        if (plan instanceof ReusedExchangeExec reuse && reuse.child() instanceof BroadcastExchangeLike) {
            reused++;
        }
        if (seen.put(plan, Boolean.TRUE) != null) {
            return;
        }
        if (plan instanceof BroadcastExchangeExec exchange) {
            exchanges.add(exchange);
        }
        if (plan instanceof EmberBroadcastExchangeExec exchange) {
            emberExchanges.add(exchange);
        }
        if (plan instanceof AdaptiveSparkPlanExec adaptive) {
            visit(adaptive.executedPlan());
        } else if (plan instanceof QueryStageExec stage) {
            visit(stage.plan());
        } else if (plan instanceof ReusedExchangeExec reuse) {
            visit(reuse.child());
        }
        for (SparkPlan child : Seqs.toList(plan.children())) {
            visit(child);
        }
        // a query stage also holds its canonical plan, which never runs
        for (int i = 0; !(plan instanceof QueryStageExec) && i < plan.productArity(); i++) {
            if (plan.productElement(i) instanceof SparkPlan held) {
                visit(held);
            }
        }
        for (SparkPlan subquery : Seqs.toList(plan.subqueries())) {
            visit(subquery);
        }
    }
}
