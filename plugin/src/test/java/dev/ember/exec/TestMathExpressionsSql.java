package dev.ember.exec;

import dev.ember.testkit.EmberQueryCheck;
import dev.ember.testkit.RandomData;
import dev.ember.testkit.SharedSpark;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The expressions of issue 17 in SQL, Ember off and on in one session: abs (q53/q63/q89's filter),
 * the bitwise operators and shifts behind grouping()/grouping_id() (q27/q36/q70/q86's aggregate),
 * date_add/date_sub/datediff, round/bround, upper/lower/concat; ANSI errors and LEGACY wrapping over extreme
 * values.
 */
class TestMathExpressionsSql {
    private static final StructType SCHEMA = new StructType(new StructField[] {
        DataTypes.createStructField("i", DataTypes.IntegerType, true),
        DataTypes.createStructField("l", DataTypes.LongType, true),
        DataTypes.createStructField("y", DataTypes.ByteType, true),
        DataTypes.createStructField("h", DataTypes.ShortType, true),
        DataTypes.createStructField("f", DataTypes.FloatType, true),
        DataTypes.createStructField("x", DataTypes.DoubleType, true),
        DataTypes.createStructField("m", DataTypes.createDecimalType(15, 2), true),
        DataTypes.createStructField("w", DataTypes.createDecimalType(38, 10), true),
        DataTypes.createStructField("d", DataTypes.DateType, true),
        DataTypes.createStructField("n", DataTypes.IntegerType, true),
        DataTypes.createStructField("s", DataTypes.StringType, true)});

    @BeforeAll
    static void tables() throws Exception {
        SparkSession spark = SharedSpark.session();
        RandomData random = RandomData.create("TestMathExpressionsSql").extremes(false);
        Path dir = Files.createTempDirectory("ember-math");
        spark.createDataFrame(random.rows(SCHEMA, 4000, 9), SCHEMA).repartition(3)
                .write().parquet(dir.resolve("math").toString());
        spark.read().parquet(dir.resolve("math").toString()).createOrReplaceTempView("math");
        JavaSparkContext context = JavaSparkContext.fromSparkContext(spark.sparkContext());
        spark.createDataFrame(context.parallelize(List.<Row>of(), 1), SCHEMA).createOrReplaceTempView("math_empty");
        // one partition: with several, which failing task's error surfaces first is up to the scheduler
        List<Row> extremes = RandomData.create("TestMathExpressionsSql extremes").rows(SCHEMA, 400, 7);
        spark.createDataFrame(context.parallelize(extremes, 1), SCHEMA).createOrReplaceTempView("math_extreme");
        spark.createDataFrame(context.parallelize(extremes.subList(0, 1), 1), SCHEMA)
                .createOrReplaceTempView("math_one");
    }

    @Test
    void absInAFilterAndAProjection() {
        // q53/q63/q89: abs(sum_sales - avg_monthly_sales) / avg_monthly_sales > 0.1
        EmberQueryCheck.sql("SELECT i, m FROM math WHERE abs(m - 100) / 100 > 0.1 AND abs(x) > 1")
                .assertSameAnswer()
                .assertEmberRan("EmberFilterExec");
        EmberQueryCheck.sql("SELECT abs(i), abs(l), abs(y), abs(h), abs(f), abs(x), abs(m), abs(w) FROM math")
                .assertSameAnswer()
                .assertEmberRan("EmberProjectExec");
    }

    @Test
    void bitwiseOperatorsAndShifts() {
        EmberQueryCheck.sql("SELECT i & n, i | n, i ^ n, ~i, l & 255, ~y, h | y, shiftleft(i, n), shiftright(l, n),"
                        + " shiftrightunsigned(l, n), i << 3, l >> 65, i >>> 33 FROM math")
                .assertSameAnswer()
                .assertEmberRan("EmberProjectExec");
    }

    @Test
    void groupingAndGroupingIdRunInTheAggregate() {
        // grouping(c) and grouping_id() compile to (spark_grouping_id >> k) & 1 in the aggregate's results
        EmberQueryCheck.sql("SELECT y, h % 3 AS k, grouping(y) AS gy, grouping(h % 3) AS gk, grouping_id() AS g,"
                        + " sum(l), count(*) FROM math GROUP BY ROLLUP(y, h % 3)")
                .assertSameAnswer()
                .assertEmberRan("EmberHashAggregateExec", "EmberExpandExec");
        EmberQueryCheck.sql("SELECT y, grouping_id(y, n % 2) AS g, avg(i) FROM math GROUP BY CUBE(y, n % 2)"
                        + " HAVING grouping(y) = 0 OR avg(i) > 0")
                .assertSameAnswer()
                .assertEmberRan("EmberHashAggregateExec");
    }

    @Test
    void dateArithmetic() {
        EmberQueryCheck.sql("SELECT date_add(d, i % 1000), date_sub(d, y), d + h, d - n % 50,"
                        + " datediff(d, DATE '2000-01-01'), datediff(date_add(d, 30), d) FROM math")
                .assertSameAnswer()
                .assertEmberRan("EmberProjectExec");
        EmberQueryCheck.sql("SELECT i FROM math WHERE d BETWEEN DATE '2000-01-01' AND date_add(d, y)"
                        + " AND datediff(d, DATE '2000-01-01') < 3000")
                .assertSameAnswer()
                .assertEmberRan("EmberFilterExec");
    }

    @Test
    void roundAndBround() {
        EmberQueryCheck.sql("SELECT round(m, 1), bround(m, 0), round(m, -2), round(w, 3), bround(w, -1), round(i, -1),"
                        + " bround(l, -2), round(y, -1), round(h, 2), round(x, 2), bround(x, -1), round(f, 1)"
                        + " FROM math")
                .assertSameAnswer()
                .assertEmberRan("EmberProjectExec");
    }

    /** ASCII on Ember's byte path; ß, 日本語 and emoji through Spark's own mapping, with ICU on and off. */
    @Test
    void upperLowerAndConcat() {
        for (String icu : new String[] {"true", "false"}) {
            SharedSpark.withConf(Map.of("spark.sql.icu.caseMappings.enabled", icu), () -> {
                EmberQueryCheck.sql("SELECT upper(s), lower(s), concat(s, '-', upper(s)), s || lower(s),"
                                + " concat(lower(s)) FROM math")
                        .assertSameAnswer()
                        .assertEmberRan("EmberProjectExec");
                EmberQueryCheck.sql("SELECT i FROM math WHERE upper(s) = 'APPLE' OR lower(s) LIKE 'x%'"
                                + " OR concat(s, s) = 'xx'")
                        .assertSameAnswer()
                        .assertEmberRan("EmberFilterExec");
                return null;
            });
        }
    }

    @Test
    void emptyAndOneRowInputs() {
        String sql = "SELECT abs(i), i & n, shiftright(l, 2), date_add(d, 1), datediff(d, d), round(m, 1)"
                + " FROM %s";
        EmberQueryCheck.sql(String.format(sql, "math_empty")).assertSameAnswer();
        EmberQueryCheck.sql(String.format(sql, "math_one")).assertSameAnswer()
                .assertEmberRan("EmberProjectExec");
    }

    /** ANSI: abs(MIN_VALUE) and an integral round past MAX_VALUE fail as in Spark; LEGACY wraps. */
    @Test
    void extremesFailInAnsiAndWrapInLegacy() {
        for (String mode : new String[] {"true", "false"}) {
            SharedSpark.withConf(Map.of("spark.sql.ansi.enabled", mode), () -> {
                EmberQueryCheck.sql("SELECT abs(i) FROM math_extreme").assertSameAnswer();
                EmberQueryCheck.sql("SELECT abs(l), abs(y), abs(h) FROM math_extreme").assertSameAnswer();
                EmberQueryCheck.sql("SELECT round(l, -18), bround(i, -9), round(y, -2) FROM math_extreme")
                        .assertSameAnswer();
                EmberQueryCheck.sql("SELECT abs(x), abs(f), abs(w), round(w, -30), bround(m, 1), i & l, ~l,"
                                + " date_add(d, i), datediff(d, date_sub(d, i)) FROM math_extreme")
                        .assertSameAnswer()
                        .assertEmberRan("EmberProjectExec");
                return null;
            });
        }
    }
}
