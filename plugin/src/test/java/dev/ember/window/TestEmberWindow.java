package dev.ember.window;

import dev.ember.testkit.EmberQueryCheck;
import dev.ember.testkit.RandomData;
import dev.ember.testkit.SharedSpark;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Window functions (Spark's {@code WindowExec}) with Ember off and on: rankings, and sum, avg, count,
 * min, max over the whole partition, growing ROWS and RANGE frames (peers share a value) and sliding ROWS
 * frames, over seeded random data with nulls, NaN, -0.0, infinities, empty strings and extreme values, in
 * several Spark partitions, with window partitions that span many small batches; also over an empty and a
 * one-row table, decimal overflow in and out of ANSI mode, and the shapes that stay in Spark.
 *
 * <p>Ties: Spark's and Ember's shuffles may deliver rows in different orders, so a result that depends on
 * the order of tied rows (row_number, a ROWS frame, a floating sum's rounding) is only compared where the
 * order keys end in the unique {@code id}; RANGE frames and rank are compared over ties, with exact types.
 */
class TestEmberWindow {
    private static final StructType SCHEMA = new StructType()
            .add("id", DataTypes.IntegerType, false)
            .add("p", DataTypes.IntegerType)
            .add("s", DataTypes.StringType)
            .add("o", DataTypes.IntegerType)
            .add("k", DataTypes.DoubleType)
            .add("d", DataTypes.DoubleType)
            .add("l", DataTypes.LongType)
            .add("v", DataTypes.createDecimalType(12, 2))
            .add("big", DataTypes.createDecimalType(38, 0));

    private static final Map<String, String> SMALL_BATCHES = Map.of("spark.ember.batchSizeRows", "7");

    @BeforeAll
    static void createTables() {
        SparkSession session = SharedSpark.session();
        RandomData random = RandomData.create("TestEmberWindow");
        Random picks = new Random(random.seed());
        StructType raw = new StructType().add("d", DataTypes.DoubleType).add("l", DataTypes.LongType)
                .add("v", DataTypes.createDecimalType(12, 2)).add("s", DataTypes.StringType)
                .add("o", DataTypes.IntegerType);
        RandomData noExtremes = RandomData.create("TestEmberWindow sums").extremes(false);
        List<Row> values = noExtremes.rows(raw, 1200, 9);
        List<Row> rows = new ArrayList<>();
        Double[] floatingKeys = {Double.NaN, -0.0, 0.0, 1.5, null};
        BigDecimal nearMax = new BigDecimal("9".repeat(38)).subtract(BigDecimal.valueOf(picks.nextInt(1000)));
        for (int id = 0; id < values.size(); id++) {
            Row value = values.get(id);
            // few partition and order values: partitions of hundreds of rows, many ties; null stays null
            Integer p = picks.nextInt(15) == 0 ? null : picks.nextInt(id < 600 ? 3 : 40);
            Integer o = value.isNullAt(4) ? null : Math.floorMod(value.getInt(4), 9);
            String s = value.isNullAt(3) ? null : value.getString(3);
            BigDecimal big = picks.nextInt(4) == 0 ? null : picks.nextBoolean() ? nearMax : BigDecimal.ONE;
            Object d = picks.nextInt(5) == 0 ? random.value(DataTypes.DoubleType) : value.get(0);
            rows.add(RowFactory.create(id, p, s, o, floatingKeys[picks.nextInt(floatingKeys.length)], d, value.get(1),
                    value.get(2), big));
        }
        session.createDataFrame(rows, SCHEMA).repartition(3).createOrReplaceTempView("w_facts");
        session.createDataFrame(List.of(), SCHEMA).createOrReplaceTempView("w_empty");
        // through an exchange: over a one-partition local table Spark's planner needs none
        session.createDataFrame(rows.subList(0, 1), SCHEMA).repartition(2).createOrReplaceTempView("w_one");
    }

    private static void check(String sql) {
        EmberQueryCheck.sql(sql).assertSameAnswer().assertEmberRan("EmberWindowExec");
        SharedSpark.withConf(SMALL_BATCHES, () -> EmberQueryCheck.sql(sql).assertSameAnswer()
                .assertEmberRan("EmberWindowExec"));
    }

    @Test
    void rankings() {
        check("SELECT id, p, o, row_number() OVER (PARTITION BY p ORDER BY o, id) AS rn,"
                + " rank() OVER (PARTITION BY p ORDER BY o) AS r, dense_rank() OVER (PARTITION BY p ORDER BY o) AS dr,"
                + " rank() OVER (PARTITION BY p ORDER BY o DESC NULLS FIRST, s) AS r2 FROM w_facts");
    }

    @Test
    void runningRangeFramesGivePeersOneValue() {
        check("SELECT id, sum(l) OVER w AS sl, count(d) OVER w AS cd, count(*) OVER w AS c, avg(v) OVER w AS av,"
                + " sum(v) OVER w AS sv, max(s) OVER w AS ms, min(l) OVER w AS ml, avg(l) OVER w AS al"
                + " FROM w_facts WINDOW w AS (PARTITION BY p ORDER BY o)");
    }

    @Test
    void runningRowsFrames() {
        check("SELECT id, sum(d) OVER w AS sd, avg(d) OVER w AS ad, min(d) OVER w AS mind, max(d) OVER w AS maxd,"
                + " sum(v) OVER w AS sv, count(s) OVER w AS cs, min(s) OVER w AS ms"
                + " FROM w_facts WINDOW w AS (PARTITION BY p ORDER BY o, id ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW)");
    }

    @Test
    void wholePartitionFrames() {
        check("SELECT id, sum(l) OVER (PARTITION BY p) AS sl, count(*) OVER (PARTITION BY p) AS c,"
                + " avg(v) OVER (PARTITION BY p) AS av, max(v) OVER (PARTITION BY p) AS mv,"
                + " sum(d) OVER (PARTITION BY p ORDER BY id ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING) AS sd,"
                + " min(d) OVER (PARTITION BY p ORDER BY id RANGE BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING)"
                + " AS md FROM w_facts");
    }

    @Test
    void slidingRowsFrames() {
        check("SELECT id, sum(d) OVER (PARTITION BY p ORDER BY id ROWS BETWEEN 2 PRECEDING AND 1 FOLLOWING) AS s1,"
                + " avg(v) OVER (PARTITION BY p ORDER BY id ROWS BETWEEN 3 PRECEDING AND 1 PRECEDING) AS a1,"
                + " count(l) OVER (PARTITION BY p ORDER BY id ROWS BETWEEN 1 FOLLOWING AND 3 FOLLOWING) AS c1,"
                + " max(s) OVER (PARTITION BY p ORDER BY id ROWS BETWEEN CURRENT ROW AND 2 FOLLOWING) AS m1,"
                + " sum(l) OVER (PARTITION BY p ORDER BY id ROWS BETWEEN UNBOUNDED PRECEDING AND 2 FOLLOWING) AS s2,"
                + " min(d) OVER (PARTITION BY p ORDER BY id ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) AS m2"
                + " FROM w_facts");
    }

    /** A filter on a ranking at most a limit: Spark's WindowGroupLimitExec below the shuffle and above it. */
    @Test
    void groupLimits() {
        for (String ranking : List.of("row_number() OVER (PARTITION BY p ORDER BY o, id)",
                "rank() OVER (PARTITION BY p ORDER BY o DESC)", "dense_rank() OVER (PARTITION BY p, k ORDER BY d)",
                "rank() OVER (PARTITION BY s ORDER BY l NULLS LAST)")) {
            String sql = "SELECT * FROM (SELECT id, p, o, d, " + ranking + " AS r FROM w_facts) WHERE r <= 3";
            EmberQueryCheck.sql(sql).assertSameAnswer().assertEmberRan("EmberWindowGroupLimitExec", "EmberWindowExec");
            SharedSpark.withConf(SMALL_BATCHES, () -> EmberQueryCheck.sql(sql).assertSameAnswer()
                    .assertEmberRan("EmberWindowGroupLimitExec", "EmberWindowExec"));
        }
        SharedSpark.withConf(Map.of("spark.ember.exec.WindowGroupLimitExec.enabled", "false"), () -> EmberQueryCheck
                .sql("SELECT * FROM (SELECT id, rank() OVER (PARTITION BY p ORDER BY o) AS r FROM w_facts) WHERE r <= 2")
                .assertSameAnswer()
                .assertFallback("WindowGroupLimitExec", "spark.ember.exec.WindowGroupLimitExec.enabled=false"));
    }

    @Test
    void floatingStringAndSeveralPartitionKeys() {
        check("SELECT id, k, row_number() OVER (PARTITION BY k ORDER BY id) AS rn, sum(l) OVER (PARTITION BY k) AS sl,"
                + " count(*) OVER (PARTITION BY s, p) AS c, rank() OVER (PARTITION BY s, p ORDER BY k) AS r"
                + " FROM w_facts");
    }

    @Test
    void floatingOrderKeysAreRankedAsSparkOrdersThem() {
        check("SELECT id, d, rank() OVER (PARTITION BY p ORDER BY d) AS r, dense_rank() OVER (PARTITION BY p ORDER BY d"
                + " DESC) AS dr, count(*) OVER (PARTITION BY p ORDER BY d) AS c FROM w_facts");
    }

    @Test
    void withoutPartitionKeys() {
        check("SELECT id, row_number() OVER (ORDER BY id) AS rn, sum(l) OVER () AS total,"
                + " sum(v) OVER (ORDER BY o) AS running, count(*) OVER () AS c FROM w_facts");
    }

    @Test
    void emptyAndOneRowInputs() {
        EmberQueryCheck.sql("SELECT id, row_number() OVER (PARTITION BY p ORDER BY id) AS rn,"
                + " sum(v) OVER (PARTITION BY p) AS sv FROM w_empty").assertSameAnswer();
        for (String table : List.of("w_one")) {
            check("SELECT id, row_number() OVER (PARTITION BY p ORDER BY id) AS rn, sum(v) OVER (PARTITION BY p) AS sv,"
                    + " avg(d) OVER (PARTITION BY p ORDER BY o) AS ad, count(l) OVER (ORDER BY id ROWS BETWEEN 1"
                    + " PRECEDING AND 1 FOLLOWING) AS c FROM " + table);
        }
    }

    /** A frame of nulls only sums to null; count never is. */
    @Test
    void framesOfNullsOnly() {
        check("SELECT id, sum(CAST(NULL AS BIGINT)) OVER (PARTITION BY p ORDER BY id) AS s,"
                + " avg(CAST(NULL AS DECIMAL(10, 2))) OVER (PARTITION BY p) AS a,"
                + " count(CAST(NULL AS INT)) OVER (PARTITION BY p ORDER BY o) AS c FROM w_facts");
    }

    /** A long sum over a frame overflows: Spark's ARITHMETIC_OVERFLOW in ANSI mode, wrapped values outside it. */
    @Test
    void longSumOverflow() {
        String sql = "SELECT id, sum(CASE WHEN id % 3 = 0 THEN 9223372036854775807 ELSE l END) OVER (PARTITION BY p"
                + " ORDER BY id) AS s FROM w_facts";
        SharedSpark.withConf(Map.of("spark.sql.ansi.enabled", "true"), () -> EmberQueryCheck.sql(sql)
                .assertSameError());
        SharedSpark.withConf(Map.of("spark.sql.ansi.enabled", "false"), () -> {
            check(sql);
            return null;
        });
    }

    /**
     * decimal(38, 0) sums overflow. Spark's window sums decimals of over 28 digits without a precision bound
     * until the end (a running sum may overflow and come back); Ember leaves them to Spark, with the reason,
     * in and out of ANSI mode.
     */
    @Test
    void wideDecimalSumsStayInSpark() {
        String sql = "SELECT id, sum(big) OVER (PARTITION BY p ORDER BY id) AS s, avg(big) OVER (PARTITION BY p) AS a"
                + " FROM w_facts";
        for (String ansi : List.of("false", "true")) {
            SharedSpark.withConf(Map.of("spark.sql.ansi.enabled", ansi), () -> EmberQueryCheck.sql(sql)
                    .assertSameAnswer()
                    .assertFallback("WindowExec", "sum of decimal(38,0) over a window"));
        }
    }

    @Test
    void unsupportedShapesStayInSparkWithTheirReason() {
        EmberQueryCheck.sql("SELECT id, lag(l) OVER (PARTITION BY p ORDER BY id) AS previous FROM w_facts")
                .assertSameAnswer()
                .assertFallback("WindowExec", "window function lag is not supported");
        EmberQueryCheck.sql("SELECT id, sum(l) OVER (PARTITION BY p ORDER BY o RANGE BETWEEN 1 PRECEDING AND CURRENT ROW)"
                + " AS s FROM w_facts")
                .assertSameAnswer()
                .assertFallback("WindowExec", "is not supported yet");
        EmberQueryCheck.sql("SELECT id, sum(l) OVER (PARTITION BY p ORDER BY id ROWS BETWEEN CURRENT ROW AND UNBOUNDED"
                + " FOLLOWING) AS s FROM w_facts")
                .assertSameAnswer()
                .assertFallback("WindowExec", "UNBOUNDED FOLLOWING");
        SharedSpark.withConf(Map.of("spark.ember.exec.WindowExec.enabled", "false"), () -> EmberQueryCheck
                .sql("SELECT id, rank() OVER (PARTITION BY p ORDER BY o) AS r FROM w_facts")
                .assertSameAnswer()
                .assertFallback("WindowExec", "spark.ember.exec.WindowExec.enabled=false"));
    }
}
