package dev.ember.tuner.rules;

import dev.ember.tuner.qualification.ApplicationQualification;
import dev.ember.tuner.qualification.ExecutionQualification;
import dev.ember.tuner.qualification.UnsupportedOperator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Ember runs: the fallbacks (operators left on Spark) and transitions that cost the most task time.
 * Fires when they hold more than {@value #MIN_SHARE} of SQL task time; recommends the explain mode
 * that names each fallback's reason and lists the top {@value #TOP} with their reasons.
 */
public final class FallbackRule implements Rule {
  static final double MIN_SHARE = 0.10;
  static final int TOP = 3;

  @Override
  public String id() {
    return "ember.fallbacks";
  }

  @Override
  public Optional<Recommendation> evaluate(RuleContext context) {
    ApplicationQualification qualification = context.qualification();
    if (!qualification.emberRun() || qualification.sqlTaskTimeMs() <= 0) {
      return Optional.empty();
    }
    double fallbackTime = 0;
    double transitionTime = 0;
    int transitions = 0;
    for (ExecutionQualification execution : qualification.executions()) {
      transitionTime += execution.transitionTimeMs();
      transitions += execution.transitions();
      for (UnsupportedOperator operator : execution.unsupported()) {
        fallbackTime += operator.taskTimeMs();
      }
    }
    double share = (fallbackTime + transitionTime) / qualification.sqlTaskTimeMs();
    if (share <= MIN_SHARE) {
      return Optional.empty();
    }
    Map<String, Object> read = new LinkedHashMap<>();
    read.put("fallback task time ms", Math.round(fallbackTime));
    read.put("transition task time ms", Math.round(transitionTime));
    read.put("Ember/Spark boundaries", transitions);
    read.put("share of SQL task time", Math.round(share * 1000) / 10.0 + "%");
    List<UnsupportedOperator> top = qualification.topUnsupported();
    for (int i = 0; i < Math.min(TOP, top.size()); i++) {
      UnsupportedOperator operator = top.get(i);
      read.put("fallback " + (i + 1), operator.nodeName() + " x" + operator.count() + ", " + Math.round(operator.taskTimeMs())
          + " ms: " + operator.reason());
    }
    Map<String, String> settings = new LinkedHashMap<>();
    if (!"NOT_ON_GPU".equalsIgnoreCase(context.property(EmberSettings.EXPLAIN, ""))) {
      settings.put(EmberSettings.EXPLAIN, "NOT_ON_GPU");
    }
    return Optional.of(new Recommendation(id(), "Remove the costliest fallbacks to Spark", settings, read,
        "fallback + transition time > " + Math.round(MIN_SHARE * 100) + "% of SQL task time",
        "each fallback removed saves its Spark time and the transitions around it; the explain output names the reason",
        Confidence.HIGH));
  }
}
