package dev.ember.spill;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.ember.memory.EmberMemory;
import dev.ember.testkit.EmberQueryCheck;
import dev.ember.testkit.RowComparison;
import dev.ember.testkit.RowComparison;
import dev.ember.testkit.SharedSpark;
import dev.ember.testkit.SpillFilesLeft;

import java.math.BigDecimal;
import java.sql.Date;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;

import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.execution.SparkPlan;
import org.apache.spark.sql.execution.adaptive.AdaptiveSparkPlanExec;
import org.apache.spark.sql.execution.adaptive.QueryStageExec;
import org.apache.spark.sql.execution.metric.SQLMetric;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Aggregations and sorts whose state exceeds Ember's memory limit: aggregations spill their groups by key
 * hash and merge them part by part, sorts spill sorted runs and merge them. Every aggregate function Ember
 * runs (in Partial, Final and PartialMerge modes, hash and sort-based, first/last included) and every
 * sort key type in every direction must give Spark's answer, the spill metrics must show the spill, no
 * spill file may be left, and with spilling off the task fails with the error naming the limit.
 *
 * <p>Runs in its own JVM (the {@code spilling-joins} execution of {@code plugin/pom.xml}) whose session has
 * {@code spark.ember.memory.host.limitBytes} = 2 MiB, and again on the CUDA emulator with about 2 MiB of device
 * memory ({@code emulator-spilling}, where the errors name {@code spark.ember.memory.gpu.allocFraction}); in a JVM
 * with a larger limit it is skipped. Doubles
 * are halves in a small range (plus NaN, infinities, -0.0 and nulls) so that sums are exact whatever order
 * the spilled parts merge in.
 */
class TestSpillingAggregatesAndSorts {
    private static final long MAX_LIMIT = 8L << 20;
    private static final int ROWS = 40_000;
    private static final Map<String, String> SMALL_BATCHES = Map.of(
            "spark.ember.batchSizeRows", "1000",
            "spark.sql.shuffle.partitions", "2",
            "spark.sql.adaptive.coalescePartitions.enabled", "false",
            "spark.sql.autoBroadcastJoinThreshold", "-1");
    private static final String[] SORT_COLUMNS = {"b", "i8", "i16", "i32", "big", "f32", "f64", "dec", "day", "ts",
        "s"};
    private static final String[] DIRECTIONS = {"ASC NULLS FIRST", "DESC NULLS LAST", "ASC NULLS LAST",
        "DESC NULLS FIRST"};

    @BeforeAll
    static void createTables() {
        SparkSession session = SharedSpark.session();
        long limit = EmberMemory.root().getLimit();
        assumeTrue(limit <= MAX_LIMIT, "TestSpillingAggregatesAndSorts needs a JVM whose Ember memory limit is tiny"
                + " (it is " + limit + " bytes here); it runs in the spilling-joins execution of plugin/pom.xml");
        long seed = Long.getLong("ember.test.seed", System.nanoTime());
        System.out.println("TestSpillingAggregatesAndSorts seed: " + seed + " (replay with -Dember.test.seed=" + seed
                + ")");
        Random random = new Random(seed);
        StructType schema = new StructType()
                .add("id", DataTypes.IntegerType, false)
                .add("k", DataTypes.IntegerType)
                .add("ks", DataTypes.StringType)
                .add("g", DataTypes.IntegerType)
                .add("b", DataTypes.BooleanType)
                .add("i8", DataTypes.ByteType)
                .add("i16", DataTypes.ShortType)
                .add("i32", DataTypes.IntegerType)
                .add("i64", DataTypes.LongType)
                .add("big", DataTypes.LongType)
                .add("f32", DataTypes.FloatType)
                .add("f64", DataTypes.DoubleType)
                .add("dec", DataTypes.createDecimalType(12, 2))
                .add("wide", DataTypes.createDecimalType(30, 4))
                .add("day", DataTypes.DateType)
                .add("ts", DataTypes.TimestampType)
                .add("s", DataTypes.StringType);
        List<Row> rows = rows(random, ROWS);
        session.createDataFrame(rows, schema).repartition(2).createOrReplaceTempView("spill_agg");
        // one partition, in input order: first/last pick the same rows on Spark and Ember
        session.createDataFrame(rows, schema).coalesce(1).createOrReplaceTempView("spill_one");
        session.createDataFrame(rows.subList(0, 1), schema).createOrReplaceTempView("spill_single");
    }

    private static List<Row> rows(Random random, int count) {
        String[] words = {"", "a", "日本語", "x y", "NaN", "😀", "zz"};
        double[] specials = {Double.NaN, -0.0, 0.0, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY};
        long[] bigs = {Long.MIN_VALUE, Long.MAX_VALUE, 0, -1};
        List<Row> rows = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            Integer key = random.nextInt(60) == 0 ? null : random.nextInt(count / 3);
            double f64 = random.nextInt(40) == 0 ? specials[random.nextInt(specials.length)]
                    : (random.nextInt(4001) - 2000) / 2.0;
            float f32 = random.nextInt(40) == 0 ? (float) specials[random.nextInt(specials.length)]
                    : (random.nextInt(401) - 200) / 4.0f;
            rows.add(RowFactory.create(i, key,
                    key == null ? null : "key-" + key + "-wide-enough-to-fill-memory",
                    key == null ? null : key % 5,
                    nullOr(random, random.nextBoolean()),
                    nullOr(random, (byte) (random.nextInt(256) - 128)),
                    nullOr(random, (short) (random.nextInt(65536) - 32768)),
                    nullOr(random, random.nextInt(2_000_001) - 1_000_000),
                    nullOr(random, random.nextLong() >> 20),
                    nullOr(random, random.nextInt(30) == 0 ? bigs[random.nextInt(bigs.length)] : random.nextLong()),
                    nullOr(random, f32),
                    nullOr(random, f64),
                    nullOr(random, BigDecimal.valueOf(random.nextLong() % 10_000_000_000L, 2)),
                    nullOr(random, random.nextInt(30) == 0 ? new BigDecimal("-" + "9".repeat(26) + ".9999")
                            : BigDecimal.valueOf(random.nextLong(), 4)),
                    nullOr(random, Date.valueOf(java.time.LocalDate.ofEpochDay(random.nextInt(40_000) - 10_000))),
                    nullOr(random, new Timestamp(random.nextLong() % 4_000_000_000_000L)),
                    nullOr(random, words[random.nextInt(words.length)] + (random.nextBoolean() ? "" : i % 97))));
        }
        return rows;
    }

    private static <T> T nullOr(Random random, T value) {
        return random.nextInt(25) == 0 ? null : value;
    }

    @AfterEach
    void noSpillFileIsLeft() {
        assertEquals(List.of(), SpillFilesLeft.paths(), "spill files left after the query");
        // a failed query's job ends when its first task fails; Spark kills the others meanwhile, and they
        // release their memory as they stop (a loaded CI machine, 2026-12-03: 419,904 bytes still held)
        assertEquals(0, EmberMemory.awaitReleased(10_000_000_000L), "Ember still holds memory after the query");
    }

    @Test
    void everyAggregateFunctionSpillsAndMatchesSpark() {
        // Partial below the exchange and Final above it both hold about 13,000 groups per task; three queries,
        // so that one batch's new groups stay well below the 2 MiB limit
        assertSpilled("EmberHashAggregateExec", "SELECT k, count(*), count(i32), sum(i32), sum(i64), sum(i8),"
                + " sum(f64), avg(f64), avg(i32), avg(f32) FROM spill_agg GROUP BY k");
        assertSpilled("EmberHashAggregateExec", "SELECT k, sum(dec), avg(dec), sum(wide), avg(wide), count(*)"
                + " FROM spill_agg GROUP BY k");
        assertSpilled("EmberHashAggregateExec", "SELECT k, min(big), max(big), min(f64 + 0.0D) AS min_f64,"
                + " max(f32 + CAST(0 AS FLOAT)) AS max_f32, min(i16), max(i8), min(dec), max(wide), min(day), max(ts)"
                + " FROM spill_agg GROUP BY k");
        // the moments' merge form folds spilled (n, avg, m2) states with Spark's merge formula: merging two
        // states is not adding their rows one by one, so the last bits may differ from an unspilled run
        assertSpilledWithinRounding("SELECT k, stddev_samp(f64), var_pop(i32), variance(i64), count(*)"
                + " FROM spill_agg GROUP BY k");
    }

    @Test
    void sortBasedAggregationOfStringsSpillsAndKeepsKeyOrder() {
        // min/max of strings: Spark plans SortAggregateExec, whose output comes in key order
        assertSpilled("EmberHashAggregateExec", "SELECT ks, min(s), max(s), count(*), sum(i32) FROM spill_agg"
                + " GROUP BY ks");
    }

    @Test
    void firstAndLastSpillAndPickSparksRows() {
        // one input partition in a fixed order: the merge of spilled parts keeps each key's rows in that order
        assertSpilled("EmberHashAggregateExec", "SELECT k, first(s), last(s), first(i32, true), last(f64, true),"
                + " first(dec), last(ts, true) FROM spill_one GROUP BY k");
    }

    @Test
    void distinctAggregatesSpillInEveryMode() {
        // PartialMerge on (g, k) holds as many groups as there are keys
        assertSpilled("EmberHashAggregateExec", "SELECT g, count(DISTINCT k), sum(i32), max(s) FROM spill_agg"
                + " GROUP BY g");
        assertSpilled("EmberHashAggregateExec", "SELECT DISTINCT ks, g FROM spill_agg");
    }

    @Test
    void smallAndEmptyAggregationsStillMatchSpark() {
        runWithSmallBatches(() -> {
            EmberQueryCheck.sql("SELECT count(*), sum(i32), avg(dec), min(s), max(big), max(wide) FROM spill_agg")
                    .assertSameAnswer().assertEmberRan("EmberHashAggregateExec");
            EmberQueryCheck.sql("SELECT k, count(*), sum(i32), min(s) FROM spill_agg WHERE id < 0 GROUP BY k")
                    .assertSameAnswer();
            EmberQueryCheck.sql("SELECT k, count(*), sum(i32), min(s), max(dec) FROM spill_single GROUP BY k")
                    .assertSameAnswer().assertEmberRan("EmberHashAggregateExec");
        });
    }

    @Test
    void everySortKeyTypeSpillsAndMatchesSpark() {
        for (int i = 0; i < SORT_COLUMNS.length; i += 2) {
            String first = SORT_COLUMNS[i] + " " + DIRECTIONS[i % DIRECTIONS.length];
            String second = i + 1 < SORT_COLUMNS.length
                    ? SORT_COLUMNS[i + 1] + " " + DIRECTIONS[(i + 1) % DIRECTIONS.length] + ", " : "";
            assertSpilledOrdered("EmberSortExec", "SELECT * FROM spill_agg ORDER BY " + first + ", " + second + "id");
        }
    }

    @Test
    void aSpilledSortIsStable() {
        // one input partition in id order: a stable sort on g alone gives the order of (g, id)
        SparkSession session = SharedSpark.session();
        session.range(0, ROWS, 1, 1).selectExpr("CAST(id % 7 AS INT) AS g", "id", "CONCAT('row-', id) AS pad")
                .createOrReplaceTempView("spill_ordered");
        runWithSmallBatches(() -> {
            List<Row> expected = SharedSpark.withConf(Map.of("spark.ember.enabled", "false"),
                    () -> session.sql("SELECT g, id, pad FROM spill_ordered ORDER BY g, id").collectAsList());
            Dataset<Row> sorted = session.sql("SELECT g, id, pad FROM spill_ordered ORDER BY g");
            List<Row> actual = sorted.collectAsList();
            assertEquals(null, RowComparison.difference(expected, actual, true), "a spilled sort reordered ties");
            SparkPlan sort = find(sorted.queryExecution().executedPlan(), "EmberSortExec");
            assertTrue(metric(sort, "spillPartitions") > 0, "the sort did not spill");
        });
    }

    @Test
    void smallAndEmptySortsStillMatchSpark() {
        runWithSmallBatches(() -> {
            EmberQueryCheck.orderedSql("SELECT * FROM spill_agg WHERE id < 0 ORDER BY s, id").assertSameAnswer();
            EmberQueryCheck.orderedSql("SELECT * FROM spill_single ORDER BY s DESC, id").assertSameAnswer();
            EmberQueryCheck.orderedSql("SELECT id, s, f64 FROM spill_agg ORDER BY f64 DESC NULLS FIRST, id LIMIT 25")
                    .assertSameAnswer().assertEmberRan("EmberTopNExec");
        });
    }

    @Test
    void withSpillingOffTheTaskFailsNamingTheLimit() {
        String aggregate = "SELECT k, count(*), sum(i32), min(s) FROM spill_agg GROUP BY k";
        String message = messages(withSmallBatches(() -> SharedSpark.withConf(
                Map.of("spark.ember.aggregate.spill.enabled", "false"), () -> emberFailure(aggregate))));
        assertTrue(message.contains(EmberMemory.limitSetting()), message);
        assertTrue(message.contains("spark.ember.aggregate.spill.enabled"), message);
        String sort = "SELECT * FROM spill_agg ORDER BY s, id";
        message = messages(withSmallBatches(() -> SharedSpark.withConf(
                Map.of("spark.ember.sort.spill.enabled", "false"), () -> emberFailure(sort))));
        assertTrue(message.contains(EmberMemory.limitSetting()), message);
        assertTrue(message.contains("spark.ember.sort.spill.enabled"), message);
    }

    private static void assertSpilled(String node, String sql) {
        assertSpilled(node, sql, false);
    }

    private static void assertSpilledOrdered(String node, String sql) {
        assertSpilled(node, sql, true);
    }

    private static void assertSpilledWithinRounding(String sql) {
        assertSpilled("EmberHashAggregateExec", sql, false, true);
    }

    private static void assertSpilled(String node, String sql, boolean ordered) {
        assertSpilled(node, sql, ordered, false);
    }

    private static void assertSpilled(String node, String sql, boolean ordered, boolean withinRounding) {
        withSmallBatches(() -> {
            Dataset<?>[] last = new Dataset<?>[1];
            EmberQueryCheck check = EmberQueryCheck.run(session -> {
                Dataset<Row> dataset = session.sql(sql);
                last[0] = dataset;
                return dataset;
            }, ordered);
            if (!withinRounding) {
                check.assertSameAnswer();
            } else if (!check.acceptedMemoryError()) {
                RowComparison.assertClose(check.spark().rows(), check.ember().rows());
            }
            check.assertEmberRan(node);
            // the Ember run came last; sum the metric over every such node (partial and final steps)
            long bytes = 0;
            long parts = 0;
            for (SparkPlan plan : findAll(last[0].queryExecution().executedPlan(), node)) {
                bytes += metric(plan, "spillBytes");
                parts += metric(plan, "spillPartitions");
            }
            assertTrue(bytes > 0 && parts > 0, "no " + node + " spilled (spillBytes " + bytes + ", spillPartitions "
                    + parts + "): " + sql);
            return null;
        });
    }

    private static Throwable emberFailure(String sql) {
        SparkSession session = SharedSpark.session();
        long leaks = EmberMemory.leakCount();
        try {
            session.sql(sql).collect();
        } catch (Exception e) {
            assertEquals(leaks, EmberMemory.leakCount(), "Ember leaked memory in the failing task");
            return e;
        }
        throw new AssertionError("the query should fail over the memory limit: " + sql);
    }

    private static String messages(Throwable error) {
        StringBuilder all = new StringBuilder();
        for (Throwable cause = error; cause != null; cause = cause.getCause()) {
            all.append(cause).append('\n');
        }
        return all.toString();
    }

    private static SparkPlan find(SparkPlan plan, String node) {
        List<SparkPlan> all = findAll(plan, node);
        assertTrue(!all.isEmpty(), "no " + node + " in the executed plan");
        return all.get(0);
    }

    private static List<SparkPlan> findAll(SparkPlan plan, String node) {
        List<SparkPlan> found = new ArrayList<>();
        if (plan.getClass().getSimpleName().equals(node)) {
            found.add(plan);
        }
        List<SparkPlan> next = new ArrayList<>();
        if (plan instanceof AdaptiveSparkPlanExec adaptive) {
            next.add(adaptive.executedPlan());
        } else if (plan instanceof QueryStageExec stage) {
            next.add(stage.plan());
        }
        scala.jdk.javaapi.CollectionConverters.asJava(plan.children()).forEach(next::add);
        for (SparkPlan child : next) {
            found.addAll(findAll(child, node));
        }
        return found;
    }

    private static long metric(SparkPlan plan, String name) {
        scala.Option<SQLMetric> metric = plan.metrics().get(name);
        assertTrue(metric.isDefined(), plan.nodeName() + " has no metric " + name);
        return metric.get().value();
    }

    private static <T> T withSmallBatches(java.util.function.Supplier<T> body) {
        return SharedSpark.withConf(SMALL_BATCHES, body);
    }

    private static void runWithSmallBatches(Runnable body) {
        withSmallBatches(() -> {
            body.run();
            return null;
        });
    }
}
