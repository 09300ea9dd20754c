package dev.ember.catalog;

import dev.ember.catalog.rules.BroadcastHashJoinRule;
import dev.ember.catalog.rules.BroadcastNestedLoopJoinRule;
import dev.ember.catalog.rules.EmptyRelationRule;
import dev.ember.catalog.rules.ExecRule;
import dev.ember.catalog.rules.ExpandRule;
import dev.ember.catalog.rules.FileSourceScanRule;
import dev.ember.catalog.rules.FilterRule;
import dev.ember.catalog.rules.GlobalLimitRule;
import dev.ember.catalog.rules.HashAggregateRule;
import dev.ember.catalog.rules.LocalLimitRule;
import dev.ember.catalog.rules.ProjectRule;
import dev.ember.catalog.rules.ShuffleExchangeRule;
import dev.ember.catalog.rules.ShuffledHashJoinRule;
import dev.ember.catalog.rules.SortAggregateRule;
import dev.ember.catalog.rules.SortMergeJoinRule;
import dev.ember.catalog.rules.SortRule;
import dev.ember.catalog.rules.TakeOrderedAndProjectRule;
import dev.ember.catalog.rules.UnionRule;
import dev.ember.catalog.rules.WindowGroupLimitRule;
import dev.ember.catalog.rules.WindowRule;
import dev.ember.expr.ExpressionCatalog;
import dev.ember.expr.ExpressionEntry;
import java.util.List;
import java.util.Optional;
import org.apache.spark.sql.execution.SparkPlan;

/**
 * Everything Ember can run, one line per Spark plan node class; expressions come from
 * {@link ExpressionCatalog}. The same table drives planning, the generated {@code docs/supported-ops.md}
 * and {@code docs/supported-ops.json} (which the tuner reads for qualification).
 */
public final class SupportCatalog {

    private static final List<ExecRule<?>> EXECS = List.of(
            new FilterRule(),
            new ProjectRule(),
            new HashAggregateRule(),
            new SortAggregateRule(),
            new BroadcastHashJoinRule(),
            new BroadcastNestedLoopJoinRule(),
            new ShuffledHashJoinRule(),
            new SortMergeJoinRule(),
            new SortRule(),
            new TakeOrderedAndProjectRule(),
            new LocalLimitRule(),
            new GlobalLimitRule(),
            new UnionRule(),
            new ExpandRule(),
            new WindowRule(),
            new WindowGroupLimitRule(),
            new ShuffleExchangeRule(),
            new FileSourceScanRule(),
            new EmptyRelationRule());

    private SupportCatalog() {}

    public static List<ExecRule<?>> execs() {
        return EXECS;
    }

    /**
     * The aggregate functions {@code EmberHashAggregateExec} computes; each has the same kind of enable
     * key as a scalar expression.
     */
    private static final String MOMENTS = "any numeric type Spark casts to double; Spark's own update and merge"
            + " formulas, so the same rows in the same order give Spark's bits (rows merge in another order when"
            + " partitions do: the last bits may differ); on a GPU the group-by kernels fold the moments in input"
            + " order with the same rounded operations; not over a window";

    private static final List<ExpressionEntry> AGGREGATE_FUNCTIONS = List.of(
            aggregate("Sum", "integral, floating, decimal (128-bit accumulators with Spark's overflow behaviour)"),
            aggregate("Count", "any supported type; count(*) and count(col)"),
            aggregate("Average", "integral, floating, decimal"),
            aggregate("Min", "any supported type (NaN and -0.0 as Spark orders them)"),
            aggregate("Max", "any supported type (NaN and -0.0 as Spark orders them)"),
            aggregate("First", "any supported type; ignore nulls or not; also any_value and first_value (rows"
                    + " taken in input order, as Spark takes them)"),
            aggregate("Last", "any supported type; ignore nulls or not; also last_value (rows taken in input"
                    + " order, as Spark takes them)"),
            aggregate("StddevSamp", MOMENTS + "; also stddev and std"),
            aggregate("StddevPop", MOMENTS),
            aggregate("VarianceSamp", MOMENTS + "; also variance"),
            aggregate("VariancePop", MOMENTS));

    /** Scalar expressions, then the aggregate functions. */
    public static List<ExpressionEntry> expressions() {
        List<ExpressionEntry> all = new java.util.ArrayList<>(ExpressionCatalog.entries());
        all.addAll(AGGREGATE_FUNCTIONS);
        return List.copyOf(all);
    }

    private static ExpressionEntry aggregate(String name, String types) {
        return new ExpressionEntry(name, "org.apache.spark.sql.catalyst.expressions.aggregate." + name, types,
                "aggregate function, computed by EmberHashAggregateExec; no FILTER clause, no try_ variants");
    }

    /** The rule for a plan node's exact class, if Ember has one. */
    public static Optional<ExecRule<?>> ruleFor(SparkPlan plan) {
        for (ExecRule<?> rule : EXECS) {
            if (rule.sparkClass() == plan.getClass()) {
                return Optional.of(rule);
            }
        }
        return Optional.empty();
    }
}
