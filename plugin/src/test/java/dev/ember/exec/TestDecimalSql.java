package dev.ember.exec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ember.testkit.EmberQueryCheck;
import dev.ember.testkit.RandomData;
import dev.ember.testkit.SharedSpark;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.spark.SparkThrowable;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Decimal arithmetic, comparisons, casts, sums and averages end to end with Ember off and on, in ANSI
 * and legacy mode: TPC-H-shaped {@code decimal(15,2)} money columns (the host's one-long path) and
 * {@code decimal(38,10)} columns (two longs), with nulls, zeros, the largest values and rows that
 * overflow. Tables whose queries raise errors have one partition, so that the failing row is the same.
 */
class TestDecimalSql {
    private static final StructType MONEY = new StructType()
            .add("g", DataTypes.IntegerType)
            .add("price", DataTypes.createDecimalType(15, 2))
            .add("discount", DataTypes.createDecimalType(15, 2))
            .add("tax", DataTypes.createDecimalType(15, 2));
    private static final StructType WIDE = new StructType()
            .add("g", DataTypes.IntegerType)
            .add("w", DataTypes.createDecimalType(38, 10))
            .add("v", DataTypes.createDecimalType(38, 10));
    private static final List<String> MODES = List.of("false", "true");

    @BeforeAll
    static void tables() throws Exception {
        SparkSession spark = SharedSpark.session();
        Random random = new Random(RandomData.create("TestDecimalSql").seed());
        List<Row> money = new ArrayList<>();
        List<Row> wide = new ArrayList<>();
        for (int i = 0; i < 3000; i++) {
            money.add(RowFactory.create(i % 5, money(random, 10_000_000), money(random, 11), money(random, 9)));
            wide.add(RowFactory.create(i % 5, wide(random), wide(random)));
        }
        BigDecimal largest = new BigDecimal("9999999999999.99");
        money.add(RowFactory.create(1, largest, largest, largest));
        money.add(RowFactory.create(2, largest.negate(), BigDecimal.ZERO.setScale(2), largest));
        // group 5 alone holds the largest values: its sum of w overflows whatever order rows are added in
        BigDecimal wideLargest = new BigDecimal("9".repeat(28) + "." + "9".repeat(10));
        wide.add(RowFactory.create(5, wideLargest, new BigDecimal("0.0000000001")));
        wide.add(RowFactory.create(5, wideLargest, BigDecimal.ONE.negate()));
        wide.add(RowFactory.create(5, wideLargest, null));

        Path dir = Files.createTempDirectory("ember-decimal-sql");
        spark.createDataFrame(money, MONEY).repartition(3).write().parquet(dir.resolve("money").toString());
        spark.read().parquet(dir.resolve("money").toString()).createOrReplaceTempView("money");
        spark.createDataFrame(wide, WIDE).repartition(3).write().parquet(dir.resolve("wide").toString());
        spark.read().parquet(dir.resolve("wide").toString()).createOrReplaceTempView("wide");
        JavaSparkContext context = JavaSparkContext.fromSparkContext(spark.sparkContext());
        spark.createDataFrame(context.parallelize(money, 1), MONEY).createOrReplaceTempView("money_one");
        spark.createDataFrame(context.parallelize(wide, 1), WIDE).createOrReplaceTempView("wide_one");
    }

    /** A decimal(15,2) below {@code bound} hundredths, about one in twelve null, some zero. */
    private static BigDecimal money(Random random, int bound) {
        int pick = random.nextInt(12);
        if (pick == 0) {
            return null;
        }
        return BigDecimal.valueOf(pick == 1 ? 0 : random.nextInt(bound) - (pick == 2 ? bound / 2 : 0), 2);
    }

    /**
     * A decimal(38,10) of up to 24 integral digits: products overflow, but no sum of the 3000 rows reaches
     * 28 digits, so whether a sum overflows does not depend on the order partitions merge in.
     */
    private static BigDecimal wide(Random random) {
        int pick = random.nextInt(12);
        if (pick == 0) {
            return null;
        }
        if (pick == 1) {
            return BigDecimal.ZERO.setScale(10);
        }
        int digits = pick < 8 ? 1 + random.nextInt(16) : 1 + random.nextInt(34);
        BigInteger unscaled = new BigInteger(digits * 4, random).mod(BigInteger.TEN.pow(digits));
        return new BigDecimal(random.nextBoolean() ? unscaled : unscaled.negate(), 10);
    }

    private static void inEachMode(Runnable body) {
        for (String ansi : MODES) {
            SharedSpark.withConf(Map.of("spark.sql.ansi.enabled", ansi), () -> {
                body.run();
                return null;
            });
        }
    }

    @Test
    void moneyArithmeticComparisonsAndCasts() {
        inEachMode(() -> EmberQueryCheck.sql("SELECT g, price * (1 - discount) AS disc_price,"
                        + " price * (1 - discount) * (1 + tax) AS charge, price + tax, price - discount, -price,"
                        + " price > 100.00 AS expensive, discount BETWEEN 0.05 AND 0.07 AS mid,"
                        + " CAST(g AS DECIMAL(15, 2)) AS g_money, CAST(price AS DECIMAL(10, 1)) AS rounded,"
                        + " CAST(price AS BIGINT) AS whole, CAST(price AS DOUBLE) AS approximate, price * 2"
                        + " FROM money WHERE discount < 0.08 OR tax IS NULL")
                .assertSameAnswer()
                .assertEmberRan("EmberFilterExec", "EmberProjectExec", "EmberParquetScanExec"));
    }

    @Test
    void moneyDivisionAndRemainder() {
        // one partition: in ANSI mode a zero divisor fails, and the first failing row must be the same
        inEachMode(() -> EmberQueryCheck.sql("SELECT g, price / discount AS q, price % discount AS r,"
                        + " price / 7 AS seventh, -price % 3.5 AS r2 FROM money_one")
                .assertSameAnswer());
        inEachMode(() -> EmberQueryCheck.sql("SELECT g, price / discount, price % discount FROM money"
                        + " WHERE discount <> 0")
                .assertSameAnswer()
                .assertEmberRan("EmberProjectExec"));
    }

    @Test
    void moneySumsAndAverages() {
        inEachMode(() -> EmberQueryCheck.sql("SELECT g, sum(price * (1 - discount)), avg(price * (1 - discount) * (1 + tax)),"
                        + " sum(price), avg(discount), count(*) FROM money GROUP BY g")
                .assertSameAnswer()
                .assertEmberRan("EmberHashAggregateExec"));
        // TPC-H q14's shape: a decimal ratio of two sums. The sums are of decimal(32,4) without grouping keys,
        // which Spark keeps exact until the end, and Ember too (TestEmberHashAggregate)
        inEachMode(() -> EmberQueryCheck.sql("SELECT 100.00 * sum(CASE WHEN g < 2 THEN price * (1 - discount)"
                        + " ELSE 0 END) / sum(price * (1 - discount)) AS promo_revenue FROM money WHERE price > 0")
                .assertSameAnswer()
                .assertEmberRan("EmberFilterExec", "EmberHashAggregateExec"));
        // grouped, the same sums run on Ember
        inEachMode(() -> EmberQueryCheck.sql("SELECT g, 100.00 * sum(CASE WHEN g < 2 THEN price * (1 - discount) ELSE 0"
                        + " END) / sum(price * (1 - discount)) AS promo_revenue FROM money WHERE price > 0 GROUP BY g")
                .assertSameAnswer()
                .assertEmberRan("EmberHashAggregateExec"));
    }

    @Test
    void wideArithmeticWithOverflow() {
        inEachMode(() -> EmberQueryCheck.sql("SELECT g, w * v, w + v, w - v, -w, w > v, w = v,"
                        + " CAST(w AS DECIMAL(20, 2)), CAST(w AS DOUBLE), CAST(v AS BIGINT) FROM wide_one")
                .assertSameAnswer());
        inEachMode(() -> EmberQueryCheck.sql("SELECT g, w / v, w % v FROM wide_one")
                .assertSameAnswer());
        SharedSpark.withConf(Map.of("spark.sql.ansi.enabled", "false"), () -> EmberQueryCheck.sql(
                        "SELECT g, w * v, w + v, w / v, w % v, CAST(w AS DECIMAL(20, 2)) FROM wide")
                .assertSameAnswer()
                .assertEmberRan("EmberProjectExec"));
    }

    /**
     * Sums that pass 38 digits: null in legacy mode; in ANSI mode the error's condition is compared, not
     * its message: Ember raises the overflow of a decimal sum without Spark's SQL query context (the
     * "== SQL (line 1, position 11) ==" lines), a difference of the aggregate's output step.
     */
    @Test
    void wideSumsAndAveragesWithOverflow() {
        SharedSpark.withConf(Map.of("spark.sql.ansi.enabled", "false"), () -> {
            EmberQueryCheck.sql("SELECT g, sum(w), avg(w), sum(v), count(v) FROM wide GROUP BY g")
                    .assertSameAnswer()
                    .assertEmberRan("EmberHashAggregateExec");
            // products of up to 38 digits, some of whose sums overflow; one partition, so one order of additions
            EmberQueryCheck.sql("SELECT g, sum(w * v), avg(w * v) FROM wide_one GROUP BY g")
                    .assertSameAnswer()
                    .assertEmberRan("EmberHashAggregateExec");
            return null;
        });
        SharedSpark.withConf(Map.of("spark.sql.ansi.enabled", "true"), () -> {
            assertSameCondition(EmberQueryCheck.sql("SELECT g, sum(w), avg(w) FROM wide GROUP BY g"));
            // the first overflowing product fails before any sum does
            EmberQueryCheck.sql("SELECT g, sum(w * v), avg(w * v) FROM wide_one GROUP BY g").assertSameAnswer();
            return null;
        });
    }

    private static void assertSameCondition(EmberQueryCheck check) {
        Throwable spark = root(check.spark().error().orElseThrow(() -> new AssertionError("Spark did not fail")));
        Throwable ember = root(check.ember().error().orElseThrow(() -> new AssertionError(
                "Ember answered where Spark failed with " + spark)));
        assertTrue(spark instanceof SparkThrowable && ember instanceof SparkThrowable, () -> spark + " / " + ember);
        assertEquals(((SparkThrowable) spark).getCondition(), ((SparkThrowable) ember).getCondition());
    }

    private static Throwable root(Throwable error) {
        Throwable current = error;
        while (current.getCause() != null && !(current instanceof SparkThrowable)) {
            current = current.getCause();
        }
        return current;
    }
}
