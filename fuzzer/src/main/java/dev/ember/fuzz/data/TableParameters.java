package dev.ember.fuzz.data;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What a {@link TableSet} is generated from: a seed, how many tables, the most rows a table gets,
 * and, after shrinking, the row ranges a reproducer keeps of some tables.
 *
 * <p>{@link #toString()} writes {@code seed=S tables=N maxRows=R [t1=from..to ...]}, which
 * {@link #parse} reads back; regression entries and reproducers use that form.
 *
 * @param seed the generator's seed
 * @param count how many tables, at least 1
 * @param maxRows the most rows of a table, at least 0
 * @param slices table name to the rows {@code [from, to)} kept of it
 */
public record TableParameters(long seed, int count, int maxRows, Map<String, Slice> slices) {
    private static final Pattern FORM = Pattern.compile(
            "seed=(-?\\d+) tables=(\\d+) maxRows=(\\d+)((?: t\\d+=\\d+\\.\\.\\d+)*)");
    private static final Pattern SLICE = Pattern.compile("(t\\d+)=(\\d+)\\.\\.(\\d+)");

    /** Rows {@code [from, to)} of a table. */
    public record Slice(int from, int to) {
        public Slice {
            if (from < 0 || to < from) {
                throw new IllegalArgumentException("bad slice " + from + ".." + to);
            }
        }
    }

    public TableParameters {
        if (count < 1) {
            throw new IllegalArgumentException("count must be at least 1, got " + count);
        }
        if (maxRows < 0) {
            throw new IllegalArgumentException("maxRows must not be negative, got " + maxRows);
        }
        slices = Map.copyOf(slices);
    }

    public TableParameters(long seed, int count, int maxRows) {
        this(seed, count, maxRows, Map.of());
    }

    /** The slice of table {@code name}, or null for all its rows. */
    public Slice slice(String name) {
        return slices.get(name);
    }

    /** The same parameters keeping only rows {@code [from, to)} of table {@code name}. */
    public TableParameters withSlice(String name, int from, int to) {
        Map<String, Slice> next = new TreeMap<>(slices);
        next.put(name, new Slice(from, to));
        return new TableParameters(seed, count, maxRows, next);
    }

    /** Reads the form {@link #toString()} writes. */
    public static TableParameters parse(String text) {
        Matcher matcher = FORM.matcher(text.strip());
        if (!matcher.matches()) {
            throw new IllegalArgumentException("table parameters need 'seed=S tables=N maxRows=R [tN=from..to ...]', got '"
                    + text + "'");
        }
        Map<String, Slice> slices = new TreeMap<>();
        Matcher slice = SLICE.matcher(matcher.group(4));
        while (slice.find()) {
            slices.put(slice.group(1), new Slice(Integer.parseInt(slice.group(2)), Integer.parseInt(slice.group(3))));
        }
        return new TableParameters(Long.parseLong(matcher.group(1)), Integer.parseInt(matcher.group(2)),
                Integer.parseInt(matcher.group(3)), slices);
    }

    @Override
    public String toString() {
        List<String> parts = new ArrayList<>(List.of("seed=" + seed, "tables=" + count, "maxRows=" + maxRows));
        new TreeMap<>(slices).forEach((name, slice) -> parts.add(name + "=" + slice.from() + ".." + slice.to()));
        return String.join(" ", parts);
    }
}
