package dev.ember.tuner.rules;

import static java.util.Objects.requireNonNull;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Runs every rule over one application and merges their settings into one configuration. When two
 * rules set the same key, the more confident one wins (ties: the earlier rule in {@link #defaultRules()}).
 */
public final class RuleEngine {
  private final List<Rule> rules;

  public RuleEngine(List<Rule> rules) {
    this.rules = List.copyOf(requireNonNull(rules, "rules is null"));
  }

  /** Every rule the tuner ships, in report order. */
  public static List<Rule> defaultRules() {
    return List.of(new ShufflePartitionsRule(), new SkewRule(), new SpillRule(), new GcPressureRule(),
        new ExecutorCoresRule(), new ExecutorMemoryRule(), new MemoryOverheadRule(), new MaxPartitionBytesRule(),
        new BroadcastThresholdRule(), new EnableEmberRule(), new ConcurrentGpuTasksRule(), new BatchSizeRule(),
        new FallbackRule(), new HostDeviceRule());
  }

  public List<Rule> rules() {
    return rules;
  }

  /** The recommendations for one application, in rule order. */
  public List<Recommendation> evaluate(RuleContext context) {
    requireNonNull(context, "context is null");
    List<Recommendation> result = new ArrayList<>();
    for (Rule rule : rules) {
      Optional<Recommendation> recommendation = rule.evaluate(context);
      recommendation.ifPresent(result::add);
    }
    return result;
  }

  /** The merged settings of the recommendations: key to value, first-seen order. */
  public static Map<String, String> mergedSettings(List<Recommendation> recommendations) {
    Map<String, String> merged = new LinkedHashMap<>();
    Map<String, Confidence> owner = new LinkedHashMap<>();
    for (Recommendation recommendation : recommendations) {
      for (Map.Entry<String, String> setting : recommendation.settings().entrySet()) {
        Confidence previous = owner.get(setting.getKey());
        if (previous == null || recommendation.confidence().compareTo(previous) < 0) {
          merged.put(setting.getKey(), setting.getValue());
          owner.put(setting.getKey(), recommendation.confidence());
        }
      }
    }
    return merged;
  }
}
