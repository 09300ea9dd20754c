package dev.ember.bench.report;

import dev.ember.bench.plan.PlanSummary;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

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

  /** The count of fallbacks and their distinct node names. */
  static String fallbackNodes(List<PlanSummary.Fallback> fallbacks) {
    if (fallbacks.isEmpty()) {
      return "none";
    }
    List<String> names = fallbacks.stream().map(PlanSummary.Fallback::node).distinct().toList();
    return fallbacks.size() + ": " + String.join(", ", names);
  }
}
