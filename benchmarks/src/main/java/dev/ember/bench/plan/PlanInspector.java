package dev.ember.bench.plan;

import static java.util.Objects.requireNonNull;

import dev.ember.plan.PlanReport;
import java.util.List;
import org.apache.spark.sql.execution.SparkPlan;

/**
 * Reads an executed plan into a {@link PlanSummary}, through the plugin's {@link PlanReport}: the
 * Ember nodes that ran, the nodes the plugin left to Spark with its reasons, and the transitions
 * where Ember met Spark, and the count of operator nodes Ember ran ({@link NodeShare}). The walk covers adaptive execution's final plan, query stages and
 * subqueries.
 *
 * <p>Call after the query's action: before it, adaptive execution has not yet planned its stages.
 */
public final class PlanInspector {
  private PlanInspector() {}

  /** Summarizes {@code executedPlan}, the result of {@code queryExecution().executedPlan()}. */
  public static PlanSummary inspect(SparkPlan executedPlan) {
    requireNonNull(executedPlan, "executedPlan is null");
    PlanReport report = PlanReport.of(executedPlan);
    List<PlanSummary.Fallback> fallbacks =
        report.fallbacks().stream()
            .map(fallback -> new PlanSummary.Fallback(fallback.node(), fallback.reason()))
            .toList();
    return new PlanSummary(report.emberNodes(), fallbacks, report.rowToColumnar(), report.columnarToRow(),
        PlanMetrics.of(executedPlan), NodeShare.of(executedPlan));
  }
}
