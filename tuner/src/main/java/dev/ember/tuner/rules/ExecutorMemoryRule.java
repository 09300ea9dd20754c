package dev.ember.tuner.rules;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Executor memory from the peak JVM heap executors reported: above {@value #HIGH_HEAP} of
 * {@code spark.executor.memory} asks for 50% more; below {@value #LOW_HEAP} with no spill and no GC
 * pressure offers to give 30% back. Needs executor metrics (Spark 3.0+ logs them).
 */
public final class ExecutorMemoryRule implements Rule {
  static final double HIGH_HEAP = 0.90;
  static final double LOW_HEAP = 0.30;

  @Override
  public String id() {
    return "executor.memory";
  }

  @Override
  public Optional<Recommendation> evaluate(RuleContext context) {
    RunMetrics metrics = context.metrics();
    long peak = metrics.maxPeakJvmHeap();
    String configured = context.property("spark.executor.memory", null);
    if (peak <= 0 || configured == null) {
      return Optional.empty();
    }
    long memory = Sizes.parseMemory(configured, Sizes.GIB);
    double used = (double) peak / memory;
    boolean high = used > HIGH_HEAP;
    boolean low = used < LOW_HEAP && metrics.diskSpilled() == 0 && metrics.gcShare() < 0.02 && memory >= 4 * Sizes.GIB;
    if (!high && !low) {
      return Optional.empty();
    }
    long wanted = high ? memory * 3 / 2 : memory * 7 / 10;
    Map<String, String> settings = new LinkedHashMap<>();
    settings.put("spark.executor.memory", Sizes.toSpark(wanted));
    Map<String, Object> read = new LinkedHashMap<>();
    read.put("spark.executor.memory", configured);
    read.put("peak JVM heap", Sizes.human(peak));
    read.put("peak / configured", Math.round(used * 1000) / 10.0 + "%");
    read.put("disk spill", Sizes.human(metrics.diskSpilled()));
    return Optional.of(new Recommendation(id(), high ? "Give executors more heap" : "Give back unused heap", settings, read,
        "peak heap > " + Math.round(HIGH_HEAP * 100) + "% (or < " + Math.round(LOW_HEAP * 100)
            + "% with no spill and no GC pressure) of spark.executor.memory",
        high ? "headroom against OOM and GC storms" : "same run with less memory reserved",
        Confidence.MEDIUM));
  }
}
