package dev.ember.tuner.qualification;

import static java.util.Objects.requireNonNull;

import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Finds the expressions a plan node evaluates from its one-line description, best effort: event logs
 * carry expressions only as text. Function calls ({@code isnotnull(...)}, {@code partial_sum(...)})
 * and the infix operators Spark prints ({@code +}, {@code >}, {@code AND}, ...) are mapped to
 * Catalyst class names. Literal text inside quotes is ignored; names that are not expressions
 * (partitionings, file index names) are skipped.
 */
public final class ExpressionMatcher {
  private static final Pattern FUNCTION = Pattern.compile("(?<![\\w#.])([A-Za-z_][A-Za-z0-9_]*)\\(");
  private static final Pattern INFIX = Pattern.compile(
      "\\s(<=>|>=|<=|=|<>|!=|>|<|\\+|-|\\*|/|%|AND|OR)\\s|\\(NOT\\s");
  private static final Map<String, String> OPERATORS = Map.ofEntries(
      Map.entry("+", "Add"), Map.entry("-", "Subtract"), Map.entry("*", "Multiply"), Map.entry("/", "Divide"),
      Map.entry("%", "Remainder"), Map.entry(">", "GreaterThan"), Map.entry(">=", "GreaterThanOrEqual"),
      Map.entry("<", "LessThan"), Map.entry("<=", "LessThanOrEqual"), Map.entry("=", "EqualTo"),
      Map.entry("<=>", "EqualNullSafe"), Map.entry("AND", "And"), Map.entry("OR", "Or"),
      Map.entry("NOT", "Not"), Map.entry("<>", "Not"), Map.entry("!=", "Not"));
  /** Names followed by "(" in plan text that are not expressions an operator evaluates. */
  private static final Set<String> NOT_EXPRESSIONS = Set.of(
      "hashpartitioning", "rangepartitioning", "roundrobinpartitioning", "singlepartition",
      "singlepartitioning", "inmemoryfileindex", "hashedrelationbroadcastmode", "identitybroadcastmode",
      "list", "input", "struct", "array", "map", "decimal", "keys", "functions", "output", "range",
      "hashaggregate", "sortaggregate", "objecthashaggregate", "plan_id", "isfinalplan", "writefiles",
      "partitionfilters", "pushedfilters", "datafilters", "readschema", "location", "format", "batched",
      "varchar", "char", "interval", "catalogfileindex", "prunedinmemoryfileindex", "hivetablerelation",
      "arraytype", "maptype", "structtype", "filescan", "relation", "localrelation");
  private static final Set<String> PREFIXES = Set.of("partial_", "merge_", "finalmerge_");

  private ExpressionMatcher() {}

  /**
   * The Catalyst class names (or lower-case function names where no class name is known) of the
   * expressions the description mentions, in order of first appearance.
   */
  public static Set<String> expressionsOf(String simpleString) {
    requireNonNull(simpleString, "simpleString is null");
    String text = withoutQuotedLiterals(simpleString);
    Set<String> found = new LinkedHashSet<>();
    Matcher function = FUNCTION.matcher(text);
    while (function.find()) {
      String name = function.group(1);
      for (String prefix : PREFIXES) {
        if (name.startsWith(prefix)) {
          name = name.substring(prefix.length());
        }
      }
      if (!NOT_EXPRESSIONS.contains(name.toLowerCase()) && !name.isEmpty() && function.start() > 0) {
        found.add(name);
      }
    }
    Matcher infix = INFIX.matcher(text);
    while (infix.find()) {
      String operator = infix.group(1) != null ? infix.group(1) : "NOT";
      found.add(OPERATORS.get(operator));
    }
    return found;
  }

  private static String withoutQuotedLiterals(String text) {
    StringBuilder result = new StringBuilder(text.length());
    boolean quoted = false;
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c == '\'') {
        quoted = !quoted;
        continue;
      }
      if (!quoted) {
        result.append(c);
      }
    }
    return result.toString();
  }
}
