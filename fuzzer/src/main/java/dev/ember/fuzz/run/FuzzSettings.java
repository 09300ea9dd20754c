package dev.ember.fuzz.run;

import dev.ember.fuzz.generate.Shape;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.stream.IntStream;

/**
 * What one fuzzing run does.
 *
 * @param seed the run's seed: every table set and query derives from it
 * @param first the index of the first query to run (a run of one query from {@code first} replays it)
 * @param queries how many random queries to run
 * @param only the query indices to run instead of {@code first} and {@code queries}' range (empty: the range),
 *     e.g. the queries a generator change altered in a range already run
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
public record FuzzSettings(long seed, int first, int queries, SortedSet<Integer> only, int tableCount, int maxRows,
        int tablesEvery, Set<Shape> excluded, int shrinkLimit, int shrinkBudget, List<Regressions.Entry> regressions,
        boolean verbose, boolean explain) {
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
        if (!only.isEmpty() && only.first() < 0) {
            throw new IllegalArgumentException("query indices must not be negative, got " + only.first());
        }
        only = Collections.unmodifiableSortedSet(new TreeSet<>(only));
        regressions = List.copyOf(regressions);
        excluded = excluded.isEmpty() ? Set.of() : Set.copyOf(EnumSet.copyOf(excluded));
    }

    /** The query indices the run goes through, in order. */
    public List<Integer> indices() {
        if (!only.isEmpty()) {
            return List.copyOf(only);
        }
        return IntStream.range(first, first + queries).boxed().toList();
    }

    /** Parses query indices, a comma-separated list (blank: none). */
    public static SortedSet<Integer> indices(String list) {
        SortedSet<Integer> indices = new TreeSet<>();
        if (list != null && !list.isBlank()) {
            addIndices(List.of(list.split(",")), indices);
        }
        return indices;
    }

    /**
     * Reads query indices from {@code file}, one per line (its first word; blank lines and lines starting
     * with {@code #} skipped).
     */
    public static SortedSet<Integer> indicesIn(Path file) {
        List<String> words = new ArrayList<>();
        try {
            for (String line : Files.readAllLines(file)) {
                String stripped = line.strip();
                if (!stripped.isEmpty() && !stripped.startsWith("#")) {
                    words.add(stripped.split("\\s+")[0]);
                }
            }
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read the query indices in " + file + ": " + e.getMessage(), e);
        }
        SortedSet<Integer> indices = new TreeSet<>();
        addIndices(words, indices);
        return indices;
    }

    private static void addIndices(List<String> words, SortedSet<Integer> indices) {
        for (String word : words) {
            try {
                indices.add(Integer.parseInt(word.strip()));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("not a query index: '" + word.strip() + "'", e);
            }
        }
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
