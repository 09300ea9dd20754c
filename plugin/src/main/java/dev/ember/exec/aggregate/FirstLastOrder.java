package dev.ember.exec.aggregate;

import dev.ember.exec.Seqs;
import java.util.List;
import java.util.Optional;
import org.apache.spark.sql.catalyst.expressions.SortOrder;
import org.apache.spark.sql.catalyst.expressions.aggregate.AggregateExpression;
import org.apache.spark.sql.catalyst.expressions.aggregate.First;
import org.apache.spark.sql.catalyst.expressions.aggregate.Last;
import org.apache.spark.sql.execution.SortExec;
import org.apache.spark.sql.execution.SortPrefixUtils;
import org.apache.spark.sql.execution.aggregate.SortAggregateExec;
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
