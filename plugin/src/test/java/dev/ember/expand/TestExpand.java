package dev.ember.expand;

import dev.ember.testkit.EmberQueryCheck;
import dev.ember.testkit.RandomData;
import dev.ember.testkit.SharedSpark;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code ROLLUP}, {@code CUBE}, {@code GROUPING SETS} and several distinct aggregates (the plans with
 * Spark's {@code ExpandExec}), with Ember off and on, over seeded random data with nulls, NaN, -0.0,
 * empty strings and extreme values, in several partitions; also over an empty and a one-row table.
 */
class TestExpand {
    private static final StructType SCHEMA = new StructType()
            .add("a", DataTypes.IntegerType)
            .add("b", DataTypes.StringType)
            .add("c", DataTypes.LongType)
            .add("d", DataTypes.DoubleType)
            .add("v", DataTypes.createDecimalType(12, 2));

    @BeforeAll
    static void createTables() {
        SparkSession session = SharedSpark.session();
        RandomData random = RandomData.create("TestExpand");
        List<Row> rows = new ArrayList<>();
        for (Row row : random.rows(SCHEMA, 900, 7)) {
            // few distinct grouping values, so groups hold many rows; null stays null
            Object a = row.isNullAt(0) ? null : Math.floorMod(row.getInt(0), 5);
            Object b = row.isNullAt(1) ? null : row.getString(1).isEmpty() ? "" : row.getString(1).substring(0, 1);
            Object c = row.isNullAt(2) ? null : Math.floorMod(row.getLong(2), 4L);
            rows.add(RowFactory.create(a, b, c, row.get(3), row.get(4)));
        }
        session.createDataFrame(rows, SCHEMA).repartition(3).createOrReplaceTempView("expand_facts");
        session.createDataFrame(List.of(), SCHEMA).createOrReplaceTempView("expand_empty");
        session.createDataFrame(rows.subList(0, 1), SCHEMA).createOrReplaceTempView("expand_one");
    }

    @Test
    void rollup() {
        EmberQueryCheck.sql("SELECT a, b, count(*), sum(v), max(d), min(c) FROM expand_facts GROUP BY ROLLUP (a, b)")
                .assertSameAnswer()
                .assertEmberRan("EmberExpandExec", "EmberHashAggregateExec");
    }

    @Test
    void cubeOverThreeColumns() {
        EmberQueryCheck.sql("SELECT a, b, c, count(v), avg(v) FROM expand_facts GROUP BY CUBE (a, b, c)")
                .assertSameAnswer()
                .assertEmberRan("EmberExpandExec");
    }

    @Test
    void groupingSetsWithAnEmptySet() {
        EmberQueryCheck.sql("SELECT a, c, sum(d), count(*) FROM expand_facts GROUP BY GROUPING SETS ((a), (a, c), ())")
                .assertSameAnswer()
                .assertEmberRan("EmberExpandExec");
    }

    @Test
    void severalDistinctAggregates() {
        EmberQueryCheck.sql("SELECT a, count(DISTINCT b), count(DISTINCT c), sum(v) FROM expand_facts GROUP BY a")
                .assertSameAnswer()
                .assertEmberRan("EmberExpandExec");
    }

    @Test
    void rollupWithoutAdaptiveExecution() {
        SharedSpark.withConf(Map.of("spark.sql.adaptive.enabled", "false"), () -> EmberQueryCheck
                .sql("SELECT b, c, sum(v), count(d) FROM expand_facts GROUP BY ROLLUP (b, c)")
                .assertSameAnswer()
                .assertEmberRan("EmberExpandExec"));
    }

    @Test
    void emptyAndOneRowInputs() {
        EmberQueryCheck.sql("SELECT a, b, count(*), sum(v) FROM expand_empty GROUP BY ROLLUP (a, b)")
                .assertSameAnswer();
        EmberQueryCheck.sql("SELECT a, b, count(*), sum(v) FROM expand_one GROUP BY CUBE (a, b)")
                .assertSameAnswer()
                .assertEmberRan("EmberExpandExec");
    }

    @Test
    void disabledExpandStaysInSparkWithItsReason() {
        SharedSpark.withConf(Map.of("spark.ember.exec.ExpandExec.enabled", "false"), () -> EmberQueryCheck
                .sql("SELECT a, b, count(*) FROM expand_facts GROUP BY ROLLUP (a, b)")
                .assertSameAnswer()
                .assertFallback("ExpandExec", "spark.ember.exec.ExpandExec.enabled=false"));
    }
}
