package dev.ember.bench.report;

import dev.ember.bench.plan.PlanSummary;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/** Number and text formats shared by the report writers. Stateless. */
final class Formats {
  private Formats() {}

  /** Milliseconds with no decimals, or {@code failed} for NaN. */
  static String millis(double millis) {
    return Double.isNaN(millis) ? "failed" : String.format(Locale.ROOT, "%.0f", millis);
  }

  /** A speedup like {@code 1.23x}, or {@code n/a} for NaN. */
  static String speedup(double speedup) {
    return Double.isNaN(speedup) ? "n/a" : String.format(Locale.ROOT, "%.2fx", speedup);
  }

  /** A share like {@code 93.5%}, or {@code n/a} for NaN. */
  static String share(double share) {
    return Double.isNaN(share) ? "n/a" : String.format(Locale.ROOT, "%.1f%%", share * 100);
  }

  /** {@code yes}, or {@code NO} so a mismatch stands out. */
  static String answers(QueryResult query) {
    return query.answersMatch() ? "yes" : "NO";
  }

  /** {@code yes}/{@code NO} for a performed check, {@code -} for one not performed. */
  static String check(Optional<Boolean> check) {
    return check.map(value -> value ? "yes" : "NO").orElse("-");
  }

  /** The Ember node names joined by commas, or {@code none}. */
  static String nodes(List<String> names) {
    return names.isEmpty() ? "none" : String.join(", ", names);
  }

  /** The warning that queries without Ember nodes measure nothing of Ember's operators. */
  static String noEmberNote(BenchReport report) {
    return String.format(
        Locale.ROOT,
        "Note: %d of %d queries ran no Ember operator; their speedups measure only Ember's planning "
            + "overhead and run-to-run noise (the two applications run one after the other, so a busy "
            + "machine skews them).",
        report.queriesWithoutEmberNodes(), report.queries().size());
  }

  /** Each Ember node class with its host primitive calls, {@code EmberHashAggregateExec 12, ...}, or {@code none}. */
  static String hostPrimitiveCalls(Map<String, Long> callsByNode) {
    if (callsByNode.isEmpty()) {
      return "none";
    }
    return callsByNode.entrySet().stream()
        .map(entry -> entry.getKey() + " " + entry.getValue())
        .collect(Collectors.joining(", "));
  }

  /** What the host primitive calls column counts, and that only a GPU device counts them. */
  static String hostPrimitivesNote(BenchReport report) {
    return String.format(
        Locale.ROOT,
        "Host primitive calls: per Ember node class, the primitive calls that a GPU device (CUDA or the "
            + "emulator) ran on the host instead of as a kernel, in the last timed run (the plugin's "
            + "numHostPrimitiveCalls metric, which counts calls; explain output names the primitives and why); "
            + "none means every primitive ran as a kernel. Meaningful on GPU devices only: on the host device "
            + "(see \"Ember device used\") every primitive runs on the host by design and none is counted. "
            + "%d of %d queries had host primitive calls.",
        report.queriesWithHostPrimitiveCalls(), report.queries().size());
  }

  /** The count of fallbacks and their distinct node names. */
  static String fallbackNodes(List<PlanSummary.Fallback> fallbacks) {
    if (fallbacks.isEmpty()) {
      return "none";
    }
    List<String> names = fallbacks.stream().map(PlanSummary.Fallback::node).distinct().toList();
    return fallbacks.size() + ": " + String.join(", ", names);
  }
}
