package dev.ember.tuner.rules;

import dev.ember.tuner.model.StageModel;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Skew: a stage whose largest task reads at least {@value #MIN_FACTOR}x the median shuffle bytes and
 * at least {@value #MIN_SKEWED_MIB} MiB, or runs {@value #MIN_FACTOR}x the median duration and at
 * least {@value #MIN_SKEWED_SECONDS} s. Recommends AQE's skew-join handling with a threshold below
 * the skewed partition's size so that AQE actually splits it.
 */
public final class SkewRule implements Rule {
  static final double MIN_FACTOR = 5;
  static final long MIN_SKEWED_MIB = 1;
  static final long MIN_SKEWED_SECONDS = 10;

  @Override
  public String id() {
    return "aqe.skewJoin";
  }

  @Override
  public Optional<Recommendation> evaluate(RuleContext context) {
    StageModel worst = null;
    double worstFactor = 0;
    String kind = "";
    for (StageModel stage : context.app().stages()) {
      double bytesFactor = stage.shuffleReadSkew();
      if (bytesFactor >= MIN_FACTOR && stage.taskShuffleReadBytes().max() >= MIN_SKEWED_MIB * Sizes.MIB
          && bytesFactor > worstFactor) {
        worst = stage;
        worstFactor = bytesFactor;
        kind = "shuffle read";
      }
      double timeFactor = stage.durationSkew();
      if (timeFactor >= MIN_FACTOR && stage.taskDurations().max() >= MIN_SKEWED_SECONDS * 1000 && timeFactor > worstFactor) {
        worst = stage;
        worstFactor = timeFactor;
        kind = "duration";
      }
    }
    if (worst == null) {
      return Optional.empty();
    }
    long skewedBytes = worst.taskShuffleReadBytes().max();
    long threshold = Math.max(Sizes.MIB, Math.min(256 * Sizes.MIB, skewedBytes / 2));
    Map<String, String> settings = new LinkedHashMap<>();
    settings.put("spark.sql.adaptive.enabled", "true");
    settings.put("spark.sql.adaptive.skewJoin.enabled", "true");
    settings.put("spark.sql.adaptive.skewJoin.skewedPartitionFactor", String.valueOf((int) Math.min(MIN_FACTOR, Math.floor(worstFactor / 2))));
    settings.put("spark.sql.adaptive.skewJoin.skewedPartitionThresholdInBytes", Sizes.toSpark(threshold));
    Map<String, Object> read = new LinkedHashMap<>();
    read.put("stage", worst.stageId() + " (" + worst.name() + ")");
    read.put("skew measured on", kind);
    read.put("max / median", Math.round(worstFactor * 10) / 10.0);
    read.put("largest task shuffle read", Sizes.human(skewedBytes));
    read.put("median task shuffle read", Sizes.human(worst.taskShuffleReadBytes().median()));
    read.put("largest task duration ms", worst.taskDurations().max());
    read.put("median task duration ms", worst.taskDurations().median());
    read.put("spark.sql.adaptive.skewJoin.enabled", context.property("spark.sql.adaptive.skewJoin.enabled", "true (default)"));
    return Optional.of(new Recommendation(id(), "Split skewed partitions with AQE's skew join", settings, read,
        "max/median >= " + MIN_FACTOR + " with the largest task >= " + MIN_SKEWED_MIB + " MiB shuffle read or >= "
            + MIN_SKEWED_SECONDS + " s",
        "the largest partition is split across tasks; stage " + worst.stageId()
            + " time approaches its median task time (joins only; skewed aggregations need salting)",
        kind.equals("shuffle read") ? Confidence.HIGH : Confidence.MEDIUM));
  }
}
