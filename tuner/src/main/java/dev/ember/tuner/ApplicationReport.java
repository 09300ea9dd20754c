package dev.ember.tuner;

import static java.util.Objects.requireNonNull;

import dev.ember.tuner.history.HistoryReport;
import dev.ember.tuner.model.ApplicationModel;
import dev.ember.tuner.qualification.ApplicationQualification;
import dev.ember.tuner.rules.Recommendation;
import dev.ember.tuner.rules.RunMetrics;
import java.util.List;
import java.util.Map;

/**
 * Everything the tuner concluded about one application: the model, its totals, the qualification,
 * the recommendations and their merged settings, and (with {@code --history}) the history view.
 *
 * @param history null unless a history directory was given
 */
public record ApplicationReport(ApplicationModel app, RunMetrics metrics, ApplicationQualification qualification,
    List<Recommendation> recommendations, Map<String, String> settings, HistoryReport history) {
  public ApplicationReport {
    requireNonNull(app, "app is null");
    requireNonNull(metrics, "metrics is null");
    requireNonNull(qualification, "qualification is null");
    recommendations = List.copyOf(recommendations);
    settings = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(settings));
  }
}
