package dev.ember.tuner.rules;

import dev.ember.tuner.model.StageModel;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Spill to disk: fires on any disk spill (spill is never free). Recommends giving execution and
 * storage more of the heap ({@code spark.memory.fraction}); smaller tasks are the shuffle rule's job.
 * A forced-spill setting left in the configuration is called out.
 */
public final class SpillRule implements Rule {
  static final long MIN_SPILL_MIB = 0;
  static final double RAISED_MEMORY_FRACTION = 0.75;

  @Override
  public String id() {
    return "spill";
  }

  @Override
  public Optional<Recommendation> evaluate(RuleContext context) {
    RunMetrics metrics = context.metrics();
    if (metrics.diskSpilled() <= MIN_SPILL_MIB * Sizes.MIB) {
      return Optional.empty();
    }
    StageModel worst = null;
    long spillingTasks = 0;
    for (StageModel stage : context.app().stages()) {
      if (stage.diskBytesSpilled() > 0) {
        spillingTasks += stage.taskCount();
        if (worst == null || stage.diskBytesSpilled() > worst.diskBytesSpilled()) {
          worst = stage;
        }
      }
    }
    double fraction = Double.parseDouble(context.property("spark.memory.fraction", "0.6"));
    Map<String, String> settings = new LinkedHashMap<>();
    if (fraction < RAISED_MEMORY_FRACTION) {
      settings.put("spark.memory.fraction", String.valueOf(RAISED_MEMORY_FRACTION));
    }
    Map<String, Object> read = new LinkedHashMap<>();
    read.put("disk bytes spilled", Sizes.human(metrics.diskSpilled()));
    read.put("memory bytes spilled", Sizes.human(metrics.memorySpilled()));
    read.put("stage spilling most", worst.stageId() + " (" + worst.name() + ")");
    read.put("its disk spill", Sizes.human(worst.diskBytesSpilled()));
    read.put("tasks in spilling stages", spillingTasks);
    read.put("spark.memory.fraction", fraction);
    String forced = context.property("spark.shuffle.spill.numElementsForceSpillThreshold", null);
    if (forced != null) {
      read.put("spark.shuffle.spill.numElementsForceSpillThreshold", forced);
    }
    return Optional.of(new Recommendation(id(), "Avoid spilling to disk", settings, read,
        "any disk spill (> " + MIN_SPILL_MIB + " MiB)",
        "less disk I/O and serialization in stage " + worst.stageId() + "; see also shuffle.partitions for smaller tasks"
            + (forced != null ? "; remove spark.shuffle.spill.numElementsForceSpillThreshold, which forces spills" : ""),
        forced != null ? Confidence.HIGH : Confidence.MEDIUM));
  }
}
