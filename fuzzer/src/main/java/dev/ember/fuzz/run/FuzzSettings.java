package dev.ember.fuzz.run;

import dev.ember.fuzz.generate.Shape;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * What one fuzzing run does.
 *
 * @param seed the run's seed: every table set and query derives from it
 * @param first the index of the first query to run (a run of one query from {@code first} replays it)
 * @param queries how many random queries to run
 * @param tableCount tables per table set
 * @param maxRows the most rows of a table
 * @param tablesEvery how many queries run over one table set before the next is generated
 * @param excluded shapes the queries never hold
 * @param shrinkLimit how many differences to shrink (the others are reported as found)
 * @param shrinkBudget the most differential runs one shrink makes
 * @param regressions the regression entries to replay first
 * @param verbose whether to print every query with its outcome and time
 * @param explain whether to print, after each difference's reproducer, the plans Spark ran with Ember off and on
 */
public record FuzzSettings(long seed, int first, int queries, int tableCount, int maxRows, int tablesEvery, Set<Shape> excluded,
        int shrinkLimit, int shrinkBudget, List<Regressions.Entry> regressions, boolean verbose, boolean explain) {
    public FuzzSettings {
        if (first < 0) {
            throw new IllegalArgumentException("first must not be negative, got " + first);
        }
        if (queries < 0) {
            throw new IllegalArgumentException("queries must not be negative, got " + queries);
        }
        if (tableCount < 1) {
            throw new IllegalArgumentException("tableCount must be at least 1, got " + tableCount);
        }
        if (maxRows < 0) {
            throw new IllegalArgumentException("maxRows must not be negative, got " + maxRows);
        }
        if (tablesEvery < 1) {
            throw new IllegalArgumentException("tablesEvery must be at least 1, got " + tablesEvery);
        }
        regressions = List.copyOf(regressions);
        excluded = excluded.isEmpty() ? Set.of() : Set.copyOf(EnumSet.copyOf(excluded));
    }

    /** Parses a comma-separated list of shape names (blank: none). */
    public static Set<Shape> shapes(String list) {
        Set<Shape> shapes = EnumSet.noneOf(Shape.class);
        if (list == null || list.isBlank()) {
            return shapes;
        }
        for (String name : list.split(",")) {
            try {
                shapes.add(Shape.valueOf(name.strip()));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("unknown shape '" + name.strip() + "'; shapes: "
                        + java.util.Arrays.toString(Shape.values()), e);
            }
        }
        return shapes;
    }
}
