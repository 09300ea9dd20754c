package dev.ember.tuner.rules;

import dev.ember.tuner.model.ExecutorModel;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Memory overhead: fires when executors were killed for exceeding memory limits (raise overhead by
 * 50%), or when the run used (or is recommended) Ember without an explicit overhead: Ember keeps its
 * Arrow batches outside the JVM heap, so overhead must hold two batches per concurrent task on top of
 * Spark's default (10% of heap, at least 384 MiB).
 */
public final class MemoryOverheadRule implements Rule {
  @Override
  public String id() {
    return "executor.memoryOverhead";
  }

  @Override
  public Optional<Recommendation> evaluate(RuleContext context) {
    long killed = 0;
    for (ExecutorModel executor : context.app().executors()) {
      String reason = executor.removedReason() == null ? "" : executor.removedReason().toLowerCase(Locale.ROOT);
      if (reason.contains("memory") && (reason.contains("exceed") || reason.contains("killed") || reason.contains("oom"))) {
        killed++;
      }
    }
    long memory = Sizes.parseMemory(context.property("spark.executor.memory", "1g"), Sizes.GIB);
    String configured = context.property("spark.executor.memoryOverhead", null);
    long overhead = Sizes.parseMemory(configured, Math.max(384 * Sizes.MIB, memory / 10));
    boolean ember = context.app().usedEmber() || EmberSettings.enableRecommended(context);
    long batchBytes = Sizes.parseBytes(context.property(EmberSettings.BATCH_SIZE_BYTES, null), EmberSettings.DEFAULT_BATCH_BYTES);
    long emberNeed = 2L * context.targetCores() * batchBytes;
    long wanted;
    if (killed > 0) {
      wanted = overhead * 3 / 2;
    } else if (ember && configured == null) {
      wanted = overhead + emberNeed;
    } else {
      return Optional.empty();
    }
    Map<String, String> settings = new LinkedHashMap<>();
    settings.put("spark.executor.memoryOverhead", Sizes.toSpark(wanted));
    Map<String, Object> read = new LinkedHashMap<>();
    read.put("executors killed for memory", killed);
    read.put("spark.executor.memoryOverhead", configured == null ? "unset (" + Sizes.toSpark(overhead) + " default)" : configured);
    read.put("spark.executor.memory", Sizes.toSpark(memory));
    if (ember) {
      read.put("cores per executor", context.targetCores());
      read.put(EmberSettings.BATCH_SIZE_BYTES, Sizes.toSpark(batchBytes));
    }
    return Optional.of(new Recommendation(id(), "Size the executor memory overhead", settings, read,
        killed > 0 ? "any executor removed for exceeding memory limits"
            : "Ember in use without an explicit overhead: default + 2 batches per core",
        killed > 0 ? "no more container kills for off-heap use" : "room for Ember's off-heap Arrow batches",
        killed > 0 ? Confidence.HIGH : Confidence.MEDIUM));
  }
}
