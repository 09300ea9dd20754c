package dev.ember.examples;

import static java.util.Objects.requireNonNull;

import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Row;

/**
 * Formats a query's answer as text lines, {@code result <query> <row>}, sorted, so that two runs of the same
 * query compare line by line whatever order their rows arrived in.
 */
public final class ResultLines {
    /** The first word of every result line. */
    public static final String PREFIX = "result";

    private ResultLines() {}

    /** The sorted result lines of {@code rows}; a query without rows gets one line saying so. */
    public static List<String> of(String query, List<Row> rows) {
        requireNonNull(query, "query is null");
        requireNonNull(rows, "rows is null");
        if (query.isBlank() || query.contains(" ")) {
            throw new IllegalArgumentException("a query name is one word, got '" + query + "'");
        }
        List<String> lines = new ArrayList<>(rows.size());
        for (Row row : rows) {
            lines.add(PREFIX + " " + query + " " + row.mkString("[", ",", "]"));
        }
        lines.sort(null);
        if (lines.isEmpty()) {
            lines.add(PREFIX + " " + query + " (no rows)");
        }
        return lines;
    }
}
