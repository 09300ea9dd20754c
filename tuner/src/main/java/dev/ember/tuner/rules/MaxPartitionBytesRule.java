package dev.ember.tuner.rules;

import dev.ember.tuner.model.StageModel;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * {@code spark.sql.files.maxPartitionBytes} from input sizes: a scan stage with fewer tasks than
 * slots but at least {@value #MIN_INPUT_MIB} MiB per slot leaves cores idle (lower the size so every
 * slot gets a split); a scan stage with more than 4x slots tasks reading under {@value #SMALL_MIB}
 * MiB each on median pays per-task overhead (raise it, up to 1 GiB).
 */
public final class MaxPartitionBytesRule implements Rule {
  static final long MIN_INPUT_MIB = 16;
  static final long SMALL_MIB = 16;

  @Override
  public String id() {
    return "files.maxPartitionBytes";
  }

  @Override
  public Optional<Recommendation> evaluate(RuleContext context) {
    int slots = context.metrics().slots();
    long current = context.bytesProperty("spark.sql.files.maxPartitionBytes", 128 * Sizes.MIB);
    StageModel scan = null;
    for (StageModel stage : context.app().stages()) {
      if (stage.inputBytes() > 0 && (scan == null || stage.inputBytes() > scan.inputBytes())) {
        scan = stage;
      }
    }
    if (scan == null) {
      return Optional.empty();
    }
    long wanted;
    String why;
    if (scan.taskCount() < slots && scan.inputBytes() >= MIN_INPUT_MIB * Sizes.MIB * slots) {
      wanted = Math.max(4 * Sizes.MIB, scan.inputBytes() / slots);
      why = "too few input splits for the slots";
    } else if (scan.taskCount() > 4L * slots && scan.taskInputBytes().median() < SMALL_MIB * Sizes.MIB) {
      wanted = Math.min(Sizes.GIB, current * 4);
      why = "many small input splits";
    } else {
      return Optional.empty();
    }
    Map<String, String> settings = new LinkedHashMap<>();
    settings.put("spark.sql.files.maxPartitionBytes", Sizes.toSpark(wanted));
    Map<String, Object> read = new LinkedHashMap<>();
    read.put("largest scan stage", scan.stageId() + " (" + scan.name() + ")");
    read.put("its input", Sizes.human(scan.inputBytes()));
    read.put("its tasks", scan.taskCount());
    read.put("median task input", Sizes.human(scan.taskInputBytes().median()));
    read.put("task slots", slots);
    read.put("spark.sql.files.maxPartitionBytes", Sizes.toSpark(current));
    return Optional.of(new Recommendation(id(), "Size input splits (" + why + ")", settings, read,
        "tasks < slots with >= " + MIN_INPUT_MIB + " MiB per slot, or tasks > 4x slots with median < " + SMALL_MIB + " MiB",
        why.startsWith("too few") ? "every core reads a split" : "fewer tasks, less scheduling overhead (small files also"
            + " need spark.sql.files.openCostInBytes)",
        Confidence.MEDIUM));
  }
}
