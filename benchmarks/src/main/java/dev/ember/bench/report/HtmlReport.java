package dev.ember.bench.report;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * Writes {@code report.html}: one self-contained page (no scripts, no external files) with a bar
 * chart of the speedup per query drawn as inline SVG around a line at 1.00x (green bars: Ember
 * faster; red bars: Ember slower; grey: a run failed), and a table of each query's times, answers, Ember
 * nodes, fallbacks, transitions and host primitive calls.
 */
public final class HtmlReport {
  private static final int BAR_WIDTH = 28;
  private static final int BAR_GAP = 8;
  private static final int CHART_HEIGHT = 260;
  private static final int MARGIN = 48;

  private HtmlReport() {}

  /** Returns the report as an HTML page. */
  public static String toHtml(BenchReport report) {
    requireNonNull(report, "report is null");
    StringBuilder out = new StringBuilder();
    out.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">")
        .append("<title>Ember ").append(escape(report.benchmark())).append(" benchmark</title>\n<style>")
        .append("body{font-family:sans-serif;margin:2em;color:#222}")
        .append("table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:3px 8px;font-size:13px}")
        .append("td.num{text-align:right}.bad{color:#b00;font-weight:bold}")
        .append("</style></head><body>\n");
    out.append("<h1>Ember ").append(escape(report.benchmark())).append(" benchmark</h1>\n<p>")
        .append(escape(String.format(
            Locale.ROOT, "Scale %s, device %s, Spark %s, master %s, %d timed iteration(s) after %d warm-up(s), median kept.",
            report.scale(), report.device(), report.sparkVersion(), report.master(), report.iterations(),
            report.warmups())))
        .append("<br>Ember device used: ").append(escape(report.deviceUsed()))
        .append("<br>Machine: ").append(escape(report.machine()))
        .append("<br>Started ").append(escape(report.startedAt()))
        .append("</p>\n<p><b>Geometric mean speedup: ").append(Formats.speedup(report.geomeanSpeedup()))
        .append("</b> (Spark time / Ember time; below 1.00x Ember is slower). All answers match: ")
        .append(report.allAnswersMatch() ? "yes" : "<span class=\"bad\">NO</span>").append("</p>\n");
    if (report.queriesWithoutEmberNodes() > 0) {
      out.append("<p>").append(escape(Formats.noEmberNote(report))).append("</p>\n");
    }
    out.append("<p>").append(escape(Formats.hostPrimitivesNote(report))).append("</p>\n");
    appendChart(out, report.queries());
    appendTable(out, report.queries());
    out.append("</body></html>\n");
    return out.toString();
  }

  /** Writes {@link #toHtml(BenchReport)} to {@code file}. */
  public static void write(BenchReport report, Path file) throws IOException {
    requireNonNull(file, "file is null");
    Files.writeString(file, toHtml(report));
  }

  private static void appendChart(StringBuilder out, List<QueryResult> queries) {
    double top = 2.0;
    for (QueryResult query : queries) {
      if (query.speedup() > top) {
        top = query.speedup();
      }
    }
    top = Math.ceil(top * 2) / 2;
    int width = 2 * MARGIN + queries.size() * (BAR_WIDTH + BAR_GAP);
    int height = CHART_HEIGHT + 2 * MARGIN;
    out.append(String.format(
        Locale.ROOT,
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" role=\"img\" "
            + "aria-label=\"speedup per query\">\n",
        width, height));
    out.append(String.format(
        Locale.ROOT, "<text x=\"%d\" y=\"%d\" font-size=\"13\">speedup (Spark ms / Ember ms)</text>\n",
        MARGIN, MARGIN / 2));
    double unit = CHART_HEIGHT / top;
    int baseline = MARGIN + CHART_HEIGHT;
    for (double tick = 0; tick <= top + 1e-9; tick += 0.5) {
      int y = (int) Math.round(baseline - tick * unit);
      out.append(String.format(
          Locale.ROOT,
          "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"%s\"/>"
              + "<text x=\"%d\" y=\"%d\" font-size=\"11\" text-anchor=\"end\">%.1fx</text>\n",
          MARGIN, y, width - MARGIN, y, tick == 1.0 ? "#000" : "#ddd", MARGIN - 4, y + 4, tick));
    }
    int x = MARGIN + BAR_GAP / 2;
    for (QueryResult query : queries) {
      double speedup = query.speedup();
      boolean failed = Double.isNaN(speedup);
      double shown = failed ? top : speedup;
      int barHeight = (int) Math.max(1, Math.round(shown * unit));
      String color = failed ? "#bbb" : speedup >= 1.0 ? "#2a8a3e" : "#c0392b";
      out.append(String.format(
          Locale.ROOT,
          "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"%s\"><title>%s: %s</title></rect>\n",
          x, baseline - barHeight, BAR_WIDTH, barHeight, color, query.name(),
          failed ? "a run failed" : Formats.speedup(speedup)));
      out.append(String.format(
          Locale.ROOT,
          "<text x=\"%d\" y=\"%d\" font-size=\"11\" text-anchor=\"middle\">%s</text>\n",
          x + BAR_WIDTH / 2, baseline + 14, query.name()));
      x += BAR_WIDTH + BAR_GAP;
    }
    out.append("</svg>\n");
  }

  private static void appendTable(StringBuilder out, List<QueryResult> queries) {
    out.append("<table>\n<tr><th>query</th><th>Spark ms</th><th>Ember ms</th><th>speedup</th>"
        + "<th>answers match</th><th>vs tpch answer (off/on)</th><th>Ember nodes</th><th>fallbacks</th>"
        + "<th>R2C</th><th>C2R</th><th>host primitive calls</th><th>detail</th></tr>\n");
    for (QueryResult query : queries) {
      out.append("<tr><td>").append(query.name())
          .append("</td><td class=\"num\">").append(Formats.millis(query.sparkMillis()))
          .append("</td><td class=\"num\">").append(Formats.millis(query.emberMillis()))
          .append("</td><td class=\"num\">").append(Formats.speedup(query.speedup()))
          .append("</td><td").append(query.answersMatch() ? ">" : " class=\"bad\">")
          .append(Formats.answers(query))
          .append("</td><td>").append(Formats.check(query.sparkMatchesExpected())).append('/')
          .append(Formats.check(query.emberMatchesExpected()))
          .append("</td><td>").append(escape(Formats.nodes(query.emberNodes())))
          .append("</td><td>").append(escape(Formats.fallbackNodes(query.fallbacks())))
          .append("</td><td class=\"num\">").append(query.rowToColumnar())
          .append("</td><td class=\"num\">").append(query.columnarToRow())
          .append("</td><td>").append(escape(Formats.hostPrimitiveCalls(query.hostPrimitiveCalls())))
          .append("</td><td>").append(escape(query.answerDetail()))
          .append("</td></tr>\n");
    }
    out.append("</table>\n");
  }

  private static String escape(String text) {
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
  }
}
