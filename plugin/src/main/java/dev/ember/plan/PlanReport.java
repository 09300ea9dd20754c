package dev.ember.plan;

import static java.util.Objects.requireNonNull;

import dev.ember.exec.EmberCopyToArrowExec;
import dev.ember.exec.EmberExec;
import dev.ember.exec.EmberRowToColumnarExec;
import dev.ember.exec.Seqs;
import dev.ember.exec.broadcast.EmberBroadcastExchangeExec;
import dev.ember.exec.exchange.EmberBatchSources;
import dev.ember.exec.exchange.EmberShuffleExchangeExec;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.spark.sql.execution.ColumnarToRowTransition;
import org.apache.spark.sql.execution.InputAdapter;
import org.apache.spark.sql.execution.RowToColumnarTransition;
import org.apache.spark.sql.execution.SparkPlan;
import org.apache.spark.sql.execution.adaptive.AdaptiveSparkPlanExec;
import org.apache.spark.sql.execution.adaptive.QueryStageExec;
import org.apache.spark.sql.execution.exchange.ReusedExchangeExec;

/**
 * What Ember did to an executed query: the Ember nodes that ran, the nodes that stayed in Spark with
 * their reasons, and the row/columnar transitions where Ember met Spark.
 *
 * <p>Call {@link #of} on {@code dataset.queryExecution().executedPlan()} after the action: with adaptive
 * execution the final plan exists only then.
 *
 * @param emberNodes distinct Ember node class names, in plan order ({@code EmberFilterExec})
 * @param fallbacks nodes that stayed in Spark, and why
 * @param rowToColumnar transitions from Spark nodes into Ember nodes
 * @param columnarToRow transitions from Ember nodes into Spark nodes
 */
public record PlanReport(List<String> emberNodes, List<Fallback> fallbacks, int rowToColumnar, int columnarToRow) {

    /** A node that stayed in Spark, and why. */
    public record Fallback(String node, String reason) {
        public Fallback {
            requireNonNull(node, "node is null");
            requireNonNull(reason, "reason is null");
        }
    }

    public PlanReport {
        emberNodes = List.copyOf(emberNodes);
        fallbacks = List.copyOf(fallbacks);
    }

    /** The report of an executed plan, walking adaptive plans, query stages and subqueries. */
    public static PlanReport of(SparkPlan executedPlan) {
        requireNonNull(executedPlan, "executedPlan is null");
        Walk walk = new Walk();
        walk.visit(executedPlan);
        return new PlanReport(new ArrayList<>(walk.ember), walk.fallbacks, walk.rowToColumnar, walk.columnarToRow);
    }

    private static final class Walk {
        final Set<String> ember = new LinkedHashSet<>();
        final List<Fallback> fallbacks = new ArrayList<>();
        final Map<SparkPlan, Boolean> seen = new IdentityHashMap<>();
        int rowToColumnar;
        int columnarToRow;

        void visit(SparkPlan plan) {
            if (seen.put(plan, Boolean.TRUE) != null) {
                return;
            }
            if (plan instanceof EmberExec || plan instanceof EmberShuffleExchangeExec
                    || plan instanceof EmberBroadcastExchangeExec) {
                ember.add(plan.getClass().getSimpleName());
            }
            if (plan instanceof EmberRowToColumnarExec || plan instanceof EmberCopyToArrowExec
                    || plan instanceof RowToColumnarTransition) {
                rowToColumnar++;
            }
            if (plan instanceof ColumnarToRowTransition && isEmber(Seqs.toList(plan.children()))) {
                columnarToRow++;
            }
            scala.Option<String> reason = plan.getTagValue(EmberTags.FALLBACK_REASON);
            if (reason.isDefined()) {
                fallbacks.add(new Fallback(plan.getClass().getSimpleName(), reason.get()));
            }
            if (plan instanceof AdaptiveSparkPlanExec adaptive) {
                visit(adaptive.executedPlan());
            } else if (plan instanceof QueryStageExec stage) {
                visit(stage.plan());
            } else if (plan instanceof ReusedExchangeExec reused) {
                visit(reused.child());
            }
            for (SparkPlan child : Seqs.toList(plan.children())) {
                visit(child);
            }
            // plans a node keeps outside its children (the build side of a broadcast join)
            for (int i = 0; i < plan.productArity(); i++) {
                if (plan.productElement(i) instanceof SparkPlan held) {
                    visit(held);
                }
            }
            for (SparkPlan subquery : Seqs.toList(plan.subqueries())) {
                visit(subquery);
            }
        }

        private static boolean isEmber(List<SparkPlan> children) {
            for (SparkPlan child : children) {
                if (EmberBatchSources.producesEmberBatches(child)) {
                    return true;
                }
            }
            return false;
        }
    }
}
