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
