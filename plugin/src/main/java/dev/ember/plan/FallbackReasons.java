package dev.ember.plan;

import org.apache.spark.sql.execution.ColumnarToRowTransition;
import org.apache.spark.sql.execution.RowToColumnarTransition;
import org.apache.spark.sql.execution.SparkPlan;
import org.apache.spark.sql.execution.adaptive.QueryStageExec;
import org.apache.spark.sql.execution.exchange.Exchange;

/** The words for nodes that have no rule in the catalog. */
final class FallbackReasons {
    private FallbackReasons() {}

    static String noRule(SparkPlan plan) {
        String name = plan.getClass().getSimpleName();
        if (plan instanceof Exchange) {
            return name + " stays in Spark: Ember does not replace exchanges yet; Ember nodes on either side"
                    + " meet it through a row/columnar transition";
        }
        if (plan instanceof QueryStageExec) {
            return name + " is a finished query stage; its plan was planned on its own";
        }
        return "Ember has no operator for " + name + " yet";
    }

    /** Spark's own transitions are not worth a line: explain lists them by counting. */
    static boolean isTransition(SparkPlan plan) {
        return plan instanceof ColumnarToRowTransition || plan instanceof RowToColumnarTransition;
    }
}
