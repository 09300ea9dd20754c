package dev.ember.tuner.report;

import static java.util.Objects.requireNonNull;

import dev.ember.tuner.ApplicationReport;
import dev.ember.tuner.TuneResult;
import dev.ember.tuner.history.HistoryReport;
import dev.ember.tuner.io.InputError;
import dev.ember.tuner.model.ApplicationModel;
import dev.ember.tuner.model.ReadStatistics;
import dev.ember.tuner.qualification.ApplicationQualification;
import dev.ember.tuner.qualification.ExecutionQualification;
import dev.ember.tuner.qualification.SpeedupEstimate;
import dev.ember.tuner.qualification.UnsupportedOperator;
import dev.ember.tuner.rules.Recommendation;
import dev.ember.tuner.rules.RunMetrics;
import dev.ember.tuner.rules.Sizes;
import java.io.PrintStream;
import java.util.Map;

/** The human-readable report: per application its summary, qualification, recommendations and --conf lines. */
public final class TextReport {
  private static final int MAX_EXECUTIONS = 20;

  private TextReport() {}

  public static void write(TuneResult result, PrintStream out) {
    requireNonNull(result, "result is null");
    requireNonNull(out, "out is null");
    for (ApplicationReport report : result.applications()) {
      application(report, out);
    }
    if (!result.errors().isEmpty()) {
      out.println("== inputs that could not be read");
      for (InputError error : result.errors()) {
        out.println("  " + error);
      }
    }
    out.println(result.applications().size() + " application(s) read, " + result.errors().size() + " input(s) failed");
  }

  private static void application(ApplicationReport report, PrintStream out) {
    ApplicationModel app = report.app();
    RunMetrics metrics = report.metrics();
    out.println("== " + app.appId() + (app.attemptId() == null ? "" : " attempt " + app.attemptId()) + "  \""
        + Format.oneLine(app.name(), 80) + "\"  Spark " + app.sparkVersion() + (app.completed() ? "" : "  (incomplete)"));
    out.println("   source " + app.source());
    out.println("   duration " + Format.millis(app.duration()) + ", task time " + Format.millis(metrics.taskTime())
        + ", " + app.executors().size() + " executor(s) x " + app.executorCores() + " core(s), "
        + app.jobs().size() + " jobs, " + app.stages().size() + " stages, " + app.sqlExecutions().size() + " SQL executions");
    out.println("   GC " + Format.percent(metrics.gcShare()) + ", spill " + Sizes.human(metrics.diskSpilled()) + " disk / "
        + Sizes.human(metrics.memorySpilled()) + " memory, shuffle " + Sizes.human(metrics.shuffleWrite()) + " written, input "
        + Sizes.human(metrics.input()) + (app.usedEmber() ? ", Ember run" : ", Spark run"));
    ReadStatistics statistics = app.readStatistics();
    for (String warning : statistics.warnings()) {
      out.println("   warning: " + warning);
    }
    qualification(report.qualification(), out);
    out.println("-- recommendations (" + report.recommendations().size() + ")");
    for (Recommendation recommendation : report.recommendations()) {
      out.println("  [" + recommendation.ruleId() + "] " + recommendation.title() + "  (confidence "
          + recommendation.confidence() + ")");
      for (Map.Entry<String, String> setting : recommendation.settings().entrySet()) {
        out.println("      set   " + setting.getKey() + "=" + setting.getValue());
      }
      for (Map.Entry<String, Object> metric : recommendation.metrics().entrySet()) {
        out.println("      read  " + metric.getKey() + " = " + Format.oneLine(String.valueOf(metric.getValue()), 160));
      }
      out.println("      rule  " + recommendation.threshold());
      out.println("      gain  " + recommendation.expectedEffect());
    }
    if (!report.settings().isEmpty()) {
      out.println("-- as spark-submit options");
      StringBuilder line = new StringBuilder("  ");
      for (Map.Entry<String, String> setting : report.settings().entrySet()) {
        line.append(" --conf ").append(quoted(setting.getKey() + "=" + setting.getValue()));
      }
      out.println(line);
    }
    if (report.history() != null) {
      history(report.history(), out);
    }
    out.println();
  }

  private static void qualification(ApplicationQualification qualification, PrintStream out) {
    if (qualification.emberRun()) {
      out.println("-- Ember run: " + Format.percent(qualification.supportedShare()) + " of task time in Ember operators");
    } else {
      SpeedupEstimate estimate = qualification.targetEstimate();
      out.println("-- qualification: " + Format.percent(qualification.supportedShare())
          + " of task time in operators Ember supports; estimated speedup on " + qualification.targetDevice() + " "
          + Format.estimate(estimate));
      out.println("   " + estimate.basis());
      StringBuilder others = new StringBuilder("   other devices:");
      for (SpeedupEstimate other : qualification.estimates().values()) {
        others.append(' ').append(other.device()).append(' ').append(Format.estimate(other))
            .append(other.calibrated() ? " calibrated" : "");
      }
      out.println(others + "  (uncalibrated devices: estimates)");
    }
    int shown = 0;
    for (ExecutionQualification execution : qualification.executions()) {
      if (shown++ == MAX_EXECUTIONS) {
        out.println("   ... " + (qualification.executions().size() - MAX_EXECUTIONS) + " more SQL executions in the JSON/HTML report");
        break;
      }
      SpeedupEstimate estimate = execution.estimates().get(qualification.targetDevice());
      out.println("   sql " + execution.executionId() + "  " + Format.millis(execution.taskTimeMs()) + " task time, "
          + Format.percent(execution.supportedShare()) + " supported"
          + (estimate == null ? "" : ", est. " + Format.estimate(estimate))
          + (execution.transitions() > 0 ? ", " + execution.transitions() + " transitions" : "")
          + "  \"" + Format.oneLine(execution.description(), 60) + "\"");
    }
    if (!qualification.topUnsupported().isEmpty()) {
      out.println("   staying on Spark (most task time first):");
      int count = 0;
      for (UnsupportedOperator operator : qualification.topUnsupported()) {
        if (count++ == 8) {
          break;
        }
        out.println("     " + operator.nodeName() + " x" + operator.count() + "  " + Format.millis(operator.taskTimeMs())
            + "  " + operator.reason());
      }
    }
    out.println("   assumptions:");
    for (String assumption : qualification.assumptions()) {
      out.println("     - " + assumption);
    }
  }

  private static void history(HistoryReport history, PrintStream out) {
    out.println("-- history: job \"" + Format.oneLine(history.job(), 60) + "\", " + history.runs() + " run(s) recorded");
    for (String note : history.notes()) {
      out.println("   " + note);
    }
    if (!history.nextConfiguration().isEmpty()) {
      out.println("   next change to try:");
      for (Map.Entry<String, String> setting : history.nextConfiguration().entrySet()) {
        out.println("     " + setting.getKey() + "=" + setting.getValue());
      }
    }
    if (!history.comparisons().isEmpty()) {
      out.println("   Spark vs Ember per SQL execution (task time; speedup predicted for " + history.predictionDevice()
          + " vs actual):" + (history.predictionBasis().isEmpty() ? "" : "\n   predictions: " + history.predictionBasis()));
      for (HistoryReport.ExecutionComparison comparison : history.comparisons()) {
        out.println("     #" + comparison.index() + " " + Format.millis(comparison.sparkTaskTimeMs()) + " -> "
            + Format.millis(comparison.emberTaskTimeMs()) + "  predicted " + Format.factor(comparison.predictedSpeedup())
            + ", actual " + Format.factor(comparison.actualSpeedup()) + "  \"" + Format.oneLine(comparison.description(), 50) + "\"");
      }
      HistoryReport.ExecutionComparison overall = history.overall();
      out.println("     overall " + Format.millis(overall.sparkTaskTimeMs()) + " -> " + Format.millis(overall.emberTaskTimeMs())
          + "  predicted " + Format.factor(overall.predictedSpeedup()) + ", actual " + Format.factor(overall.actualSpeedup())
          + "  (" + overall.description() + ")");
    }
  }

  private static String quoted(String text) {
    return text.matches("[A-Za-z0-9_.,=:/+-]+") ? text : "'" + text.replace("'", "'\\''") + "'";
  }
}
