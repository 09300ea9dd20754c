package dev.ember.bench.report;

import static java.util.Objects.requireNonNull;

import dev.ember.bench.plan.NodeShare;
import dev.ember.bench.plan.PlanSummary;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One query's line in the report: both timings, whether the answers match, and what Ember did.
 *
 * @param name the query's short name ({@code q1})
 * @param sparkMillis median wall time with Ember off, in ms; NaN when that run failed
 * @param emberMillis median wall time with Ember on, in ms; NaN when that run failed
 * @param answersMatch whether both runs succeeded and their answers agree (and, where the bundled
 *     answers were checked, both agree with them)
 * @param answerDetail empty when the answers match; otherwise why not
 * @param emberNodes the distinct Ember node names that ran with Ember on
 * @param fallbacks the distinct nodes left to Spark with Ember on, with reasons
 * @param rowToColumnar row-to-columnar transitions in the Ember plan
 * @param columnarToRow columnar-to-row transitions in the Ember plan
 * @param sparkMatchesExpected with Ember off, whether the answer matched the tpch jar's answer;
 *     empty when not checked (only scale 0.01 has bundled answers)
 * @param emberMatchesExpected the same with Ember on
 * @param sparkError the failure with Ember off, if any
 * @param emberError the failure with Ember on, if any
 * @param sparkIterationMillis every timed iteration with Ember off, in run order (ms)
 * @param emberIterationMillis every timed iteration with Ember on, in run order (ms)
 * @param sparkShuffleBytes bytes the last timed run's shuffles wrote with Ember off (compressed)
 * @param emberShuffleBytes the same with Ember on (Spark's and Ember's exchanges)
 * @param emberOperatorMillis with Ember on, each Ember node class's operator time in the last timed run
 * @param nodeShare with Ember on, the plan's operator nodes: Ember's, all, and those left to Spark
 * @param hostPrimitiveCalls with Ember on, each Ember node class's primitive calls that a GPU device ran on
 *     the host in the last timed run (only classes with calls; empty when every primitive ran as a kernel,
 *     and always on the host device); see {@link dev.ember.bench.plan.PlanMetrics#hostPrimitiveCalls()}
 */
public record QueryResult(
    String name,
    double sparkMillis,
    double emberMillis,
    boolean answersMatch,
    String answerDetail,
    List<String> emberNodes,
    List<PlanSummary.Fallback> fallbacks,
    int rowToColumnar,
    int columnarToRow,
    Optional<Boolean> sparkMatchesExpected,
    Optional<Boolean> emberMatchesExpected,
    Optional<String> sparkError,
    Optional<String> emberError,
    List<Double> sparkIterationMillis,
    List<Double> emberIterationMillis,
    long sparkShuffleBytes,
    long emberShuffleBytes,
    Map<String, Double> emberOperatorMillis,
    NodeShare nodeShare,
    Map<String, Long> hostPrimitiveCalls) {

  /** A result without node counts. */
  public QueryResult(String name, double sparkMillis, double emberMillis, boolean answersMatch, String answerDetail,
      List<String> emberNodes, List<PlanSummary.Fallback> fallbacks, int rowToColumnar, int columnarToRow,
      Optional<Boolean> sparkMatchesExpected, Optional<Boolean> emberMatchesExpected, Optional<String> sparkError,
      Optional<String> emberError, List<Double> sparkIterationMillis, List<Double> emberIterationMillis,
      long sparkShuffleBytes, long emberShuffleBytes, Map<String, Double> emberOperatorMillis) {
    this(name, sparkMillis, emberMillis, answersMatch, answerDetail, emberNodes, fallbacks, rowToColumnar,
        columnarToRow, sparkMatchesExpected, emberMatchesExpected, sparkError, emberError, sparkIterationMillis,
        emberIterationMillis, sparkShuffleBytes, emberShuffleBytes, emberOperatorMillis, NodeShare.none(), Map.of());
  }

  /** A result without shuffle bytes or operator times (a run that could not read them). */
  public QueryResult(String name, double sparkMillis, double emberMillis, boolean answersMatch, String answerDetail,
      List<String> emberNodes, List<PlanSummary.Fallback> fallbacks, int rowToColumnar, int columnarToRow,
      Optional<Boolean> sparkMatchesExpected, Optional<Boolean> emberMatchesExpected, Optional<String> sparkError,
      Optional<String> emberError, List<Double> sparkIterationMillis, List<Double> emberIterationMillis) {
    this(name, sparkMillis, emberMillis, answersMatch, answerDetail, emberNodes, fallbacks, rowToColumnar,
        columnarToRow, sparkMatchesExpected, emberMatchesExpected, sparkError, emberError, sparkIterationMillis,
        emberIterationMillis, 0, 0, Map.of(), NodeShare.none(), Map.of());
  }

  public QueryResult {
    requireNonNull(name, "name is null");
    requireNonNull(answerDetail, "answerDetail is null");
    emberNodes = List.copyOf(requireNonNull(emberNodes, "emberNodes is null"));
    fallbacks = List.copyOf(requireNonNull(fallbacks, "fallbacks is null"));
    requireNonNull(sparkMatchesExpected, "sparkMatchesExpected is null");
    requireNonNull(emberMatchesExpected, "emberMatchesExpected is null");
    requireNonNull(sparkError, "sparkError is null");
    requireNonNull(emberError, "emberError is null");
    sparkIterationMillis = List.copyOf(requireNonNull(sparkIterationMillis, "sparkIterationMillis is null"));
    emberIterationMillis = List.copyOf(requireNonNull(emberIterationMillis, "emberIterationMillis is null"));
    emberOperatorMillis = java.util.Collections.unmodifiableMap(
        new java.util.LinkedHashMap<>(requireNonNull(emberOperatorMillis, "emberOperatorMillis is null")));
    requireNonNull(nodeShare, "nodeShare is null");
    hostPrimitiveCalls = java.util.Collections.unmodifiableMap(
        new java.util.LinkedHashMap<>(requireNonNull(hostPrimitiveCalls, "hostPrimitiveCalls is null")));
  }

  /** Whether both runs failed with the same error, which counts as matching answers. */
  public boolean failedInBothModes() {
    return sparkError.isPresent() && sparkError.equals(emberError);
  }

  /**
   * Spark time over Ember time: above 1 Ember is faster, below 1 it is slower. NaN when either run
   * failed.
   */
  public double speedup() {
    if (!(sparkMillis > 0) || !(emberMillis > 0)) {
      return Double.NaN;
    }
    return sparkMillis / emberMillis;
  }
}
