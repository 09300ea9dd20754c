package dev.ember.tuner.rules;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Executor cores: single-core executors waste per-executor overhead (fires for {@code 1} core with
 * more than one executor); very wide executors ({@code > } {@value #MAX_CORES} cores) contend on one
 * heap and fire when GC share is above {@value #GC_SHARE} as well.
 */
public final class ExecutorCoresRule implements Rule {
  static final int MAX_CORES = 8;
  static final int RECOMMENDED_CORES = 5;
  static final double GC_SHARE = 0.05;

  @Override
  public String id() {
    return "executor.cores";
  }

  @Override
  public Optional<Recommendation> evaluate(RuleContext context) {
    int cores = context.app().executorCores();
    int executors = context.app().activeExecutorCount();
    double gcShare = context.metrics().gcShare();
    boolean narrow = cores == 1 && executors > 1;
    boolean wide = cores > MAX_CORES && gcShare > GC_SHARE;
    if (!narrow && !wide) {
      return Optional.empty();
    }
    int wanted = narrow ? 4 : RECOMMENDED_CORES;
    long memory = Sizes.parseMemory(context.property("spark.executor.memory", "1g"), Sizes.GIB);
    Map<String, String> settings = new LinkedHashMap<>();
    settings.put("spark.executor.cores", String.valueOf(wanted));
    settings.put("spark.executor.memory", Sizes.toSpark(memory * wanted / cores));
    Map<String, Object> read = new LinkedHashMap<>();
    read.put("cores per executor", cores);
    read.put("executors that ran tasks", executors);
    read.put("GC share", Math.round(gcShare * 1000) / 10.0 + "%");
    read.put("spark.executor.memory", Sizes.toSpark(memory));
    return Optional.of(new Recommendation(id(),
        narrow ? "Use fewer, wider executors" : "Use narrower executors", settings, read,
        narrow ? "1 core per executor with more than one executor"
            : "> " + MAX_CORES + " cores per executor with GC share > " + Math.round(GC_SHARE * 100) + "%",
        narrow ? "shared broadcast copies and less per-executor overhead; memory per core unchanged"
            : "less GC and allocator contention per heap; memory per core unchanged",
        Confidence.MEDIUM));
  }
}
