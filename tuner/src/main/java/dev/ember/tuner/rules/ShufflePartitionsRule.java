package dev.ember.tuner.rules;

import dev.ember.tuner.model.StageModel;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * {@code spark.sql.shuffle.partitions} and AQE's advisory partition size from shuffle sizes and
 * spill. Targets {@value #TARGET_MIB} MiB per reduce task ({@value #SPILL_TARGET_MIB} MiB when
 * shuffle-reading stages spilled). Fires when the current count is off by more than 2x from the
 * target in either direction, or when reduce tasks are tiny: more than 2x the task slots with a
 * median shuffle read under {@value #TINY_MIB} MiB.
 */
public final class ShufflePartitionsRule implements Rule {
  static final long TARGET_MIB = 128;
  static final long SPILL_TARGET_MIB = 64;
  static final long TINY_MIB = 1;

  @Override
  public String id() {
    return "shuffle.partitions";
  }

  @Override
  public Optional<Recommendation> evaluate(RuleContext context) {
    RunMetrics metrics = context.metrics();
    if (metrics.shuffleWrite() == 0) {
      return Optional.empty();
    }
    int current = Integer.parseInt(context.property("spark.sql.shuffle.partitions", "200").trim());
    long spilledInReduce = 0;
    StageModel widestReduce = null;
    for (StageModel stage : context.app().stages()) {
      if (stage.shuffleReadBytes() > 0) {
        spilledInReduce += stage.diskBytesSpilled();
        if (widestReduce == null || stage.taskCount() > widestReduce.taskCount()) {
          widestReduce = stage;
        }
      }
    }
    long targetBytes = (spilledInReduce > 0 ? SPILL_TARGET_MIB : TARGET_MIB) * Sizes.MIB;
    long largest = metrics.maxStageShuffleWrite();
    int slots = metrics.slots();
    int wanted = (int) Math.max(slots, roundUp(Math.ceil((double) largest / targetBytes), slots));
    boolean tiny = widestReduce != null && widestReduce.taskCount() > 2L * slots
        && widestReduce.taskShuffleReadBytes().median() < TINY_MIB * Sizes.MIB;
    boolean tooFew = wanted > 2L * current;
    boolean tooMany = current > 2L * wanted;
    if (!tiny && !tooFew && !tooMany) {
      return Optional.empty();
    }
    Map<String, String> settings = new LinkedHashMap<>();
    settings.put("spark.sql.shuffle.partitions", String.valueOf(wanted));
    settings.put("spark.sql.adaptive.enabled", "true");
    settings.put("spark.sql.adaptive.coalescePartitions.enabled", "true");
    settings.put("spark.sql.adaptive.advisoryPartitionSizeInBytes", Sizes.toSpark(targetBytes));
    Map<String, Object> read = new LinkedHashMap<>();
    read.put("spark.sql.shuffle.partitions", current);
    read.put("largest stage shuffle write", Sizes.human(largest));
    read.put("task slots", slots);
    read.put("disk spill in shuffle-reading stages", Sizes.human(spilledInReduce));
    if (widestReduce != null) {
      read.put("widest reduce stage", widestReduce.stageId());
      read.put("its tasks", widestReduce.taskCount());
      read.put("its median task shuffle read", Sizes.human(widestReduce.taskShuffleReadBytes().median()));
    }
    String why = tiny ? "reduce tasks are tiny" : tooFew ? "too few partitions for the data" : "too many partitions for the data";
    return Optional.of(new Recommendation(id(), "Size shuffle partitions to the data (" + why + ")", settings, read,
        "target " + (targetBytes / Sizes.MIB) + " MiB per partition (" + SPILL_TARGET_MIB
            + " MiB after spill), at least one per slot; fires beyond 2x off target or when > 2x slots reduce"
            + " tasks read < " + TINY_MIB + " MiB median",
        tiny || tooMany ? "fewer, fuller reduce tasks: less scheduling overhead and fewer small shuffle files"
            : "smaller reduce tasks that fit in memory: less spill, better parallelism",
        tiny || spilledInReduce > 0 ? Confidence.HIGH : Confidence.MEDIUM));
  }

  private static long roundUp(double value, int multiple) {
    long n = (long) value;
    return ((n + multiple - 1) / multiple) * multiple;
  }
}
