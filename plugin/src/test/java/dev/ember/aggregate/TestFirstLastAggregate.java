package dev.ember.aggregate;

import dev.ember.testkit.EmberQueryCheck;
import dev.ember.testkit.RandomData;
import dev.ember.testkit.SharedSpark;
import java.math.BigDecimal;
import java.sql.Date;
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
 * first/last (and any_value, first_value, last_value), with and without ignoring nulls, Ember off and on,
 * over inputs whose row order Spark fixes: one partition read in list order ({@code fl_one}), three
 * partitions of a round-robin shuffle read in map order ({@code fl_three}), so partial buffers merge in a
 * fixed order too. Random values (seed printed) with nulls, NaN, -0.0 and empty strings; keys of few
 * distinct values so that groups have many rows.
 */
class TestFirstLastAggregate {
    /** Key columns: int, string, decimal, double (NaN, -0.0), date, and two together. */
    private static final String[] KEYS = {"ki", "ks", "kdec", "kd", "kday", "ki, ks"};
    /** Every non-string value type, each function in each null handling. */
    private static final String FIXED_WIDTH_FUNCTIONS = named("fixed", "first(i32)", "first(i32, true)", "last(i32)",
            "last(i32, true)", "first(f64)", "last(f64, true)", "first(dec, true)", "last(dec)", "first(wide)",
            "last(wide, true)", "first(day)", "last(day, true)", "first(b, true)", "last(b)", "any_value(ts)",
            "first_value(i8, true)", "last_value(f32)");
    private static final String STRING_FUNCTIONS = named("text", "first(s)", "first(s, true)", "last(s)",
            "last(s, true)", "any_value(s, true)");

    @BeforeAll
    static void createTables() {
        SparkSession session = SharedSpark.session();
        StructType schema = new StructType()
                .add("ki", DataTypes.IntegerType)
                .add("ks", DataTypes.StringType)
                .add("kdec", DataTypes.createDecimalType(7, 2))
                .add("kd", DataTypes.DoubleType)
                .add("kday", DataTypes.DateType)
                .add("b", DataTypes.BooleanType)
                .add("i8", DataTypes.ByteType)
                .add("i32", DataTypes.IntegerType)
                .add("f32", DataTypes.FloatType)
                .add("f64", DataTypes.DoubleType)
                .add("dec", DataTypes.createDecimalType(12, 2))
                .add("wide", DataTypes.createDecimalType(30, 4))
                .add("day", DataTypes.DateType)
                .add("ts", DataTypes.TimestampType)
                .add("s", DataTypes.StringType);
        RandomData random = RandomData.create("TestFirstLastAggregate");
        Random keys = new Random(random.seed());
        List<Row> rows = new ArrayList<>();
        for (Row values : random.rows(valueSchema(schema), 400, 4)) {
            Object[] row = new Object[schema.fields().length];
            row[0] = pick(keys, null, 1, 2, 3, -4);
            row[1] = pick(keys, null, "", "a", "b", "ß");
            row[2] = pick(keys, null, new BigDecimal("1.50"), new BigDecimal("-2.00"), new BigDecimal("0.00"));
            row[3] = pick(keys, null, Double.NaN, -0.0, 0.0, 2.5);
            row[4] = pick(keys, null, Date.valueOf("2024-02-29"), Date.valueOf("1970-01-01"));
            for (int c = 5; c < row.length; c++) {
                row[c] = values.get(c - 5);
            }
            rows.add(RowFactory.create(row));
        }
        // one partition in list order; three partitions after a round-robin shuffle, read in map order
        session.createDataFrame(rows, schema).coalesce(1).createOrReplaceTempView("fl_one");
        session.createDataFrame(rows, schema).repartition(3).createOrReplaceTempView("fl_three");
        session.createDataFrame(List.of(), schema).createOrReplaceTempView("fl_empty");
    }

    private static StructType valueSchema(StructType schema) {
        StructType values = new StructType();
        for (int c = 5; c < schema.fields().length; c++) {
            values = values.add(schema.fields()[c]);
        }
        return values;
    }

    /** The calls as a select list, each with its own name (first(x) and first(x, true) share Spark's name). */
    private static String named(String prefix, String... calls) {
        StringBuilder list = new StringBuilder();
        for (int i = 0; i < calls.length; i++) {
            list.append(i == 0 ? "" : ", ").append(calls[i]).append(" AS ").append(prefix).append(i);
        }
        return list.toString();
    }

    @SafeVarargs
    private static <T> T pick(Random random, T... choices) {
        return choices[random.nextInt(choices.length)];
    }

    /** Two-phase plans (Partial, then Final after the exchange) for every key type, in small batches. */
    @Test
    void groupedFirstAndLastForEveryKeyAndValueType() {
        SharedSpark.withConf(Map.of("spark.ember.batchSizeRows", "37"), () -> {
            for (String key : KEYS) {
                EmberQueryCheck.sql("SELECT " + key + ", " + FIXED_WIDTH_FUNCTIONS + " FROM fl_one GROUP BY " + key)
                        .assertSameAnswer()
                        .assertEmberRan("EmberHashAggregateExec");
            }
            // several partitions: partial buffers merge in map order
            for (String key : List.of("ks", "kd")) {
                EmberQueryCheck.sql("SELECT " + key + ", " + FIXED_WIDTH_FUNCTIONS + " FROM fl_three GROUP BY " + key)
                        .assertSameAnswer()
                        .assertEmberRan("EmberHashAggregateExec");
            }
            return null;
        });
    }

    /**
     * Strings: Spark aggregates them with a sort-based aggregation; Ember replaces it where Spark's sort keeps
     * equal keys in input order (a string key, two keys).
     */
    @Test
    void groupedFirstAndLastOfStrings() {
        for (String key : List.of("ks", "ki, ks", "kd, kday")) {
            EmberQueryCheck.sql("SELECT " + key + ", " + STRING_FUNCTIONS + " FROM fl_one GROUP BY " + key)
                    .assertSameAnswer()
                    .assertEmberRan("EmberHashAggregateExec");
        }
        EmberQueryCheck.sql("SELECT ks, " + STRING_FUNCTIONS + " FROM fl_three GROUP BY ks")
                .assertSameAnswer()
                .assertEmberRan("EmberHashAggregateExec");
    }

    @Test
    void ungroupedAndEmptyInputs() {
        for (String view : List.of("fl_one", "fl_three", "fl_empty")) {
            EmberQueryCheck.sql("SELECT " + FIXED_WIDTH_FUNCTIONS + ", " + STRING_FUNCTIONS + ", count(*) FROM " + view)
                    .assertSameAnswer()
                    .assertEmberRan("EmberHashAggregateExec");
        }
        EmberQueryCheck.sql("SELECT ks, first(i32), last(s, true) FROM fl_empty GROUP BY ks")
                .assertSameAnswer();
    }

    /** Groups whose values are all null: null for every variant, with and without ignoring nulls. */
    @Test
    void groupsWithOnlyNullValues() {
        EmberQueryCheck.sql("SELECT ki, first(IF(ki = 1, NULL, i32)) AS f, first(IF(ki = 1, NULL, i32), true) AS fi,"
                + " last(IF(ki = 1, NULL, dec)) AS l, last(IF(ki = 1, NULL, dec), true) AS li,"
                + " first(IF(ki = 1, NULL, f64), true) AS fd FROM fl_three GROUP BY ki")
                .assertSameAnswer()
                .assertEmberRan("EmberHashAggregateExec");
    }

    /**
     * COUNT(DISTINCT) plans merge first/last buffers in PartialMerge mode over the groups of another
     * aggregation. After a shuffle of several partitions the values here depend on the group key only, so
     * the answer does not depend on the order. Several distinct columns make Spark itself add
     * {@code first(...) ignore nulls} to carry the other aggregates through its Expand rewrite.
     */
    @Test
    void distinctAggregatePlans() {
        EmberQueryCheck.sql("SELECT ks, count(DISTINCT ki), first(concat(ks, '!')), last(IF(length(ks) > 0, ks, NULL),"
                + " true), first(IF(ks = 'a', NULL, length(ks))) FROM fl_three GROUP BY ks")
                .assertSameAnswer()
                .assertEmberRan("EmberHashAggregateExec");
        EmberQueryCheck.sql("SELECT kday, count(DISTINCT ki), count(DISTINCT ks), sum(i32), max(dec), min(s)"
                + " FROM fl_three GROUP BY kday")
                .assertSameAnswer()
                .assertEmberRan("EmberHashAggregateExec");
        // one shuffle partition: no exchange at all, every step in one stage. The merge steps read the groups
        // of the step below in the order Spark's node emits them: key order from a sort aggregation (used for
        // strings), insertion order from a hash aggregation, which Ember reproduces. Spark's two-level hash map
        // (on by default) emits keys with nulls after the others, so Spark's own answer changes with that
        // setting; it is off here
        SharedSpark.withConf(Map.of("spark.sql.shuffle.partitions", "1",
                "spark.sql.codegen.aggregate.map.twolevel.enabled", "false"), () -> {
            EmberQueryCheck.sql("SELECT count(DISTINCT ks), first(i32), last(i32, true), first(dec) FROM fl_one")
                    .assertSameAnswer()
                    .assertEmberRan("EmberHashAggregateExec");
            EmberQueryCheck.sql("SELECT count(DISTINCT ks), first(i32), last(s, true), first(s) FROM fl_one")
                    .assertSameAnswer()
                    .assertEmberRan("EmberHashAggregateExec");
            EmberQueryCheck.sql("SELECT kday, count(DISTINCT ks), first(s), last(s, true), last(wide) FROM fl_one"
                    + " GROUP BY kday")
                    .assertSameAnswer()
                    .assertEmberRan("EmberHashAggregateExec");
            return null;
        });
    }

    /**
     * A radix sort on one nullable key reorders rows of equal keys when null keys arrive, so Spark's sort-based
     * first/last there stays in Spark (with Ember's stable sort switched off, Spark's answer is kept); with
     * the radix sort off, Spark's sort is stable and Ember runs the aggregation.
     */
    @Test
    void sortBasedFirstLastAfterARadixSortStaysInSpark() {
        String query = "SELECT ki, first(s), last(s, true) FROM fl_one GROUP BY ki";
        SharedSpark.withConf(Map.of("spark.ember.exec.SortExec.enabled", "false"), () -> {
            EmberQueryCheck.sql(query)
                    .assertSameAnswer()
                    .assertFallback("SortAggregateExec", "radix sort on the nullable key");
            return null;
        });
        SharedSpark.withConf(Map.of("spark.sql.sort.enableRadixSort", "false"), () -> {
            EmberQueryCheck.sql(query)
                    .assertSameAnswer()
                    .assertEmberRan("EmberHashAggregateExec");
            return null;
        });
    }

    /**
     * A join below first/last in the same stage stays in Spark, because Ember's hash join emits matches in
     * another order than Spark's sort-merge join; the aggregation itself still runs on Ember. Without
     * first/last the same join runs on Ember.
     */
    @Test
    void joinFeedingFirstLastInTheSameStageStaysInSpark() {
        SharedSpark.withConf(Map.of("spark.sql.autoBroadcastJoinThreshold", "-1"), () -> {
            EmberQueryCheck.sql("SELECT a.ki, first(b.s), last(a.i32, true) FROM fl_one a JOIN fl_one b"
                    + " ON a.ki = b.ki GROUP BY a.ki")
                    .assertSameAnswer()
                    .assertFallback("SortMergeJoinExec", "feeds first()/last()")
                    .assertEmberRan("EmberHashAggregateExec");
            EmberQueryCheck.sql("SELECT a.ki, max(b.s), min(a.i32) FROM fl_one a JOIN fl_one b ON a.ki = b.ki"
                    + " GROUP BY a.ki")
                    .assertSameAnswer()
                    .assertEmberRan("EmberShuffledHashJoinExec", "EmberHashAggregateExec");
            return null;
        });
        // a broadcast join too (the broadcast is small), under adaptive execution's query-stage rule
        EmberQueryCheck.sql("SELECT a.ki, first(b.s), last(a.i32, true) FROM fl_one a JOIN fl_one b"
                + " ON a.ki = b.ki GROUP BY a.ki")
                .assertSameAnswer()
                .assertFallback("BroadcastHashJoinExec", "feeds first()/last()")
                .assertEmberRan("EmberHashAggregateExec");
    }

    /** The enable keys of the catalog entries. */
    @Test
    void disabledFirstKeepsTheAggregationInSpark() {
        SharedSpark.withConf(Map.of("spark.ember.expression.First.enabled", "false"), () -> {
            EmberQueryCheck.sql("SELECT ki, first(i32) FROM fl_one GROUP BY ki")
                    .assertSameAnswer()
                    .assertFallback("HashAggregateExec", "First is disabled by spark.ember.expression.First.enabled");
            return null;
        });
    }
}
