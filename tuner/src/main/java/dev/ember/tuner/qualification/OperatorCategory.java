package dev.ember.tuner.qualification;

import static java.util.Objects.requireNonNull;

import java.util.Locale;

/**
 * What kind of work a plan node does, which selects its factor in the hardware model. Wrapper nodes
 * ({@code WholeStageCodegen}, {@code InputAdapter}, AQE query stages...) do no work of their own
 * and get no time.
 */
public enum OperatorCategory {
  WRAPPER,
  SCAN,
  FILTER,
  PROJECT,
  AGGREGATE,
  JOIN,
  SORT,
  EXCHANGE,
  WINDOW,
  LIMIT,
  TRANSITION,
  WRITE,
  PYTHON,
  OTHER;

  /** The category of a plan node name as event logs show it (Spark's or Ember's). */
  public static OperatorCategory of(String nodeName) {
    requireNonNull(nodeName, "nodeName is null");
    String name = baseName(nodeName);
    if (name.startsWith("WholeStageCodegen") || name.equals("InputAdapter") || name.equals("AdaptiveSparkPlan")
        || name.endsWith("QueryStage") || name.startsWith("Reused") || name.equals("Subquery")
        || name.equals("SubqueryBroadcast")) {
      return WRAPPER;
    }
    String lower = name.toLowerCase(Locale.ROOT);
    if (lower.startsWith("scan") || lower.contains("filescan") || lower.startsWith("batchscan")
        || lower.equals("range") || lower.equals("localtablescan") || lower.equals("inmemorytablescan")) {
      return SCAN;
    }
    if (lower.equals("filter")) {
      return FILTER;
    }
    if (lower.equals("project")) {
      return PROJECT;
    }
    if (lower.contains("aggregate") || lower.equals("expand")) {
      return lower.equals("expand") ? PROJECT : AGGREGATE;
    }
    if (lower.contains("join") || lower.equals("cartesianproduct")) {
      return JOIN;
    }
    if (lower.equals("sort") || lower.contains("takeordered") || lower.equals("topn")) {
      return SORT;
    }
    if (lower.contains("exchange") || lower.equals("aqeshuffleread") || lower.equals("customshufflereader")) {
      return EXCHANGE;
    }
    if (lower.startsWith("window")) {
      return WINDOW;
    }
    if (lower.contains("limit")) {
      return LIMIT;
    }
    if (lower.equals("columnartorow") || lower.equals("rowtocolumnar") || lower.contains("transition")) {
      return TRANSITION;
    }
    if (lower.startsWith("execute ") || lower.contains("write") || lower.contains("insertinto")) {
      return WRITE;
    }
    if (lower.contains("python") || lower.contains("arrowevalpython") || lower.contains("pandas")) {
      return PYTHON;
    }
    return OTHER;
  }

  /** The node name without an Ember prefix/Exec suffix, a codegen id, or trailing spaces. */
  static String baseName(String nodeName) {
    String name = nodeName.trim();
    if (name.startsWith("Ember")) {
      name = name.substring("Ember".length());
      if (name.endsWith("Exec")) {
        name = name.substring(0, name.length() - "Exec".length());
      }
    }
    return name;
  }

  /** The key used for this category in the hardware model file. */
  public String key() {
    return name().toLowerCase(Locale.ROOT);
  }
}
