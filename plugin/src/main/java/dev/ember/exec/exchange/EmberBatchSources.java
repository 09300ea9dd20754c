package dev.ember.exec.exchange;

import dev.ember.exec.EmberExec;
import org.apache.spark.sql.execution.InputAdapter;
import org.apache.spark.sql.execution.SparkPlan;
import org.apache.spark.sql.execution.adaptive.AQEShuffleReadExec;
import org.apache.spark.sql.execution.adaptive.QueryStageExec;
import org.apache.spark.sql.execution.exchange.ReusedExchangeExec;

/**
 * Which plans hand out Ember batches (Arrow vectors in Ember's memory, owned by the producer as
 * {@link dev.ember.exec.BatchIterator} says), so that an Ember node may read them without a copy:
 * Ember nodes, Ember's exchange, and Spark's wrappers around it (adaptive execution's query stages
 * and shuffle reads, reused exchanges, code generation's input adapter).
 */
public final class EmberBatchSources {
    private EmberBatchSources() {}

    public static boolean producesEmberBatches(SparkPlan plan) {
        if (plan instanceof EmberExec || plan instanceof EmberShuffleExchangeExec) {
            return true;
        }
        if (plan instanceof QueryStageExec stage) {
            return producesEmberBatches(stage.plan());
        }
        if (plan instanceof AQEShuffleReadExec read) {
            return producesEmberBatches(read.child());
        }
        if (plan instanceof ReusedExchangeExec reused) {
            return producesEmberBatches(reused.child());
        }
        if (plan instanceof InputAdapter adapter) {
            return producesEmberBatches(adapter.child());
        }
        return false;
    }
}
