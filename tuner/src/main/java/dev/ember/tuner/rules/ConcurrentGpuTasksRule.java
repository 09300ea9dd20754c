package dev.ember.tuner.rules;

import dev.ember.tuner.qualification.HardwareModel;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Concurrent GPU tasks from device memory and task footprint: the memory Ember may allocate
 * ({@code allocFraction} of the device) divided by what one task holds (its peak execution memory, at
 * least two batches), capped by cores per executor. Fires when Ember is used or recommended and the
 * value differs from the configured one (or the plugin's default).
 */
public final class ConcurrentGpuTasksRule implements Rule {
  @Override
  public String id() {
    return "ember.concurrentGpuTasks";
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
    double fraction = parseDouble(context.property(EmberSettings.ALLOC_FRACTION, null), EmberSettings.DEFAULT_ALLOC_FRACTION);
    long batchBytes = Sizes.parseBytes(context.property(EmberSettings.BATCH_SIZE_BYTES, null), EmberSettings.DEFAULT_BATCH_BYTES);
    long footprint = Math.max(context.metrics().maxTaskPeakExecutionMemory(), 2 * batchBytes);
    long usable = (long) (device.memoryGiB() * Sizes.GIB * fraction);
    int cores = Math.max(1, context.targetCores());
    int wanted = (int) Math.max(1, Math.min(cores, usable / footprint));
    String configured = context.property(EmberSettings.CONCURRENT_GPU_TASKS, null);
    String effective = configured != null ? configured.trim() : String.valueOf(EmberSettings.DEFAULT_CONCURRENT_GPU_TASKS);
    if (effective.equals(String.valueOf(wanted))) {
      return Optional.empty();
    }
    Map<String, String> settings = new LinkedHashMap<>();
    settings.put(EmberSettings.CONCURRENT_GPU_TASKS, String.valueOf(wanted));
    Map<String, Object> read = new LinkedHashMap<>();
    read.put("device", device.name() + " (" + device.memoryGiB() + " GiB)");
    read.put(EmberSettings.ALLOC_FRACTION, fraction);
    read.put("largest task peak execution memory", Sizes.human(context.metrics().maxTaskPeakExecutionMemory()));
    read.put(EmberSettings.BATCH_SIZE_BYTES, Sizes.toSpark(batchBytes));
    read.put("cores per executor", cores);
    read.put(EmberSettings.CONCURRENT_GPU_TASKS, configured == null ? "unset (default " + effective + ")" : configured);
    return Optional.of(new Recommendation(id(), "Let as many tasks share the GPU as its memory holds", settings, read,
        "min(cores, device memory x allocFraction / max(task peak memory, 2 batches))",
        "GPU kept busy by " + wanted + " tasks without running out of device memory",
        context.metrics().maxTaskPeakExecutionMemory() > 0 ? Confidence.MEDIUM : Confidence.LOW));
  }

  static double parseDouble(String text, double fallback) {
    try {
      return text == null ? fallback : Double.parseDouble(text.trim());
    } catch (NumberFormatException e) {
      return fallback;
    }
  }
}
