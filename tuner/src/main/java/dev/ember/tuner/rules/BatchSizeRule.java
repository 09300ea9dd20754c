package dev.ember.tuner.rules;

import dev.ember.tuner.model.StageModel;
import dev.ember.tuner.qualification.HardwareModel;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Ember batch size: a batch should fit {@value #BATCHES_PER_TASK} times into each concurrent task's
 * share of device memory, and need not be larger than what a task reads. Fires when Ember is used or
 * recommended and the configured size is more than 2x off.
 */
public final class BatchSizeRule implements Rule {
  static final int BATCHES_PER_TASK = 4;

  @Override
  public String id() {
    return "ember.batchSize";
  }

  @Override
  public Optional<Recommendation> evaluate(RuleContext context) {
    if (!context.app().usedEmber() && !EmberSettings.enableRecommended(context)) {
      return Optional.empty();
    }
    HardwareModel.Device device = context.targetDevice();
    if (device.memoryGiB() <= 0) {
      return Optional.empty();
    }
    long current = Sizes.parseBytes(context.property(EmberSettings.BATCH_SIZE_BYTES, null), EmberSettings.DEFAULT_BATCH_BYTES);
    int concurrent = (int) ConcurrentGpuTasksRule.parseDouble(context.property(EmberSettings.CONCURRENT_GPU_TASKS, null),
        Math.max(1, context.targetCores()));
    long perTask = (long) (device.memoryGiB() * Sizes.GIB * EmberSettings.DEFAULT_ALLOC_FRACTION) / Math.max(1, concurrent);
    long largestTaskInput = 0;
    for (StageModel stage : context.app().stages()) {
      largestTaskInput = Math.max(largestTaskInput, Math.max(stage.taskInputBytes().max(), stage.taskShuffleReadBytes().max()));
    }
    long wanted = perTask / BATCHES_PER_TASK;
    if (largestTaskInput > 0) {
      wanted = Math.min(wanted, Math.max(16 * Sizes.MIB, largestTaskInput));
    }
    wanted = Math.max(16 * Sizes.MIB, Math.min(2 * Sizes.GIB, wanted));
    if (current <= 2 * wanted && wanted <= 2 * current) {
      return Optional.empty();
    }
    Map<String, String> settings = new LinkedHashMap<>();
    settings.put(EmberSettings.BATCH_SIZE_BYTES, Sizes.toSpark(wanted));
    Map<String, Object> read = new LinkedHashMap<>();
    read.put(EmberSettings.BATCH_SIZE_BYTES, Sizes.toSpark(current));
    read.put("device memory per concurrent task", Sizes.human(perTask));
    read.put("largest task input or shuffle read", Sizes.human(largestTaskInput));
    return Optional.of(new Recommendation(id(), "Size Ember's batches to device memory and task input", settings, read,
        "batch = device memory per task / " + BATCHES_PER_TASK + ", capped by the largest task input (16 MiB..2 GiB);"
            + " fires when > 2x off",
        wanted > current ? "fewer kernel launches and less per-batch overhead"
            : "batches no larger than what a task holds: less memory reserved per task, no device memory exhaustion",
        Confidence.LOW));
  }
}
