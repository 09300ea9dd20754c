package dev.ember.bench.report;

import static java.util.Objects.requireNonNull;

import dev.ember.bench.plan.PlanSummary;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Writes {@code report.md}: the run's settings, one table row per query (times, speedup, answers,
 * Ember nodes, fallbacks, transitions, shuffle bytes, operator times, host primitive calls) and, below,
 * every distinct fallback reason.
 */
public final class MarkdownReport {
  private MarkdownReport() {}

  /** Returns the report as Markdown text. */
  public static String toMarkdown(BenchReport report) {
    requireNonNull(report, "report is null");
    StringBuilder out = new StringBuilder();
    out.append("# Ember ").append(report.benchmark()).append(" benchmark\n\n");
    out.append(String.format(
        Locale.ROOT,
        "Scale %s, device `%s`, Spark %s, master `%s`, %d timed iteration(s) after %d warm-up(s), median kept.  \n",
        report.scale(), report.device(), report.sparkVersion(), report.master(), report.iterations(),
        report.warmups()));
    out.append("Ember device used: ").append(report.deviceUsed()).append(".  \n");
    out.append("Machine: ").append(report.machine()).append(".  \n");
    out.append("Started ").append(report.startedAt()).append("; event logs in `")
        .append(report.eventLogDirectory()).append("`.\n\n");
    out.append("**Geometric mean speedup: ").append(Formats.speedup(report.geomeanSpeedup()))
        .append("** (Spark time / Ember time; below 1.00x Ember is slower). All answers match: ")
        .append(report.allAnswersMatch() ? "yes" : "**NO**").append(".\n\n");
    out.append("**Ember node share: ").append(Formats.share(report.emberNodeShare()))
        .append("** (Ember operator nodes over all operator nodes of the Ember plans, scans and exchanges"
            + " included, transitions and adaptive wrappers not counted).\n\n");
    out.append(Formats.hostPrimitivesNote(report)).append("\n\n");
    if (!report.missingQueries().isEmpty()) {
      out.append("Not run, because their texts are not written yet (").append(report.missingQueries().size())
          .append("): ").append(String.join(", ", report.missingQueries())).append(".\n\n");
    }
    if (report.queriesWithoutEmberNodes() > 0) {
      out.append(Formats.noEmberNote(report)).append("\n\n");
    }
    out.append("| query | Spark ms | Ember ms | speedup | answers match | vs tpch answer (off/on) "
        + "| Ember nodes | fallbacks | node share | R2C | C2R | shuffle KB (off/on) | top Ember op time "
        + "| host primitive calls |\n");
    out.append("|---|---:|---:|---:|---|---|---|---|---:|---:|---:|---:|---|---|\n");
    for (QueryResult query : report.queries()) {
      out.append("| ").append(query.name())
          .append(" | ").append(Formats.millis(query.sparkMillis()))
          .append(" | ").append(Formats.millis(query.emberMillis()))
          .append(" | ").append(Formats.speedup(query.speedup()))
          .append(" | ").append(Formats.answers(query))
          .append(" | ").append(Formats.check(query.sparkMatchesExpected())).append('/')
          .append(Formats.check(query.emberMatchesExpected()))
          .append(" | ").append(Formats.nodes(query.emberNodes()))
          .append(" | ").append(Formats.fallbackNodes(query.fallbacks()))
          .append(" | ").append(Formats.share(query.nodeShare().share())).append(" (")
          .append(query.nodeShare().emberNodes()).append('/').append(query.nodeShare().operatorNodes()).append(')')
          .append(" | ").append(query.rowToColumnar())
          .append(" | ").append(query.columnarToRow())
          .append(" | ").append(query.sparkShuffleBytes() / 1024).append('/').append(query.emberShuffleBytes() / 1024)
          .append(" | ").append(topOperators(query.emberOperatorMillis()))
          .append(" | ").append(Formats.hostPrimitiveCalls(query.hostPrimitiveCalls())).append(" |\n");
    }
    appendProblems(out, report.queries());
    appendFailedInBoth(out, report.queries());
    appendReasons(out, report.queries());
    appendSparkNodes(out, report);
    return out.toString();
  }

  /** The three Ember node classes with the most operator time: "EmberHashAggregateExec 812 ms, ...". */
  static String topOperators(Map<String, Double> operatorMillis) {
    if (operatorMillis.isEmpty()) {
      return "-";
    }
    return operatorMillis.entrySet().stream()
        .sorted(Map.Entry.<String, Double>comparingByValue().reversed())
        .limit(3)
        .map(entry -> entry.getKey() + " " + Math.round(entry.getValue()) + " ms")
        .collect(java.util.stream.Collectors.joining(", "));
  }

  /** Writes {@link #toMarkdown(BenchReport)} to {@code file}. */
  public static void write(BenchReport report, Path file) throws IOException {
    requireNonNull(file, "file is null");
    Files.writeString(file, toMarkdown(report));
  }

  private static void appendFailedInBoth(StringBuilder out, List<QueryResult> queries) {
    List<QueryResult> failed = queries.stream().filter(QueryResult::failedInBothModes).toList();
    if (failed.isEmpty()) {
      return;
    }
    out.append("\n## Queries that fail the same way with Ember off and on (counted as matching)\n\n");
    for (QueryResult query : failed) {
      out.append("- ").append(query.name()).append(": ").append(query.sparkError().orElse("")).append('\n');
    }
  }

  private static void appendProblems(StringBuilder out, List<QueryResult> queries) {
    List<QueryResult> problems = queries.stream().filter(query -> !query.answersMatch()).toList();
    if (problems.isEmpty()) {
      return;
    }
    out.append("\n## Queries whose answers do not match\n\n");
    for (QueryResult query : problems) {
      out.append("- ").append(query.name()).append(": ").append(query.answerDetail()).append('\n');
    }
  }

  private static void appendSparkNodes(StringBuilder out, BenchReport report) {
    List<BenchReport.SparkNodeReason> reasons = report.sparkNodeReasons();
    if (reasons.isEmpty()) {
      return;
    }
    out.append("\n## Operator nodes left in Spark, most first (with Ember on)\n\n");
    for (BenchReport.SparkNodeReason reason : reasons) {
      out.append("- ").append(reason.nodes()).append(" x `").append(reason.node()).append("`: ")
          .append(reason.reason()).append(" (").append(String.join(", ", reason.queries())).append(")\n");
    }
  }

  private static void appendReasons(StringBuilder out, List<QueryResult> queries) {
    Map<String, List<String>> queriesByFallback = new LinkedHashMap<>();
    for (QueryResult query : queries) {
      for (PlanSummary.Fallback fallback : query.fallbacks()) {
        String key = "`" + fallback.node() + "`: " + fallback.reason();
        List<String> names = queriesByFallback.computeIfAbsent(key, ignored -> new ArrayList<>());
        if (!names.contains(query.name())) {
          names.add(query.name());
        }
      }
    }
    if (queriesByFallback.isEmpty()) {
      return;
    }
    out.append("\n## Why nodes stayed in Spark (with Ember on)\n\n");
    for (Map.Entry<String, List<String>> entry : queriesByFallback.entrySet()) {
      out.append("- ").append(entry.getKey()).append(" (").append(String.join(", ", entry.getValue()))
          .append(")\n");
    }
  }
}
