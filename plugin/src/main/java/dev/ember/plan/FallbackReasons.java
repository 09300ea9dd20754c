package dev.ember.plan;

import org.apache.spark.sql.execution.ColumnarToRowTransition;
import org.apache.spark.sql.execution.RowToColumnarTransition;
import org.apache.spark.sql.execution.InputAdapter;
import org.apache.spark.sql.execution.SparkPlan;
import org.apache.spark.sql.execution.WholeStageCodegenExec;
import org.apache.spark.sql.execution.adaptive.AQEShuffleReadExec;
import org.apache.spark.sql.execution.adaptive.AdaptiveSparkPlanExec;
import org.apache.spark.sql.execution.exchange.ReusedExchangeExec;
import org.apache.spark.sql.execution.adaptive.QueryStageExec;
import org.apache.spark.sql.execution.exchange.BroadcastExchangeExec;
import org.apache.spark.sql.execution.exchange.Exchange;
import org.apache.spark.sql.catalyst.plans.physical.IdentityBroadcastMode$;

/** The words for nodes that have no rule in the catalog. */
final class FallbackReasons {
    private FallbackReasons() {}

    static String noRule(SparkPlan plan) {
        String name = plan.getClass().getSimpleName();
        if (plan instanceof BroadcastExchangeExec exchange && exchange.mode() instanceof IdentityBroadcastMode$) {
            return name + " stays in Spark: a broadcast of rows (a nested loop join's build side) is read as Spark's"
                    + " array of rows, by Spark's nested loop join and by Ember's, which copies the rows into Arrow once"
                    + " per executor; an Ember node below it meets it through a columnar-to-row transition";
        }
        if (plan instanceof BroadcastExchangeExec) {
            return name + " stays in Spark: its broadcast is read by a Spark node (a Spark join, or a dynamic"
                    + " pruning subquery, which needs Spark's HashedRelation); Ember replaces a broadcast exchange with"
                    + " EmberBroadcastExchangeExec only where an Ember join reads it, and an Ember node below it meets"
                    + " it through a columnar-to-row transition";
        }
        if (plan instanceof Exchange) {
            return name + " stays in Spark: Ember replaces shuffle exchanges only; Ember nodes on either side"
                    + " meet it through a row/columnar transition";
        }
        return "Ember has no operator for " + name + " yet";
    }

    /**
     * Nodes that hold no work of their own: Spark's transitions (counted, not listed), adaptive
     * execution's wrappers, shuffle reads and finished query stages (their plans were planned on their own), code
     * generation's wrappers and reused exchanges. They get no explain line and no fallback reason.
     */
    static boolean isStructural(SparkPlan plan) {
        return plan instanceof ColumnarToRowTransition || plan instanceof RowToColumnarTransition
                || plan instanceof AdaptiveSparkPlanExec || plan instanceof QueryStageExec
                || plan instanceof WholeStageCodegenExec || plan instanceof InputAdapter
                || plan instanceof ReusedExchangeExec || plan instanceof AQEShuffleReadExec;
    }
}
