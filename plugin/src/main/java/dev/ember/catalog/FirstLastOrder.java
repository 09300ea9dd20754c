package dev.ember.catalog;

import dev.ember.exec.Seqs;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.apache.spark.sql.catalyst.expressions.ExprId;
import org.apache.spark.sql.catalyst.expressions.NamedExpression;
import org.apache.spark.sql.catalyst.expressions.SortOrder;
import org.apache.spark.sql.catalyst.expressions.aggregate.AggregateExpression;
import org.apache.spark.sql.catalyst.expressions.aggregate.First;
import org.apache.spark.sql.catalyst.expressions.aggregate.Last;
import org.apache.spark.sql.execution.FilterExec;
import org.apache.spark.sql.execution.GlobalLimitExec;
import org.apache.spark.sql.execution.LocalLimitExec;
import org.apache.spark.sql.execution.ProjectExec;
import org.apache.spark.sql.execution.SortExec;
import org.apache.spark.sql.execution.SortPrefixUtils;
import org.apache.spark.sql.execution.SparkPlan;
import org.apache.spark.sql.execution.adaptive.QueryStageExec;
import org.apache.spark.sql.execution.aggregate.BaseAggregateExec;
import org.apache.spark.sql.execution.aggregate.SortAggregateExec;
import org.apache.spark.sql.execution.exchange.Exchange;
import org.apache.spark.sql.internal.SQLConf;

/**
 * Where Spark's {@code first}/{@code last} answer depends on a row order Ember does not reproduce.
 *
 * <p>{@code First} and {@code Last} pick a row by position, so Ember gives Spark's answer exactly when
 * the rows reach the aggregation in Spark's order. Ember's group-by folds rows in input order, as
 * Spark's hash aggregation does. Spark's sort-based aggregation instead reads its input through a sort
 * on the grouping keys, and that sort does not always keep equal keys in input order: with a single
 * key that the sort prefix orders fully (integral, date, timestamp, short decimal, ...) Spark uses a
 * radix sort, and its in-memory sorter moves a row with a non-null key to the end of the array each
 * time a row with a null key arrives. Such a {@code SortAggregateExec} stays in Spark.
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

    /** Whether any of the aggregates is {@code first}/{@code last} (also any_value, first_value, last_value). */
    public static boolean hasFirstOrLast(List<AggregateExpression> aggregates) {
        for (AggregateExpression aggregate : aggregates) {
            if (aggregate.aggregateFunction() instanceof First || aggregate.aggregateFunction() instanceof Last) {
                return true;
            }
        }
        return false;
    }

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
                && hasFirstOrLast(Seqs.toList(aggregate.aggregateExpressions()))) {
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

    /**
     * Why a sort-based aggregation with {@code first}/{@code last} must stay in Spark, if it must: its
     * input sort may reorder rows of equal keys (see the class comment).
     */
    public static Optional<String> sortAggregateProblem(SortAggregateExec plan) {
        if (!hasFirstOrLast(Seqs.toList(plan.aggregateExpressions())) || !(plan.child() instanceof SortExec sort)) {
            return Optional.empty();
        }
        List<SortOrder> orders = Seqs.toList(sort.sortOrder());
        if (!SQLConf.get().enableRadixSort() || orders.size() != 1) {
            return Optional.empty();
        }
        SortOrder order = orders.get(0);
        if (!SortPrefixUtils.canSortFullyWithPrefix(order) || !order.child().nullable()) {
            return Optional.empty();
        }
        return Optional.of("first/last after Spark's radix sort on the nullable key " + order.child().sql()
                + ": that sort does not keep rows of equal keys in input order when null keys occur, so the row"
                + " first/last pick depends on Spark's sorter; set spark.sql.sort.enableRadixSort=false to run it on"
                + " Ember");
    }
}
