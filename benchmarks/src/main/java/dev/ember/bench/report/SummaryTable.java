package dev.ember.bench.report;

import static java.util.Objects.requireNonNull;

import java.util.Locale;

/** The plain-text table printed at the end of a run: one line per query, then the geometric mean. */
public final class SummaryTable {
  private SummaryTable() {}

  /** Returns the table, lines ending with a newline. */
  public static String render(BenchReport report) {
    requireNonNull(report, "report is null");
    StringBuilder out = new StringBuilder();
    String format = "%-5s %10s %10s %9s %7s %-9s %s%n";
    out.append(String.format(
        Locale.ROOT, format, "query", "spark ms", "ember ms", "speedup", "match", "fallbacks", "ember nodes"));
    for (QueryResult query : report.queries()) {
      out.append(String.format(
          Locale.ROOT, format,
          query.name(),
          Formats.millis(query.sparkMillis()),
          Formats.millis(query.emberMillis()),
          Formats.speedup(query.speedup()),
          Formats.answers(query),
          Integer.toString(query.fallbacks().size()),
          Formats.nodes(query.emberNodes())));
    }
    out.append(String.format(
        Locale.ROOT, "geometric mean speedup %s over %d queries at scale %s (device %s); answers match: %s%n",
        Formats.speedup(report.geomeanSpeedup()), report.queries().size(), report.scale(), report.device(),
        report.allAnswersMatch() ? "all" : "NOT ALL"));
    out.append(String.format(
        Locale.ROOT, "Ember node share %s (Ember operator nodes over all operator nodes)%n",
        Formats.share(report.emberNodeShare())));
    if (!report.missingQueries().isEmpty()) {
      out.append(String.format(
          Locale.ROOT, "not run (texts not written yet): %d queries, listed in report.md%n",
          report.missingQueries().size()));
    }
    if (report.queriesWithoutEmberNodes() > 0) {
      out.append(Formats.noEmberNote(report)).append(System.lineSeparator());
    }
    return out.toString();
  }
}
