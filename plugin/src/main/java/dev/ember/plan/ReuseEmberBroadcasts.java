package dev.ember.plan;

import dev.ember.exec.broadcast.EmberBroadcastExchangeExec;
import dev.ember.exec.join.EmberBroadcastHashJoinExec;
import java.util.HashMap;
import java.util.Map;
import org.apache.spark.sql.catalyst.rules.Rule;
import org.apache.spark.sql.execution.SparkPlan;
import org.apache.spark.sql.execution.exchange.ReusedExchangeExec;
import org.apache.spark.sql.internal.SQLConf;

/**
 * Spark's exchange reuse for the broadcasts of Ember's joins when adaptive execution is off: an Ember
 * join keeps its broadcast out of {@code children}, where Spark's {@code ReuseExchangeAndSubquery} never
 * looks, so two joins of the same build side would broadcast it twice. The second and later ones read
 * the first through a {@link ReusedExchangeExec}, as Spark's rule would make them. (With adaptive
 * execution the broadcasts are query stages, made and reused by Spark before the joins become Ember's.)
 * Runs after Spark placed its transitions; honours {@code spark.sql.exchange.reuse}.
 */
final class ReuseEmberBroadcasts extends Rule<SparkPlan> {

    @Override
    public SparkPlan apply(SparkPlan plan) {
        if (!SQLConf.get().exchangeReuseEnabled()) {
            return plan;
        }
        return rewrite(plan, new HashMap<>());
    }

    private static SparkPlan rewrite(SparkPlan plan, Map<SparkPlan, EmberBroadcastExchangeExec> seen) {
        SparkPlan result = PlanTrees.mapChildren(plan, child -> rewrite(child, seen));
        if (result instanceof EmberBroadcastHashJoinExec join
                && join.broadcast() instanceof EmberBroadcastExchangeExec exchange) {
            SparkPlan inner = rewrite(exchange, seen);
            EmberBroadcastExchangeExec own = inner instanceof EmberBroadcastExchangeExec rewritten ? rewritten : exchange;
            EmberBroadcastExchangeExec first = seen.putIfAbsent(own.canonicalized(), own);
            SparkPlan broadcast = first == null ? own : new ReusedExchangeExec(own.output(), first);
            if (broadcast != exchange) {
                result = join.withBroadcast(broadcast);
            }
        }
        return result;
    }

}
