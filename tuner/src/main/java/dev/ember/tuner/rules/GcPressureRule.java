package dev.ember.tuner.rules;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * GC pressure: JVM GC time over executor run time above {@value #MAX_GC_SHARE}. Recommends G1 (when
 * another collector is configured or none is) and 50% more heap per executor.
 */
public final class GcPressureRule implements Rule {
  static final double MAX_GC_SHARE = 0.10;

  @Override
  public String id() {
    return "gc.pressure";
  }

  @Override
  public Optional<Recommendation> evaluate(RuleContext context) {
    RunMetrics metrics = context.metrics();
    double share = metrics.gcShare();
    if (share <= MAX_GC_SHARE) {
      return Optional.empty();
    }
    long memory = Sizes.parseMemory(context.property("spark.executor.memory", "1g"), Sizes.GIB);
    String javaOptions = context.property("spark.executor.extraJavaOptions", "");
    Map<String, String> settings = new LinkedHashMap<>();
    settings.put("spark.executor.memory", Sizes.toSpark(memory * 3 / 2));
    if (!javaOptions.contains("G1")) {
      settings.put("spark.executor.extraJavaOptions", (javaOptions + " -XX:+UseG1GC").trim());
    }
    Map<String, Object> read = new LinkedHashMap<>();
    read.put("JVM GC time ms", metrics.gcTime());
    read.put("executor run time ms", metrics.executorRunTime());
    read.put("GC share", Math.round(share * 1000) / 10.0 + "%");
    read.put("spark.executor.memory", Sizes.toSpark(memory));
    read.put("spark.executor.extraJavaOptions", javaOptions);
    read.put("peak JVM heap", Sizes.human(metrics.maxPeakJvmHeap()));
    return Optional.of(new Recommendation(id(), "Reduce garbage-collection pressure", settings, read,
        "GC time > " + Math.round(MAX_GC_SHARE * 100) + "% of executor run time",
        "up to " + Math.round(share * 100) + "% of task time is GC; more heap per task and G1 cut it"
            + " (also check for UDFs or collect() that create garbage)",
        share > 0.25 ? Confidence.HIGH : Confidence.MEDIUM));
  }
}
