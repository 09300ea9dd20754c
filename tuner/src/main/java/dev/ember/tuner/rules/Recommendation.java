package dev.ember.tuner.rules;

import static java.util.Objects.requireNonNull;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One recommendation, explained: the rule that made it, the settings to apply (may be empty when the
 * advice is not a config change), the metrics the rule read with their values, the threshold it
 * applied, the expected effect and a confidence.
 */
public record Recommendation(String ruleId, String title, Map<String, String> settings, Map<String, Object> metrics,
    String threshold, String expectedEffect, Confidence confidence) {
  public Recommendation {
    requireNonNull(ruleId, "ruleId is null");
    requireNonNull(title, "title is null");
    settings = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(requireNonNull(settings, "settings is null")));
    metrics = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(requireNonNull(metrics, "metrics is null")));
    requireNonNull(threshold, "threshold is null");
    requireNonNull(expectedEffect, "expectedEffect is null");
    requireNonNull(confidence, "confidence is null");
  }
}
