package dev.ember.examples;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * Runs a SQL script, such as examples/sql/sales-report.sql, in one Spark session and prints the answer of each
 * named statement like {@link SalesReport} does. The spark-sql shell needs Spark's Hive modules; this runner
 * needs only spark-sql.
 *
 * <p>Script format: statements end with {@code ;} at the end of a line; lines starting with {@code --} are
 * comments; a {@code -- query: <name>} comment names the next statement. Unnamed statements (views, settings)
 * run for their effect; named ones are collected and printed.
 *
 * <pre>
 * spark-submit --class dev.ember.examples.SqlScript ember-examples.jar examples/sql/sales-report.sql
 * </pre>
 */
public final class SqlScript {
    private static final String NAME_COMMENT = "-- query:";

    /**
     * One statement of a script.
     *
     * @param name the query name from its {@code -- query:} comment, or null
     * @param sql the statement without its final {@code ;}
     */
    public record Statement(String name, String sql) {
        public Statement {
            requireNonNull(sql, "sql is null");
        }
    }

    private SqlScript() {}

    public static void main(String[] args) throws IOException, InterruptedException {
        if (args.length != 1) {
            throw new IllegalArgumentException("usage: SqlScript <script.sql> (one argument, the script's path)");
        }
        Path script = Path.of(args[0]);
        if (!Files.isRegularFile(script)) {
            throw new IllegalArgumentException("SQL script " + script.toAbsolutePath() + " does not exist; pass the"
                    + " path of a file such as examples/sql/sales-report.sql");
        }
        List<Statement> statements = parse(Files.readString(script));
        SparkSession spark = SparkSession.builder().appName("Ember example: " + script.getFileName()).getOrCreate();
        try {
            Map<String, Supplier<Dataset<Row>>> queries = new LinkedHashMap<>();
            for (Statement statement : statements) {
                if (statement.name() == null) {
                    spark.sql(statement.sql()).collectAsList();
                } else {
                    queries.put(statement.name(), () -> spark.sql(statement.sql()));
                }
            }
            SalesReport.run(spark, queries);
        } finally {
            spark.stop();
        }
    }

    /**
     * The statements of a script, in order.
     *
     * @throws IllegalArgumentException if the script ends inside a statement or names a statement twice
     */
    public static List<Statement> parse(String script) {
        requireNonNull(script, "script is null");
        List<Statement> statements = new ArrayList<>();
        List<String> names = new ArrayList<>();
        String name = null;
        StringBuilder sql = new StringBuilder();
        int lineNumber = 0;
        for (String line : script.split("\n", -1)) {
            lineNumber++;
            String trimmed = line.strip();
            if (trimmed.startsWith(NAME_COMMENT)) {
                name = trimmed.substring(NAME_COMMENT.length()).strip();
                if (name.isEmpty() || name.contains(" ") || names.contains(name)) {
                    throw new IllegalArgumentException("line " + lineNumber + ": a query name is one word used once,"
                            + " got '" + name + "'");
                }
                names.add(name);
                continue;
            }
            if (trimmed.startsWith("--") || (trimmed.isEmpty() && sql.length() == 0)) {
                continue;
            }
            sql.append(line).append('\n');
            if (trimmed.endsWith(";")) {
                String text = sql.toString().strip();
                statements.add(new Statement(name, text.substring(0, text.length() - 1).strip()));
                name = null;
                sql.setLength(0);
            }
        }
        if (!sql.toString().isBlank()) {
            throw new IllegalArgumentException("the script ends inside a statement; end every statement with ';' at"
                    + " the end of a line: " + sql.toString().strip());
        }
        if (name != null) {
            throw new IllegalArgumentException("the script ends after '-- query: " + name + "' without a statement");
        }
        return statements;
    }
}
