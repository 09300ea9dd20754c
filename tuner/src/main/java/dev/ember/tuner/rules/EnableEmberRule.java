package dev.ember.tuner.rules;

import dev.ember.tuner.qualification.ApplicationQualification;
import dev.ember.tuner.qualification.SpeedupEstimate;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/** A CPU run that qualifies: enable the plugin. Thresholds in {@link EmberSettings}. */
public final class EnableEmberRule implements Rule {
  @Override
  public String id() {
    return "ember.enable";
  }

  @Override
  public Optional<Recommendation> evaluate(RuleContext context) {
    if (!EmberSettings.enableRecommended(context)) {
      return Optional.empty();
    }
    ApplicationQualification qualification = context.qualification();
    SpeedupEstimate estimate = qualification.estimates().get(context.targetDevice().name());
    Map<String, String> settings = new LinkedHashMap<>();
    String plugins = context.property(EmberSettings.PLUGINS, "");
    settings.put(EmberSettings.PLUGINS, plugins.isEmpty() ? EmberSettings.PLUGIN_CLASS : plugins + "," + EmberSettings.PLUGIN_CLASS);
    settings.put(EmberSettings.ENABLED, "true");
    Map<String, Object> read = new LinkedHashMap<>();
    read.put("supported share of task time", Math.round(qualification.supportedShare() * 1000) / 10.0 + "%");
    read.put("target device", context.targetDevice().name());
    read.put("estimated speedup", Math.round(estimate.speedup() * 100) / 100.0);
    return Optional.of(new Recommendation(id(), "Run this job with Ember", settings, read,
        "supported share >= " + Math.round(EmberSettings.MIN_SUPPORTED_SHARE * 100) + "% and estimated speedup >= "
            + EmberSettings.MIN_SPEEDUP,
        "about " + Math.round(estimate.speedup() * 100) / 100.0 + "x less task time on " + context.targetDevice().name()
            + " (see the qualification assumptions)",
        qualification.supportedShare() > 0.6 ? Confidence.MEDIUM : Confidence.LOW));
  }
}
