package dev.ember.catalog.rules;

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
 * Aggregations with {@code first}/{@code last}, whose answer depends on the order rows arrive in (see
 * {@code dev.ember.catalog.FirstLastOrder} for the nodes held back below one): which aggregations have
 * them, and why a sort-based one must stay in Spark.
 */
public final class FirstLastAggregates {
    private FirstLastAggregates() {}

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
