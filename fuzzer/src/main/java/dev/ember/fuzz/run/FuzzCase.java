package dev.ember.fuzz.run;

import static java.util.Objects.requireNonNull;

import dev.ember.fuzz.data.Table;
import dev.ember.fuzz.data.TableParameters;
import dev.ember.fuzz.data.TableSet;
import dev.ember.fuzz.generate.Shape;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One query over one set of generated tables: everything needed to run it again. Its
 * {@link #reproducer(String)} text is also the form of a regression entry ({@link Regressions}).
 *
 * @param tables the parameters the tables are generated from
 * @param origin where the query came from, such as {@code fuzz seed 42, query 17 (query seed 123)}
 * @param sql the query
 * @param ordered whether the answer's order is compared
 * @param shapes the shapes the query holds
 */
public record FuzzCase(TableParameters tables, String origin, String sql, boolean ordered, Set<Shape> shapes) {
    private static final Pattern TABLE_NAME = Pattern.compile("\\bt(\\d+)\\b");

    public FuzzCase {
        requireNonNull(tables, "tables is null");
        requireNonNull(origin, "origin is null");
        requireNonNull(sql, "sql is null");
        shapes = Set.copyOf(shapes);
    }

    /** The same case with other SQL or tables, as a shrinker finds them. */
    public FuzzCase with(TableParameters otherTables, String otherSql, boolean otherOrdered) {
        return new FuzzCase(otherTables, origin, otherSql, otherOrdered, shapes);
    }

    /** The names of the generated tables the SQL reads, in order of their number. */
    public List<String> tablesRead() {
        Set<Integer> numbers = new TreeSet<>();
        Matcher matcher = TABLE_NAME.matcher(sql);
        while (matcher.find()) {
            int number = Integer.parseInt(matcher.group(1));
            if (number < tables.count()) {
                numbers.add(number);
            }
        }
        return numbers.stream().map(n -> "t" + n).toList();
    }

    /**
     * The reproducer: a comment header (what differs, the table parameters, where the query came from, its
     * shapes, whether it is ordered, and the schema and size of each table it reads) and the SQL, ending
     * with a semicolon.
     */
    public String reproducer(String difference) {
        List<String> lines = new ArrayList<>();
        lines.add("-- difference: " + difference.replace('\n', ' '));
        lines.add("-- tables: " + tables);
        lines.add("-- origin: " + origin);
        lines.add("-- shapes: " + String.join(",", new TreeSet<>(shapes.stream().map(Shape::name).toList())));
        lines.add("-- ordered: " + ordered);
        TableSet generated = TableSet.generate(tables);
        for (String name : tablesRead()) {
            Table table = generated.table(name);
            lines.add("--   " + table.describe());
        }
        lines.add(sql + ";");
        return String.join("\n", lines);
    }
}
