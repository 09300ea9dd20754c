package dev.ember.aggregate;

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
 * data with nulls, NaN, -0.0 and extreme values. Ember's aggregation does not evaluate FILTER clauses yet:
 * the partial aggregation that holds them stays in Spark with that reason, the final one runs on Ember,
 * and the answer must be Spark's.
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
                .assertEmberRan("EmberHashAggregateExec")
                .assertFallback("HashAggregateExec", "FILTER clause");
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
