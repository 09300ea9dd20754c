package dev.ember.catalog;

import dev.ember.catalog.rules.BroadcastHashJoinRule;
import dev.ember.catalog.rules.FilterRule;
import dev.ember.catalog.rules.GlobalLimitRule;
import dev.ember.catalog.rules.HashAggregateRule;
import dev.ember.catalog.rules.SortAggregateRule;
import dev.ember.catalog.rules.LocalLimitRule;
import dev.ember.catalog.rules.ProjectRule;
import dev.ember.catalog.rules.ShuffledHashJoinRule;
import dev.ember.catalog.rules.SortMergeJoinRule;
import dev.ember.catalog.rules.SortRule;
import dev.ember.catalog.rules.TakeOrderedAndProjectRule;
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
            new ShuffledHashJoinRule(),
            new SortMergeJoinRule(),
            new SortRule(),
            new TakeOrderedAndProjectRule(),
            new LocalLimitRule(),
            new GlobalLimitRule());

    private SupportCatalog() {}

    public static List<ExecRule<?>> execs() {
        return EXECS;
    }

    public static List<ExpressionEntry> expressions() {
        return ExpressionCatalog.entries();
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
