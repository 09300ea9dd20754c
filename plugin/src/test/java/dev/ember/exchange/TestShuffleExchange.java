package dev.ember.exchange;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ember.testkit.EmberQueryCheck;
import dev.ember.testkit.RandomData;
import dev.ember.testkit.Schemas;
import dev.ember.testkit.SharedSpark;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.api.java.UDF1;
import org.apache.spark.sql.execution.SparkPlan;
import org.apache.spark.sql.execution.adaptive.AQEShuffleReadExec;
import org.apache.spark.sql.execution.adaptive.AdaptiveSparkPlanExec;
import org.apache.spark.sql.execution.adaptive.QueryStageExec;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Ember's shuffle exchange, with Ember off and on in one session: every partitioning it writes, every
 * type it carries as a key and as a value (nulls, NaN, -0.0, empty strings, min/max values), empty and
 * one-row inputs, with adaptive execution on and off, with coalesced and skew-split reads, with an Ember
 * exchange meeting a Spark exchange in one join (their hash partitioning must agree bit for bit), and
 * with exchange reuse.
 */
class TestShuffleExchange {
    private static final String EXCHANGE = "EmberShuffleExchangeExec";
    private static final String[] KEYS = {"b", "i8", "i16", "i32", "i64", "f32", "f64", "d12", "d38", "day", "ts", "s"};

    @TempDir
    static Path TEMP;

    @BeforeAll
    static void createTables() {
        SparkSession session = SharedSpark.session();
        RandomData random = RandomData.create("TestShuffleExchange");
        StructType schema = Schemas.everyCarriedType();
        List<Row> rows = new ArrayList<>(random.rows(schema, 1500, 7));
        rows.add(RowFactory.create(null, null, null, null, null, null, null, null, null, null, null, ""));
        // Parquet, so that the exchanges read Ember batches (over rows from Spark, Spark's exchange stays)
        session.createDataFrame(rows, schema).repartition(3).write().mode("overwrite").parquet(dir("ex_all"));
        session.read().parquet(dir("ex_all")).createOrReplaceTempView("ex_all");
        session.createDataFrame(random.rows(schema, 1, 7), schema).createOrReplaceTempView("ex_one");
        session.createDataFrame(List.of(), schema).createOrReplaceTempView("ex_empty");
        // one hot key, for adaptive execution's skew splits
        List<Row> skewed = new ArrayList<>();
        for (int i = 0; i < 4000; i++) {
            skewed.add(RowFactory.create(i % 10 == 0 ? i % 40 : 7, (long) i, "v" + (i % 13)));
        }
        StructType skewSchema = new StructType().add("k", DataTypes.IntegerType).add("n", DataTypes.LongType)
                .add("s", DataTypes.StringType);
        session.createDataFrame(skewed, skewSchema).repartition(4).write().mode("overwrite").parquet(dir("ex_skewed"));
        session.read().parquet(dir("ex_skewed")).createOrReplaceTempView("ex_skewed");
        session.udf().register("ex_spark_only", (UDF1<Integer, Integer>) v -> v == null ? null : v + 1,
                DataTypes.IntegerType);
    }

    @ParameterizedTest
    @ValueSource(strings = {"b", "i8", "i16", "i32", "i64", "f32", "f64", "d12", "d38", "day", "ts", "s"})
    void hashPartitioningByEveryKeyType(String key) {
        EmberQueryCheck.sql("SELECT " + key + ", count(*), sum(i64 % 1000), max(s), min(d38) FROM ex_all GROUP BY "
                        + key)
                .assertSameAnswer()
                .assertEmberRan(EXCHANGE, "EmberHashAggregateExec");
    }

    @Test
    void everyTypeTravelsAsValues() {
        // a repartition by a key moves every column; the projection above checks each value arrived
        EmberQueryCheck.sql("SELECT /*+ REPARTITION(5, i32) */ * FROM ex_all")
                .assertSameAnswer()
                .assertEmberRan(EXCHANGE);
    }

    @Test
    void hashPartitioningByComputedAndSeveralKeys() {
        EmberQueryCheck.sql("SELECT i32 % 7 AS m, s, count(*), sum(f64) FROM ex_all GROUP BY i32 % 7, s")
                .assertSameAnswer()
                .assertEmberRan(EXCHANGE);
    }

    @Test
    void singlePartitionForGlobalAggregatesAndTopN() {
        EmberQueryCheck.sql("SELECT count(*), sum(d12), max(s), min(f64) FROM ex_all")
                .assertSameAnswer()
                .assertEmberRan(EXCHANGE);
        EmberQueryCheck.orderedSql("SELECT i64, s FROM ex_all ORDER BY i64 DESC NULLS LAST, s LIMIT 17")
                .assertSameAnswer()
                .assertEmberRan(EXCHANGE, "EmberTopNExec");
    }

    @ParameterizedTest
    @ValueSource(strings = {"b", "i8", "i16", "i32", "i64", "f32", "f64", "d12", "d38", "day", "ts", "s"})
    void rangePartitioningForOrderByEveryKeyType(String key) {
        // ORDER BY without LIMIT: a range shuffle, then a sort per partition; the whole order is compared
        EmberQueryCheck.orderedSql("SELECT " + key + " AS k, i64, s FROM ex_all ORDER BY " + key
                        + " DESC NULLS FIRST, i64, s, i32")
                .assertSameAnswer()
                .assertEmberRan(EXCHANGE, "EmberSortExec");
    }

    @Test
    void rangePartitioningBySeveralAndComputedKeys() {
        EmberQueryCheck.orderedSql("SELECT i32, s, f64 FROM ex_all ORDER BY s NULLS LAST, i32 % 10, f64 DESC, i64, d38")
                .assertSameAnswer()
                .assertEmberRan(EXCHANGE);
        EmberQueryCheck.sql("SELECT /*+ REPARTITION_BY_RANGE(4, d12) */ d12, s FROM ex_all")
                .assertSameAnswer()
                .assertEmberRan(EXCHANGE);
        SharedSpark.withConf(Map.of("spark.sql.adaptive.enabled", "false"),
                () -> EmberQueryCheck.orderedSql("SELECT day, ts FROM ex_all ORDER BY day, ts NULLS LAST, i64, s, i32")
                        .assertSameAnswer()
                        .assertEmberRan(EXCHANGE));
    }

    @Test
    void emptyAndOneRowInputs() {
        for (String table : List.of("ex_empty", "ex_one")) {
            EmberQueryCheck.sql("SELECT s, count(*), sum(d12) FROM " + table + " GROUP BY s")
                    .assertSameAnswer();
            EmberQueryCheck.sql("SELECT count(*), max(ts) FROM " + table)
                    .assertSameAnswer();
            EmberQueryCheck.orderedSql("SELECT i32, s FROM " + table + " ORDER BY i32, s")
                    .assertSameAnswer();
        }
    }

    /**
     * A hash exchange over batches that have rows and no columns: what it hashes is constants or scalar
     * subqueries. Each partition's rows are counted even so. Found by the fuzzer (seed 20261207, query
     * 36203): an {@code EXCEPT} of a scalar subquery's value became an anti join on constant keys, and
     * the exchanges below it wrote no row, so the answer lost its one row.
     */
    @ParameterizedTest
    @ValueSource(booleans = {true, false})
    void rowsWithoutColumnsKeepTheirCount(boolean adaptive) {
        // tables over RDDs, as the fuzzer's, and no broadcasts: the set operation becomes a shuffled join
        SparkSession session = SharedSpark.session();
        Dataset<Row> all = session.table("ex_all");
        session.createDataFrame(all.javaRDD(), all.schema()).createOrReplaceTempView("ex_rdd_left");
        session.createDataFrame(all.limit(40).javaRDD(), all.schema()).createOrReplaceTempView("ex_rdd_right");
        List<String> queries = List.of(
                "(SELECT (SELECT max(ts) FROM ex_all) AS o FROM ex_rdd_left)"
                        + " EXCEPT (SELECT TIMESTAMP '2000-02-29 01:59:58' AS o FROM ex_rdd_right)",
                "(SELECT (SELECT max(ts) FROM ex_all WHERE s = 'no such value') AS o FROM ex_rdd_left)"
                        + " EXCEPT (SELECT TIMESTAMP '2000-02-29 01:59:58' AS o FROM ex_rdd_right)");
        for (String query : queries) {
            SharedSpark.withConf(Map.of("spark.sql.adaptive.enabled", String.valueOf(adaptive),
                    "spark.sql.autoBroadcastJoinThreshold", "-1",
                    "spark.sql.adaptive.autoBroadcastJoinThreshold", "-1"),
                    () -> EmberQueryCheck.sql(query)
                            .assertSameAnswer()
                            .assertEmberRan(EXCHANGE, "EmberShuffledHashJoinExec"));
        }
    }

    @Test
    void withoutAdaptiveExecution() {
        SharedSpark.withConf(Map.of("spark.sql.adaptive.enabled", "false"), () -> {
            EmberQueryCheck.sql("SELECT day, count(*), sum(d38) FROM ex_all GROUP BY day")
                    .assertSameAnswer()
                    .assertEmberRan(EXCHANGE);
            return EmberQueryCheck.sql("SELECT /*+ REPARTITION(3, s) */ * FROM ex_all")
                    .assertSameAnswer()
                    .assertEmberRan(EXCHANGE);
        });
    }

    @Test
    void roundRobinFollowsSparksRetryRule() {
        EmberQueryCheck.sql("SELECT /*+ REPARTITION(6) */ i32, s FROM ex_all")
                .assertSameAnswer()
                .assertFallback("ShuffleExchangeExec", "sortBeforeRepartition");
        SharedSpark.withConf(Map.of("spark.sql.execution.sortBeforeRepartition", "false"),
                () -> EmberQueryCheck.sql("SELECT /*+ REPARTITION(6) */ i32, s FROM ex_all")
                        .assertSameAnswer()
                        .assertEmberRan(EXCHANGE));
    }

    @Test
    void coalescedReadsOfManySmallPartitions() {
        SharedSpark.withConf(Map.of("spark.sql.shuffle.partitions", "50",
                        "spark.sql.adaptive.coalescePartitions.enabled", "true"),
                () -> EmberQueryCheck.sql("SELECT i16, count(*), sum(f32) FROM ex_all GROUP BY i16")
                        .assertSameAnswer()
                        .assertEmberRan(EXCHANGE));
    }

    @Test
    void joinOfEmberExchangeWithSparkExchange() {
        // the left side's UDF keeps its projection, so its exchange, in Spark: the two sides' hash
        // partitionings must put every key in the same partition
        SharedSpark.withConf(Map.of("spark.sql.autoBroadcastJoinThreshold", "-1"),
                () -> EmberQueryCheck.sql("""
                        SELECT l.k, l.s, r.i64, r.d12
                        FROM (SELECT ex_spark_only(i32 % 1000) AS k, s FROM ex_all) l
                        JOIN (SELECT i32 % 1000 + 1 AS k, i64, d12 FROM ex_all) r ON l.k = r.k""")
                        .assertSameAnswer()
                        .assertEmberRan(EXCHANGE));
    }

    @Test
    void joinOnEveryKeyTypeThroughEmberExchanges() {
        SharedSpark.withConf(Map.of("spark.sql.autoBroadcastJoinThreshold", "-1"), () -> {
            for (String key : KEYS) {
                EmberQueryCheck.sql("SELECT a." + key + ", count(*) FROM ex_all a JOIN ex_all b ON a." + key + " = b."
                                + key + " GROUP BY a." + key)
                        .assertSameAnswer()
                        .assertEmberRan(EXCHANGE);
            }
            return null;
        });
    }

    @Test
    void skewedJoinSplitsTheHotPartition() {
        Map<String, String> skew = Map.of(
                "spark.sql.autoBroadcastJoinThreshold", "-1",
                "spark.sql.adaptive.skewJoin.enabled", "true",
                "spark.sql.adaptive.skewJoin.skewedPartitionFactor", "1",
                "spark.sql.adaptive.skewJoin.skewedPartitionThresholdInBytes", "100",
                "spark.sql.adaptive.advisoryPartitionSizeInBytes", "100",
                "spark.sql.adaptive.coalescePartitions.enabled", "false");
        String query = "SELECT a.k, a.n, b.s FROM ex_skewed a JOIN (SELECT DISTINCT k, s FROM ex_skewed) b"
                + " ON a.k = b.k";
        SharedSpark.withConf(skew, () -> {
            EmberQueryCheck.sql(query).assertSameAnswer().assertEmberRan(EXCHANGE);
            SparkSession session = SharedSpark.session();
            Dataset<Row> dataset = session.sql(query);
            dataset.collect();
            assertTrue(hasSkewSplit(dataset.queryExecution().executedPlan()),
                    () -> "no skew split in " + dataset.queryExecution().executedPlan().treeString());
            return null;
        });
    }

    @Test
    void reusedExchange() {
        String query = """
                WITH t AS (SELECT s, sum(i64 % 100) AS total, count(*) AS c FROM ex_all GROUP BY s)
                SELECT x.s, x.total, y.c FROM t x JOIN t y ON x.s = y.s""";
        EmberQueryCheck.sql(query).assertSameAnswer().assertEmberRan(EXCHANGE);
        SharedSpark.withConf(Map.of("spark.sql.adaptive.enabled", "false"),
                () -> EmberQueryCheck.sql(query).assertSameAnswer().assertEmberRan(EXCHANGE));
    }

    @Test
    void decimalSumOverflowErrorNamesTheQueryText() {
        // found by this suite: Ember's overflow error lacked the "== SQL (line 1, position 23) ==" part
        for (String adaptive : List.of("true", "false")) {
            SharedSpark.withConf(Map.of("spark.sql.adaptive.enabled", adaptive), () -> EmberQueryCheck.sql(
                            "SELECT day, count(*), sum(d38) FROM ex_all GROUP BY day")
                    .assertSameAnswer());
        }
    }

    @Test
    void disabledExchangeStaysInSpark() {
        SharedSpark.withConf(Map.of("spark.ember.exec.ShuffleExchangeExec.enabled", "false"),
                () -> EmberQueryCheck.sql("SELECT s, count(*) FROM ex_all GROUP BY s")
                        .assertSameAnswer()
                        .assertFallback("ShuffleExchangeExec", "spark.ember.exec.ShuffleExchangeExec.enabled=false"));
    }

    private static String dir(String table) {
        return TEMP.resolve(table).toString();
    }

    private static boolean hasSkewSplit(SparkPlan plan) {
        if (plan instanceof AQEShuffleReadExec read && read.hasSkewedPartition()) {
            return true;
        }
        if (plan instanceof AdaptiveSparkPlanExec adaptive) {
            return hasSkewSplit(adaptive.executedPlan());
        }
        if (plan instanceof QueryStageExec stage && hasSkewSplit(stage.plan())) {
            return true;
        }
        for (SparkPlan child : scala.jdk.javaapi.CollectionConverters.asJava(plan.children())) {
            if (hasSkewSplit(child)) {
                return true;
            }
        }
        return false;
    }
}
