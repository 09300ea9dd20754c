package dev.ember.subquery;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ember.testkit.EmberQueryCheck;
import dev.ember.testkit.RandomData;
import dev.ember.testkit.SharedSpark;
import java.util.List;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Uncorrelated scalar subqueries in Ember's filters and projections (TPC-H q22's shape): Spark runs the
 * subquery, its value becomes a constant of Ember's program. Every carried type as the subquery's value,
 * a subquery over an empty table (null), one returning two rows (Spark's error), with and without adaptive
 * execution.
 */
class TestScalarSubqueries {
    @BeforeAll
    static void createTables() {
        SparkSession session = SharedSpark.session();
        StructType schema = new StructType()
                .add("k", DataTypes.IntegerType)
                .add("b", DataTypes.BooleanType)
                .add("i64", DataTypes.LongType)
                .add("f64", DataTypes.DoubleType)
                .add("dec", DataTypes.createDecimalType(12, 2))
                .add("wide", DataTypes.createDecimalType(30, 4))
                .add("day", DataTypes.DateType)
                .add("ts", DataTypes.TimestampType)
                .add("s", DataTypes.StringType);
        RandomData random = RandomData.create("TestScalarSubqueries");
        List<Row> rows = random.rows(schema, 400, 7);
        session.createDataFrame(rows, schema).repartition(3).createOrReplaceTempView("sq_data");
        session.createDataFrame(List.of(), schema).createOrReplaceTempView("sq_empty");
    }

    @Test
    void filtersCompareWithTheSubquerysValueOfEveryType() {
        for (String column : List.of("i64", "f64", "dec", "wide", "day", "ts", "s")) {
            check("SELECT k, " + column + " FROM sq_data WHERE " + column + " > (SELECT avg(k) FROM sq_data WHERE k > 0)"
                    .replace("avg(k)", aggregateOf(column)), "EmberFilterExec");
        }
        check("SELECT k FROM sq_data WHERE b = (SELECT max(b) FROM sq_data)", "EmberFilterExec");
    }

    @Test
    void projectionsComputeWithTheSubquerysValue() {
        check("SELECT k, i64 - (SELECT min(i64) FROM sq_data) AS d, dec * (SELECT max(dec) FROM sq_data) AS m,"
                + " (SELECT count(*) FROM sq_data) AS n FROM sq_data", "EmberProjectExec");
    }

    @Test
    void anEmptySubqueryIsNull() {
        check("SELECT k FROM sq_data WHERE i64 > (SELECT max(i64) FROM sq_empty) OR k IS NULL", "EmberFilterExec");
        check("SELECT k, coalesce((SELECT max(s) FROM sq_empty), 'none') AS s FROM sq_data", "EmberProjectExec");
    }

    @Test
    void aSubqueryOfTwoRowsFailsAsInSpark() {
        EmberQueryCheck check = EmberQueryCheck.sql("SELECT k FROM sq_data WHERE k > (SELECT k FROM sq_data LIMIT 2)");
        if (!check.acceptedMemoryError()) {
            check.assertSameError();
        }
    }

    @Test
    void tpchQ22Shape() {
        // customers with a balance above the average positive balance, by a prefix of their phone
        check("SELECT substring(s, 1, 2) AS code, count(*), sum(dec) FROM sq_data"
                + " WHERE dec > (SELECT avg(dec) FROM sq_data WHERE dec > 0.00 AND substring(s, 1, 2) IN ('a', 'b', ''))"
                + " GROUP BY substring(s, 1, 2)", "EmberFilterExec");
    }

    @Test
    void mergedSubqueriesAreReadFieldByField() {
        // TPC-DS q9's shape: Spark merges the subqueries over one relation into one returning a struct of
        // their values, and each use reads a field of it (GetStructField over a struct-valued subquery). Over
        // a range, not the local tables above: column pruning folds into a local relation, and relations of
        // different columns cannot be merged. Nulls and NaN in the values; over an empty range every field is null.
        String view = "(SELECT CAST(id AS INT) AS k, IF(id % 7 = 0, NULL, id * 3 - 250) AS i64,"
                + " IF(id % 11 = 0, CAST('NaN' AS DOUBLE), id / 3.0D) AS f64, CAST(id AS DECIMAL(12,2)) / 7 AS dec,"
                + " IF(id % 5 = 0, '', CAST(id AS STRING)) AS s, DATE'2020-02-29' + CAST(id AS INT) AS day"
                + " FROM range(0, ROWS, 1, 3))";
        for (int rows : new int[] {300, 0}) {
            String from = view.replace("ROWS", Integer.toString(rows));
            String sql = "SELECT k, CASE WHEN (SELECT count(*) FROM " + from + " WHERE k BETWEEN 1 AND 20) > 3"
                    + " THEN (SELECT avg(dec) FROM " + from + " WHERE k BETWEEN 1 AND 20)"
                    + " ELSE (SELECT avg(i64) FROM " + from + " WHERE k BETWEEN 1 AND 20) END AS bucket,"
                    + " i64 + (SELECT max(i64) FROM " + from + " WHERE k BETWEEN 1 AND 20) AS shifted,"
                    + " (SELECT avg(f64) FROM " + from + " WHERE k BETWEEN 1 AND 20) AS nan,"
                    + " concat(s, (SELECT min(s) FROM " + from + " WHERE k BETWEEN 1 AND 20)) AS text,"
                    + " (SELECT max(day) FROM " + from + " WHERE k BETWEEN 1 AND 20) AS last_day"
                    + " FROM sq_data WHERE k < 5";
            String plan = SharedSpark.session().sql(sql).queryExecution().executedPlan().toString();
            assertTrue(plan.contains("mergedValue"), "Spark did not merge the subqueries, so this tests nothing: "
                    + plan);
            EmberQueryCheck check = EmberQueryCheck.sql(sql).assertEmberRan("EmberProjectExec");
            // every projection ran on Ember: the outer one reading the fields, and the subquery's own, which
            // builds the struct (mergedValue) for Spark to collect
            assertTrue(check.report().fallbacks().stream().noneMatch(fallback -> fallback.reason().contains(
                    "GetStructField") || fallback.reason().contains("ScalarSubquery")
                    || fallback.node().equals("ProjectExec")),
                    () -> sql + ": " + check.report().fallbacks());
            if (!check.acceptedMemoryError()) {
                check.assertSameAnswer();
            }
        }
    }

    @Test
    void aFieldOfAStructColumnStaysInSpark() {
        EmberQueryCheck.sql("SELECT k, named_struct('a', i64, 'b', s).a + 1 AS a FROM sq_data")
                .assertSameAnswer();
    }

    @Test
    void aStructColumnIsBuiltForSparkToRead() {
        // fields of every carried type, computed and plain, nulls in them, a repeated field name
        String struct = "named_struct('a', i64, 'b', s, 'c', dec * 2, 'a', f64, 'd', day, 'e', ts, 'f', b,"
                + " 'g', wide) AS st";
        EmberQueryCheck.sql("SELECT k, " + struct + " FROM sq_data")
                .assertSameAnswer()
                .assertEmberRan("EmberProjectExec");
        EmberQueryCheck.sql("SELECT k, " + struct + " FROM sq_empty")
                .assertSameAnswer();
        // an Ember operator does not read a struct: the sort above stays in Spark and says why
        EmberQueryCheck.orderedSql("SELECT k, st FROM (SELECT k, " + struct + " FROM sq_data) ORDER BY k, st.b")
                .assertSameAnswer()
                .assertEmberRan("EmberProjectExec")
                .assertFallback("SortExec", "type struct");
    }

    @Test
    void withoutAdaptiveExecution() {
        SparkSession session = SharedSpark.session();
        session.conf().set("spark.sql.adaptive.enabled", "false");
        try {
            check("SELECT k, dec FROM sq_data WHERE dec < (SELECT avg(dec) FROM sq_data)", "EmberFilterExec");
        } finally {
            session.conf().unset("spark.sql.adaptive.enabled");
        }
    }

    private static String aggregateOf(String column) {
        return switch (column) {
            case "day", "ts", "s" -> "min(" + column + ")";
            default -> "avg(" + column + ")";
        };
    }

    private static void check(String sql, String node) {
        EmberQueryCheck check = EmberQueryCheck.sql(sql).assertEmberRan(node);
        // the node holding the subquery ran on Ember, not only a filter inside the subquery
        String replaced = node.replace("Ember", "");
        assertTrue(check.report().fallbacks().stream().noneMatch(fallback -> fallback.node().equals(replaced)
                || fallback.reason().contains("ScalarSubquery")), () -> sql + ": " + check.report().fallbacks());
        if (!check.acceptedMemoryError()) {
            check.assertSameAnswer();
        }
    }
}
