package dev.ember.bench.plan;

import static java.util.Objects.requireNonNull;

import dev.ember.exec.EmberExec;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.spark.sql.execution.SparkPlan;
import org.apache.spark.sql.execution.adaptive.AdaptiveSparkPlanExec;
import org.apache.spark.sql.execution.adaptive.QueryStageExec;
import org.apache.spark.sql.execution.exchange.Exchange;
import org.apache.spark.sql.execution.exchange.ReusedExchangeExec;
import org.apache.spark.sql.execution.metric.SQLMetric;
import scala.Option;

/**
 * The SQL metrics of one executed plan that the report carries: the bytes its shuffles wrote (after
 * compression, Spark's "shuffle bytes written", Spark's exchanges and Ember's alike; a reused exchange
 * counts once), the operator time of each Ember node class, summed over the plan's nodes of that class
 * ({@code opTime}: time in the node itself, children excluded), and the primitive calls a GPU device ran
 * on the host for each Ember node class ({@link EmberExec#HOST_PRIMITIVE_CALLS}, summed the same way).
 *
 * @param shuffleBytes bytes written by the plan's shuffles
 * @param operatorNanos Ember node class name to its operator time, in plan order
 * @param hostPrimitiveCalls Ember node class name to the primitive calls of its nodes that a GPU device
 *     (CUDA or the emulator) ran on the host instead of as kernels, in plan order; only classes with calls,
 *     so an empty map means every primitive ran as a kernel. The metric counts calls, not which primitive
 *     (explain output names those). Always empty on the host device, which runs everything on the host by
 *     design and counts nothing.
 */
public record PlanMetrics(long shuffleBytes, Map<String, Long> operatorNanos, Map<String, Long> hostPrimitiveCalls) {
  private static final String SHUFFLE_BYTES = "shuffleBytesWritten";
  private static final String OPERATOR_TIME = "opTime";

  public PlanMetrics {
    operatorNanos = java.util.Collections.unmodifiableMap(
        new LinkedHashMap<>(requireNonNull(operatorNanos, "operatorNanos is null")));
    hostPrimitiveCalls = java.util.Collections.unmodifiableMap(
        new LinkedHashMap<>(requireNonNull(hostPrimitiveCalls, "hostPrimitiveCalls is null")));
    if (hostPrimitiveCalls.values().stream().anyMatch(calls -> calls <= 0)) {
      throw new IllegalArgumentException(
          "hostPrimitiveCalls holds only node classes with calls: " + hostPrimitiveCalls);
    }
  }

  public static PlanMetrics none() {
    return new PlanMetrics(0, Map.of(), Map.of());
  }

  /** Reads the metrics of {@code executedPlan} after its action. */
  public static PlanMetrics of(SparkPlan executedPlan) {
    Walk walk = new Walk();
    walk.visit(requireNonNull(executedPlan, "executedPlan is null"));
    return new PlanMetrics(walk.shuffleBytes, walk.operatorNanos, walk.hostPrimitiveCalls);
  }

  private static final class Walk {
    final Map<SparkPlan, Boolean> seen = new IdentityHashMap<>();
    final Map<String, Long> operatorNanos = new LinkedHashMap<>();
    final Map<String, Long> hostPrimitiveCalls = new LinkedHashMap<>();
    long shuffleBytes;

    void visit(SparkPlan plan) {
      if (seen.put(plan, Boolean.TRUE) != null) {
        return;
      }
      if (plan instanceof Exchange) {
        shuffleBytes += value(plan, SHUFFLE_BYTES);
      }
      String name = plan.getClass().getSimpleName();
      if (plan.getClass().getName().startsWith("dev.ember.") && name.startsWith("Ember")) {
        operatorNanos.merge(name, value(plan, OPERATOR_TIME), Long::sum);
        long hostCalls = value(plan, EmberExec.HOST_PRIMITIVE_CALLS);
        if (hostCalls > 0) {
          hostPrimitiveCalls.merge(name, hostCalls, Long::sum);
        }
      }
      if (plan instanceof AdaptiveSparkPlanExec adaptive) {
        visit(adaptive.executedPlan());
      } else if (plan instanceof QueryStageExec stage) {
        visit(stage.plan());
      } else if (plan instanceof ReusedExchangeExec reused) {
        visit(reused.child());
      }
      scala.collection.Iterator<SparkPlan> children = plan.children().iterator();
      while (children.hasNext()) {
        visit(children.next());
      }
      for (int i = 0; i < plan.productArity(); i++) {
        if (plan.productElement(i) instanceof SparkPlan held) {
          visit(held);
        }
      }
      scala.collection.Iterator<SparkPlan> subqueries = plan.subqueries().iterator();
      while (subqueries.hasNext()) {
        visit(subqueries.next());
      }
    }

    private static long value(SparkPlan plan, String metric) {
      Option<SQLMetric> found = plan.metrics().get(metric);
      // timing metrics start at -1 when nothing was recorded
      return found.isDefined() ? Math.max(0, found.get().value()) : 0;
    }
  }
}
