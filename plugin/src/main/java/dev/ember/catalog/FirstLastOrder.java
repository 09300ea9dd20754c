package dev.ember.catalog;

import dev.ember.catalog.rules.FirstLastAggregates;
import dev.ember.exec.Seqs;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.Set;
import org.apache.spark.sql.catalyst.expressions.ExprId;
import org.apache.spark.sql.catalyst.expressions.NamedExpression;
import org.apache.spark.sql.catalyst.expressions.aggregate.First;
import org.apache.spark.sql.catalyst.expressions.aggregate.Last;
import org.apache.spark.sql.execution.FilterExec;
import org.apache.spark.sql.execution.GlobalLimitExec;
import org.apache.spark.sql.execution.LocalLimitExec;
import org.apache.spark.sql.execution.ProjectExec;
import org.apache.spark.sql.execution.SparkPlan;
import org.apache.spark.sql.execution.adaptive.QueryStageExec;
import org.apache.spark.sql.execution.aggregate.BaseAggregateExec;
import org.apache.spark.sql.execution.aggregate.SortAggregateExec;
import org.apache.spark.sql.execution.exchange.Exchange;

/**
 * Where Spark's {@code first}/{@code last} answer depends on a row order Ember does not reproduce.
 *
 * <p>{@code First} and {@code Last} pick a row by position, so Ember gives Spark's answer exactly when
 * the rows reach the aggregation in Spark's order. Ember's group-by folds rows in input order, as
 * Spark's hash aggregation does. Spark's sort-based aggregation instead reads its input through a sort
 * on the grouping keys, and that sort does not always keep equal keys in input order: with a single
 * key that the sort prefix orders fully (integral, date, timestamp, short decimal, ...) Spark uses a
 * radix sort, and its in-memory sorter moves a row with a non-null key to the end of the array each
 * time a row with a null key arrives. Such a {@code SortAggregateExec} stays in Spark
 * ({@link FirstLastAggregates#sortAggregateProblem}).
 *
 * <p>The rows also reach the aggregation in Spark's order only if every node between it and the start
 * of its stage orders rows as Spark's would. Filters, projections and limits keep their input order on
 * Ember; joins, sorts and aggregations do not promise Spark's order (a hash join emits matches in probe
 * order, an aggregation emits groups in first-seen order, Ember's sort is stable where Spark's radix sort
 * is not). So those nodes stay in Spark below a {@code first}/{@code last} in the same stage
 * ({@link #orderSensitiveInputs}); across an exchange Spark itself fixes no order, so nothing further
 * down is held back. The earlier step of the same aggregation (a Partial under its Final, same grouping
 * keys) is not held back either: it emits each group once, so its row order cannot change the pick.
 */
public final class FirstLastOrder {
    private FirstLastOrder() {}

    /**
     * The nodes of {@code root} that must stay in Spark because their output order reaches a
     * {@code first}/{@code last} aggregation in the same stage, each with the reason to show: every node
     * Ember would replace below such an aggregation, down to the stage's exchanges, except filters,
     * projections and limits, which keep their input order on Ember. Keys are compared by identity.
     */
    public static Map<SparkPlan, String> orderSensitiveInputs(SparkPlan root) {
        Map<SparkPlan, String> kept = new IdentityHashMap<>();
        collect(root, kept);
        return kept;
    }

    private static void collect(SparkPlan plan, Map<SparkPlan, String> kept) {
        if (plan instanceof BaseAggregateExec aggregate
                && FirstLastAggregates.hasFirstOrLast(Seqs.toList(aggregate.aggregateExpressions()))) {
            for (SparkPlan child : Seqs.toList(plan.children())) {
                holdBack(child, aggregate, kept);
            }
        }
        for (SparkPlan child : Seqs.toList(plan.children())) {
            collect(child, kept);
        }
    }

    private static void holdBack(SparkPlan plan, BaseAggregateExec aggregate, Map<SparkPlan, String> kept) {
        if (plan instanceof Exchange || plan instanceof QueryStageExec) {
            return;
        }
        if (plan instanceof BaseAggregateExec below && groupingIds(below).equals(groupingIds(aggregate))) {
            // the earlier step of the same aggregation (Partial under Final): it emits each group once, so
            // the order of its rows cannot change what first/last pick; its own input is checked for it
            return;
        }
        boolean keepsOrder = plan instanceof FilterExec || plan instanceof ProjectExec
                || plan instanceof LocalLimitExec || plan instanceof GlobalLimitExec;
        if (!keepsOrder && SupportCatalog.ruleFor(plan).isPresent()) {
            kept.putIfAbsent(plan, "its output order feeds first()/last() in the "
                    + ((SparkPlan) aggregate).getClass().getSimpleName()
                    + " above it in the same stage, whose answer depends on row order, and Ember's "
                    + plan.getClass().getSimpleName() + " does not emit rows in the order Spark's does");
        }
        for (SparkPlan child : Seqs.toList(plan.children())) {
            holdBack(child, aggregate, kept);
        }
    }

    private static Set<ExprId> groupingIds(BaseAggregateExec aggregate) {
        Set<ExprId> ids = new HashSet<>();
        for (NamedExpression key : Seqs.toList(aggregate.groupingExpressions())) {
            ids.add(key.toAttribute().exprId());
        }
        return ids;
    }
}
