package dev.ember.tuner.rules;

import dev.ember.tuner.model.PlanNode;
import dev.ember.tuner.model.SqlExecutionModel;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * {@code spark.sql.autoBroadcastJoinThreshold} from observed exchange sizes. A shuffle join
 * ({@code SortMergeJoin}, {@code ShuffledHashJoin}) whose smaller input's shuffle {@code data size}
 * was below {@value #MAX_BROADCAST_MIB} MiB but above the threshold could have been a broadcast join:
 * raise the threshold to cover it. A broadcast above {@value #MAX_BROADCAST_MIB} MiB is a risk to
 * driver and executor memory: lower the threshold below it.
 */
public final class BroadcastThresholdRule implements Rule {
  static final long MAX_BROADCAST_MIB = 512;
  private static final String DATA_SIZE = "data size";

  @Override
  public String id() {
    return "broadcast.threshold";
  }

  @Override
  public Optional<Recommendation> evaluate(RuleContext context) {
    long threshold = context.bytesProperty("spark.sql.autoBroadcastJoinThreshold", 10 * Sizes.MIB);
    long limit = MAX_BROADCAST_MIB * Sizes.MIB;
    long smallestShuffledSide = Long.MAX_VALUE;
    long largestBroadcast = 0;
    int shuffleJoins = 0;
    for (SqlExecutionModel execution : context.app().sqlExecutions()) {
      if (execution.plan() == null) {
        continue;
      }
      for (PlanNode node : execution.plan().flatten()) {
        String name = node.nodeName();
        if (name.contains("SortMergeJoin") || name.contains("ShuffledHashJoin")) {
          long smaller = Long.MAX_VALUE;
          for (PlanNode child : node.children()) {
            Long size = exchangeSize(execution, child);
            if (size != null) {
              smaller = Math.min(smaller, size);
            }
          }
          if (smaller != Long.MAX_VALUE) {
            shuffleJoins++;
            smallestShuffledSide = Math.min(smallestShuffledSide, smaller);
          }
        } else if (name.contains("BroadcastExchange")) {
          Long size = execution.metricValue(node, DATA_SIZE);
          if (size != null) {
            largestBroadcast = Math.max(largestBroadcast, size);
          }
        }
      }
    }
    Map<String, Object> read = new LinkedHashMap<>();
    read.put("spark.sql.autoBroadcastJoinThreshold", threshold < 0 ? "-1 (disabled)" : Sizes.toSpark(threshold));
    read.put("shuffle joins with known input sizes", shuffleJoins);
    Map<String, String> settings = new LinkedHashMap<>();
    if (largestBroadcast > limit) {
      read.put("largest broadcast", Sizes.human(largestBroadcast));
      settings.put("spark.sql.autoBroadcastJoinThreshold", Sizes.toSpark(Math.min(threshold, limit) / 2));
      return Optional.of(new Recommendation(id(), "Broadcast less", settings, read,
          "a broadcast above " + MAX_BROADCAST_MIB + " MiB", "no driver or executor OOM from huge broadcasts",
          Confidence.MEDIUM));
    }
    if (smallestShuffledSide != Long.MAX_VALUE && smallestShuffledSide <= limit
        && (threshold < 0 || smallestShuffledSide > threshold)) {
      long wanted = Math.max(10 * Sizes.MIB, Long.highestOneBit(Math.max(1, smallestShuffledSide)) * 2);
      read.put("smallest shuffle-join input (data size)", Sizes.human(smallestShuffledSide));
      settings.put("spark.sql.autoBroadcastJoinThreshold", Sizes.toSpark(wanted));
      return Optional.of(new Recommendation(id(), "Broadcast small join inputs instead of shuffling them", settings, read,
          "a shuffle join input <= " + MAX_BROADCAST_MIB + " MiB and above the threshold",
          "one shuffle and one sort fewer per such join (the large side is no longer shuffled)",
          threshold < 0 ? Confidence.MEDIUM : Confidence.HIGH));
    }
    return Optional.empty();
  }

  /** The shuffle data size feeding a join input: the first exchange below it, through wrappers and sorts. */
  private static Long exchangeSize(SqlExecutionModel execution, PlanNode node) {
    if (node.nodeName().startsWith("Exchange") || node.nodeName().contains("ShuffleExchange")) {
      return execution.metricValue(node, DATA_SIZE);
    }
    for (PlanNode child : node.children()) {
      Long size = exchangeSize(execution, child);
      if (size != null) {
        return size;
      }
    }
    return null;
  }
}
