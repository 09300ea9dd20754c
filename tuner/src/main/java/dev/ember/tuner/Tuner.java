package dev.ember.tuner;

import static java.util.Objects.requireNonNull;

import dev.ember.tuner.history.HistoryReport;
import dev.ember.tuner.history.HistoryStore;
import dev.ember.tuner.io.EventLogException;
import dev.ember.tuner.io.EventLogLocator;
import dev.ember.tuner.io.EventLogReader;
import dev.ember.tuner.io.EventLogSource;
import dev.ember.tuner.io.InputError;
import dev.ember.tuner.model.ApplicationModel;
import dev.ember.tuner.qualification.ApplicationQualification;
import dev.ember.tuner.qualification.HardwareModel;
import dev.ember.tuner.qualification.Qualifier;
import dev.ember.tuner.rules.Recommendation;
import dev.ember.tuner.rules.RuleContext;
import dev.ember.tuner.rules.RuleEngine;
import dev.ember.tuner.rules.RunMetrics;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The tuner's pipeline, independent of the command line: locate logs, read each in one pass,
 * qualify, run the rules, and (optionally) record and compare with history. A log that cannot be
 * read becomes an {@link InputError}; the others are still analysed.
 */
public final class Tuner {
  private final Qualifier qualifier;
  private final HardwareModel hardware;
  private final TargetCluster target;
  private final RuleEngine rules;
  private final HistoryStore history;

  /**
   * @param target null for "the cluster the run used"
   * @param history null to keep no history
   */
  public Tuner(Qualifier qualifier, HardwareModel hardware, TargetCluster target, RuleEngine rules, HistoryStore history) {
    this.qualifier = requireNonNull(qualifier, "qualifier is null");
    this.hardware = requireNonNull(hardware, "hardware is null");
    this.target = target;
    this.rules = requireNonNull(rules, "rules is null");
    this.history = history;
  }

  public TuneResult run(List<Path> paths) {
    requireNonNull(paths, "paths is null");
    EventLogLocator.Result located = new EventLogLocator().locate(paths);
    List<InputError> errors = new ArrayList<>(located.errors());
    List<ApplicationReport> reports = new ArrayList<>();
    EventLogReader reader = new EventLogReader();
    for (EventLogSource source : located.sources()) {
      ApplicationModel app;
      try {
        app = reader.read(source);
      } catch (EventLogException e) {
        errors.add(new InputError(source.location().toString(), e.getMessage()));
        continue;
      }
      reports.add(analyse(app));
    }
    return new TuneResult(reports, errors);
  }

  /** Qualifies one application, runs the rules and updates history. */
  public ApplicationReport analyse(ApplicationModel app) {
    RunMetrics metrics = new RunMetrics(app);
    ApplicationQualification qualification = qualifier.qualify(app);
    RuleContext context = new RuleContext(app, qualification, metrics, hardware, target);
    List<Recommendation> recommendations = rules.evaluate(context);
    HistoryReport historyReport = null;
    if (history != null) {
      try {
        historyReport = history.record(app, metrics, qualification, recommendations);
      } catch (IOException e) {
        app.readStatistics().warn("history not updated: " + e.getMessage());
      }
    }
    return new ApplicationReport(app, metrics, qualification, recommendations,
        RuleEngine.mergedSettings(recommendations), historyReport);
  }
}
