package dev.ember.tuner.report;

import static java.util.Objects.requireNonNull;

import dev.ember.tuner.ApplicationReport;
import dev.ember.tuner.TuneResult;
import dev.ember.tuner.history.HistoryReport;
import dev.ember.tuner.io.InputError;
import dev.ember.tuner.model.ApplicationModel;
import dev.ember.tuner.model.StageModel;
import dev.ember.tuner.qualification.ApplicationQualification;
import dev.ember.tuner.qualification.ExecutionQualification;
import dev.ember.tuner.qualification.SpeedupEstimate;
import dev.ember.tuner.qualification.UnsupportedOperator;
import dev.ember.tuner.rules.Recommendation;
import dev.ember.tuner.rules.Sizes;
import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A self-contained HTML report (no scripts, no external resources) with inline SVG bar charts:
 * stage task time with spill and GC, per-SQL supported share, speedup by device, and
 * predicted-versus-actual speedups from history. All log text is escaped with {@link Html#escape}.
 */
public final class HtmlReport {
  private static final int MAX_BARS = 30;

  private HtmlReport() {}

  public static void write(TuneResult result, Path file) throws IOException {
    requireNonNull(result, "result is null");
    requireNonNull(file, "file is null");
    try (Writer out = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
      out.write(render(result));
    }
  }

  /** The whole page as a string. */
  public static String render(TuneResult result) {
    StringBuilder html = new StringBuilder();
    html.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">")
        .append("<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\">")
        .append("<title>Ember tuner report</title><style>")
        .append("body{font-family:sans-serif;margin:2em;max-width:70em}table{border-collapse:collapse}")
        .append("td,th{border:1px solid #ccc;padding:2px 6px;text-align:left;vertical-align:top}")
        .append(".bar{fill:#4a7ebb}.spill{fill:#d9534f}.gc{fill:#f0ad4e}.ok{fill:#5cb85c}.no{fill:#bbb}")
        .append("code{background:#f4f4f4}</style></head><body>\n<h1>Ember tuner report</h1>\n");
    for (ApplicationReport report : result.applications()) {
      application(report, html);
    }
    if (!result.errors().isEmpty()) {
      html.append("<h2>Inputs that could not be read</h2><ul>");
      for (InputError error : result.errors()) {
        html.append("<li><code>").append(Html.escape(error.path())).append("</code>: ")
            .append(Html.escape(error.reason())).append("</li>");
      }
      html.append("</ul>\n");
    }
    html.append("</body></html>\n");
    return html.toString();
  }

  private static void application(ApplicationReport report, StringBuilder html) {
    ApplicationModel app = report.app();
    html.append("<h2>").append(Html.escape(app.name())).append(" <small><code>").append(Html.escape(app.appId()))
        .append("</code></small></h2>\n<p>Spark ").append(Html.escape(app.sparkVersion())).append(", duration ")
        .append(Format.millis(app.duration())).append(", task time ").append(Format.millis(report.metrics().taskTime()))
        .append(", GC ").append(Format.percent(report.metrics().gcShare())).append(", disk spill ")
        .append(Sizes.human(report.metrics().diskSpilled())).append(app.usedEmber() ? ", Ember run" : ", Spark run")
        .append("</p>\n");
    for (String warning : app.readStatistics().warnings()) {
      html.append("<p>warning: ").append(Html.escape(warning)).append("</p>\n");
    }
    stageChart(app, html);
    qualification(report.qualification(), html);
    html.append("<h3>Recommendations</h3>\n<table><tr><th>rule</th><th>recommendation</th><th>settings</th>")
        .append("<th>metrics read</th><th>threshold</th><th>expected effect</th><th>confidence</th></tr>\n");
    for (Recommendation recommendation : report.recommendations()) {
      html.append("<tr><td><code>").append(Html.escape(recommendation.ruleId())).append("</code></td><td>")
          .append(Html.escape(recommendation.title())).append("</td><td>");
      for (Map.Entry<String, String> setting : recommendation.settings().entrySet()) {
        html.append("<code>").append(Html.escape(setting.getKey() + "=" + setting.getValue())).append("</code><br>");
      }
      html.append("</td><td>");
      for (Map.Entry<String, Object> metric : recommendation.metrics().entrySet()) {
        html.append(Html.escape(metric.getKey() + " = " + metric.getValue())).append("<br>");
      }
      html.append("</td><td>").append(Html.escape(recommendation.threshold())).append("</td><td>")
          .append(Html.escape(recommendation.expectedEffect())).append("</td><td>")
          .append(recommendation.confidence()).append("</td></tr>\n");
    }
    html.append("</table>\n");
    if (!report.settings().isEmpty()) {
      html.append("<p>As spark-submit options:</p><pre>");
      for (Map.Entry<String, String> setting : report.settings().entrySet()) {
        html.append(Html.escape("--conf " + setting.getKey() + "=" + setting.getValue())).append('\n');
      }
      html.append("</pre>\n");
    }
    if (report.history() != null) {
      history(report.history(), html);
    }
  }

  private static void stageChart(ApplicationModel app, StringBuilder html) {
    List<StageModel> stages = new ArrayList<>(app.stages());
    stages.sort(Comparator.comparingLong(StageModel::taskTimeTotal).reversed());
    if (stages.size() > MAX_BARS) {
      stages = stages.subList(0, MAX_BARS);
    }
    List<String> labels = new ArrayList<>();
    List<double[]> values = new ArrayList<>();
    for (StageModel stage : stages) {
      labels.add("stage " + stage.stageId() + "." + stage.attemptId() + " " + Format.oneLine(stage.name(), 40));
      values.add(new double[] {stage.taskTimeTotal(), stage.gcTime(), stage.diskBytesSpilled() > 0 ? 1 : 0});
    }
    html.append("<h3>Stages by task time</h3><p>blue: task time, orange: GC time, red mark: spilled to disk</p>\n");
    double max = values.stream().mapToDouble(v -> v[0]).max().orElse(1);
    int rowHeight = 18;
    html.append(svgStart(values.size() * rowHeight + 10));
    for (int i = 0; i < values.size(); i++) {
      double[] v = values.get(i);
      int y = i * rowHeight + 5;
      double width = max <= 0 ? 0 : 400 * v[0] / max;
      double gcWidth = max <= 0 ? 0 : 400 * v[1] / max;
      html.append(rect("bar", 300, y, width, 14)).append(rect("gc", 300, y, gcWidth, 14));
      if (v[2] > 0) {
        html.append(rect("spill", 290, y, 8, 14));
      }
      html.append(text(0, y + 11, labels.get(i))).append(text(305 + width, y + 11, Format.millis(v[0])));
    }
    html.append("</svg>\n");
  }

  private static void qualification(ApplicationQualification qualification, StringBuilder html) {
    html.append("<h3>").append(qualification.emberRun() ? "Ember coverage" : "Qualification").append("</h3>\n<p>")
        .append(Format.percent(qualification.supportedShare()))
        .append(qualification.emberRun() ? " of task time ran in Ember operators." : " of task time is in operators Ember supports.")
        .append("</p>\n");
    if (!qualification.emberRun()) {
      html.append("<p>Estimated speedup by device (Amdahl, see assumptions):</p>\n");
      List<SpeedupEstimate> estimates = new ArrayList<>(qualification.estimates().values());
      double max = estimates.stream().mapToDouble(SpeedupEstimate::speedup).max().orElse(1);
      html.append(svgStart(estimates.size() * 18 + 10));
      for (int i = 0; i < estimates.size(); i++) {
        SpeedupEstimate estimate = estimates.get(i);
        double width = 400 * estimate.speedup() / Math.max(1, max);
        html.append(rect("bar", 100, i * 18 + 5, width, 14)).append(text(0, i * 18 + 16, estimate.device()))
            .append(text(105 + width, i * 18 + 16, Format.estimate(estimate)
                + (estimate.calibrated() ? " calibrated" : " estimate")));
      }
      html.append("</svg>\n<ul>\n");
      for (SpeedupEstimate estimate : estimates) {
        html.append("<li>").append(Html.escape(estimate.device() + ": " + estimate.basis())).append("</li>\n");
      }
      html.append("</ul>\n");
    }
    List<ExecutionQualification> executions = qualification.executions();
    html.append("<p>Per SQL execution: green = supported share of task time.</p>\n")
        .append(svgStart(Math.min(executions.size(), MAX_BARS) * 18 + 10));
    for (int i = 0; i < Math.min(executions.size(), MAX_BARS); i++) {
      ExecutionQualification execution = executions.get(i);
      int y = i * 18 + 5;
      html.append(rect("no", 300, y, 400, 14)).append(rect("ok", 300, y, 400 * execution.supportedShare(), 14))
          .append(text(0, y + 11, "sql " + execution.executionId() + " " + Format.oneLine(execution.description(), 36)))
          .append(text(705, y + 11, Format.percent(execution.supportedShare())));
    }
    html.append("</svg>\n");
    if (!qualification.topUnsupported().isEmpty()) {
      html.append("<table><tr><th>operator staying on Spark</th><th>count</th><th>task time</th><th>reason</th></tr>\n");
      for (UnsupportedOperator operator : qualification.topUnsupported()) {
        html.append("<tr><td><code>").append(Html.escape(operator.nodeName())).append("</code></td><td>")
            .append(operator.count()).append("</td><td>").append(Format.millis(operator.taskTimeMs())).append("</td><td>")
            .append(Html.escape(operator.reason())).append("</td></tr>\n");
      }
      html.append("</table>\n");
    }
    html.append("<details><summary>Assumptions</summary><ul>");
    for (String assumption : qualification.assumptions()) {
      html.append("<li>").append(Html.escape(assumption)).append("</li>");
    }
    html.append("</ul></details>\n");
  }

  private static void history(HistoryReport history, StringBuilder html) {
    html.append("<h3>History of job ").append(Html.escape(history.job())).append("</h3>\n<ul>");
    for (String note : history.notes()) {
      html.append("<li>").append(Html.escape(note)).append("</li>");
    }
    html.append("</ul>\n<p>Next change to try:</p><pre>");
    for (Map.Entry<String, String> setting : history.nextConfiguration().entrySet()) {
      html.append(Html.escape(setting.getKey() + "=" + setting.getValue())).append('\n');
    }
    html.append("</pre>\n");
    if (!history.comparisons().isEmpty()) {
      html.append("<p>Spark vs Ember per SQL execution: blue = speedup predicted for ")
          .append(Html.escape(history.predictionDevice())).append(", green = actual. ")
          .append(Html.escape(history.predictionBasis())).append("</p>\n");
      List<HistoryReport.ExecutionComparison> rows = new ArrayList<>(history.comparisons());
      rows.add(0, history.overall());
      double max = 1;
      for (HistoryReport.ExecutionComparison row : rows) {
        max = Math.max(max, Math.max(row.predictedSpeedup(), row.actualSpeedup()));
      }
      int shown = Math.min(rows.size(), MAX_BARS);
      html.append(svgStart(shown * 34 + 10));
      for (int i = 0; i < shown; i++) {
        HistoryReport.ExecutionComparison row = rows.get(i);
        int y = i * 34 + 5;
        html.append(text(0, y + 11, (row.index() < 0 ? "overall: " : "#" + row.index() + " ")
                + Format.oneLine(row.description(), 36)))
            .append(rect("bar", 300, y, 400 * row.predictedSpeedup() / max, 14))
            .append(rect("ok", 300, y + 15, 400 * row.actualSpeedup() / max, 14))
            .append(text(705, y + 11, Format.factor(row.predictedSpeedup())))
            .append(text(705, y + 26, Format.factor(row.actualSpeedup())));
      }
      html.append("</svg>\n");
    }
  }

  private static String svgStart(int height) {
    return "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"800\" height=\"" + height + "\" font-size=\"11\">";
  }

  private static String rect(String style, double x, double y, double width, double height) {
    return String.format(Locale.ROOT, "<rect class=\"%s\" x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\"/>",
        style, x, y, Math.max(0, width), height);
  }

  private static String text(double x, double y, String text) {
    return String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%.1f\">%s</text>", x, y, Html.escape(text));
  }
}
