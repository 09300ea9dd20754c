package dev.ember.aggregate;

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
 * {@code GROUP BY} with aggregate {@code FILTER (WHERE ...)} clauses, Ember off and on, over seeded random
 * data with nulls, NaN, -0.0 and extreme values. Ember computes {@code f(x) FILTER (WHERE p)} as
 * {@code f(IF(p, x, NULL))} for the functions that skip nulls; first and last with a FILTER stay in Spark.
 */
class TestAggregateFilterClause {

    @BeforeAll
    static void createTables() {
        SparkSession session = SharedSpark.session();
        StructType schema = new StructType()
                .add("k", DataTypes.IntegerType)
                .add("s", DataTypes.StringType)
                .add("d", DataTypes.DoubleType)
                .add("v", DataTypes.createDecimalType(12, 2))
                .add("n", DataTypes.LongType);
        RandomData random = RandomData.create("TestAggregateFilterClause").extremes(false);
        List<Row> rows = random.rows(schema, 400, 8);
        session.createDataFrame(rows, schema).repartition(3).createOrReplaceTempView("filter_data");
        session.createDataFrame(rows.subList(0, 1), schema).createOrReplaceTempView("filter_one");
    }

    @Test
    void filterClausesGiveSparksAnswer() {
        EmberQueryCheck.sql("""
                SELECT k % 5 AS g, count(*) FILTER (WHERE d > 0) AS positive,
                       sum(v) FILTER (WHERE s <> '') AS named, max(n) FILTER (WHERE k IS NULL) AS unkeyed,
                       avg(d) FILTER (WHERE NOT isnan(d)) AS mean, count(DISTINCT s) AS kinds
                FROM filter_data GROUP BY k % 5""")
                .assertSameAnswer()
                .assertEmberRan("EmberHashAggregateExec");
        EmberQueryCheck check = EmberQueryCheck.sql("SELECT k, count(*) FILTER (WHERE s IS NULL) AS c,"
                + " min(d) FILTER (WHERE d <> d) AS nan, max(v) FILTER (WHERE n IS NOT NULL) AS top FROM filter_data"
                + " GROUP BY k")
                .assertSameAnswer()
                .assertEmberRan("EmberHashAggregateExec");
        assertTrue(check.report().fallbacks().stream().noneMatch(f -> f.node().equals("HashAggregateExec")),
                () -> "an aggregation with FILTER clauses stayed in Spark: " + check.report().fallbacks());
    }

    @Test
    void firstWithFilterStaysInSpark() {
        EmberQueryCheck.sql("SELECT k, first(n) FILTER (WHERE d > 0) AS f, count(*) AS c FROM filter_data GROUP BY k")
                .assertSameAnswer()
                .assertFallback("HashAggregateExec", "with a FILTER clause is not supported yet");
    }

    @Test
    void filterClausesOverOneRowAndNoGroups() {
        EmberQueryCheck.sql("SELECT count(*) FILTER (WHERE d = -0.0) AS zeros, min(s) FILTER (WHERE v < 0) AS low"
                + " FROM filter_one")
                .assertSameAnswer();
        EmberQueryCheck.sql("SELECT count(*) FILTER (WHERE n > 0) AS up, sum(n) FILTER (WHERE n < 0) AS down"
                + " FROM filter_data WHERE k > 1000000")
                .assertSameAnswer();
    }
}
