package dev.ember.exec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ember.exec.sort.EmberSortExec;
import dev.ember.testkit.EmberQueryCheck;
import dev.ember.testkit.LogCapture;
import dev.ember.testkit.RandomData;
import dev.ember.testkit.RowComparison;
import dev.ember.testkit.SharedSpark;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.execution.SparkPlan;
import org.apache.spark.sql.execution.adaptive.AdaptiveSparkPlanExec;
import org.apache.spark.sql.execution.adaptive.QueryStageExec;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Where each primitive ran, as explain output and the per-node SQL metric {@code number of primitive
 * calls on the host (GPU device)} say: on a CUDA device (the emulator run of this class) the filter,
 * sorts on short keys and on 300-byte strings, and groupings by fixed-width or string keys, with a string min or
 * with stddev's moments run as kernels and count none, while inputs the kernels refuse are counted on their node;
 * on the host
 * device the metric stays 0
 * everywhere (running on the host is what that device is for).
 */
class TestHostPrimitiveMetrics {
    private static final StructType SCHEMA = new StructType(new StructField[] {
        DataTypes.createStructField("a", DataTypes.IntegerType, true),
        DataTypes.createStructField("c", DataTypes.IntegerType, true),
        DataTypes.createStructField("s", DataTypes.StringType, true)});

    @BeforeAll
    static void tables() {
        SparkSession spark = SharedSpark.session();
        RandomData random = RandomData.create("TestHostPrimitiveMetrics");
        JavaSparkContext context = JavaSparkContext.fromSparkContext(spark.sparkContext());
        spark.createDataFrame(context.parallelize(random.rows(SCHEMA, 2000, 50), 2), SCHEMA)
                .createOrReplaceTempView("metric_t");
        StructType longSchema = new StructType(new StructField[] {
            DataTypes.createStructField("a", DataTypes.IntegerType, true),
            DataTypes.createStructField("l", DataTypes.StringType, true)});
        List<Row> longRows = new ArrayList<>();
        for (int i = 0; i < 300; i++) {
            // 300 shared bytes, then a short random tail: the order is decided past byte 256
            String tail = Integer.toString(new java.util.Random(random.seed() + i).nextInt(50));
            longRows.add(org.apache.spark.sql.RowFactory.create(i, i % 17 == 0 ? null : "x".repeat(300) + tail));
        }
        spark.createDataFrame(longRows, longSchema).createOrReplaceTempView("metric_long");
    }

    private static boolean onCudaDevice() {
        return System.getProperty("ember.test.device", "host").equals("emulator");
    }

    @Test
    void sortCountsItsHostPrimitiveAndFilterCountsNone() {
        String sql = "SELECT a, s FROM metric_t WHERE c > 10 ORDER BY a, s";
        try (LogCapture log = new LogCapture("dev.ember.Explain")) {
            SharedSpark.withConf(Map.of("spark.ember.explain", "ALL"), () -> {
                EmberQueryCheck check = EmberQueryCheck.orderedSql(sql).assertSameAnswer()
                        .assertEmberRan("EmberFilterExec", "EmberSortExec");
                Dataset<Row> query = SharedSpark.session().sql(sql);
                List<Row> rows = query.collectAsList();
                assertEquals(null, RowComparison.difference(check.spark().rows(), rows, true), "the metered answer");
                long sortOnHost = -1;
                long filterOnHost = -1;
                for (SparkPlan node : allNodes(query.queryExecution().executedPlan())) {
                    if (node instanceof EmberSortExec) {
                        sortOnHost = node.metrics().apply(EmberExec.HOST_PRIMITIVE_CALLS).value();
                    } else if (node instanceof EmberFilterExec) {
                        filterOnHost = node.metrics().apply(EmberExec.HOST_PRIMITIVE_CALLS).value();
                    }
                }
                System.out.println("host primitive calls on " + SharedSpark.session().conf().get("spark.ember.device")
                        + ": sort " + sortOnHost + ", filter " + filterOnHost);
                assertEquals(0, filterOnHost, "the filter's primitives run as kernels or on the host device by design");
                if (onCudaDevice()) {
                    assertEquals(0, sortOnHost, "the sort's sortIndices runs as radix sort kernels");
                    assertTrue(log.text().contains("sortIndices (kernels sort_key_spread"), log.text());
                    assertTrue(log.text().contains("concatenate (kernels concatenate_fixed_1..16"), log.text());
                } else {
                    assertEquals(0, sortOnHost, "the host device reports no fallback");
                    assertTrue(log.text().contains("sortIndices (Java on the CPU)"), log.text());
                }
                return null;
            });
        }
    }

    @Test
    void aSortByLongStringsRunsOnKernels() {
        // 300-byte keys that differ past byte 256: the radix prefix ties them, the tie-break kernel orders them
        String sql = "SELECT a, l FROM metric_long ORDER BY l, a";
        SharedSpark.withConf(Map.of("spark.ember.explain", "ALL"), () -> {
            EmberQueryCheck.orderedSql(sql).assertSameAnswer().assertEmberRan("EmberSortExec");
            Dataset<Row> query = SharedSpark.session().sql(sql);
            query.collectAsList();
            long sortOnHost = -1;
            for (SparkPlan node : allNodes(query.queryExecution().executedPlan())) {
                if (node instanceof EmberSortExec) {
                    sortOnHost = node.metrics().apply(EmberExec.HOST_PRIMITIVE_CALLS).value();
                }
            }
            assertEquals(0, sortOnHost, "300-byte string keys sort on the kernels (or on the host device by design)");
            return null;
        });
    }

    @Test
    void aggregationsRunOnKernels() {
        // fixed-width and string keys, a string min and stddev's moments run on the group-by kernels (what the
        // group-by kernels refuse, collated strings, Ember leaves to Spark at planning)
        String fixed = "SELECT a % 7 AS k, count(*), sum(c), min(c), max(a) FROM metric_t GROUP BY a % 7";
        String stringKeys = "SELECT s, a % 3 AS k, count(*), sum(c), count(s) FROM metric_t GROUP BY s, a % 3";
        String strings = "SELECT a % 7 AS k, min(s), max(s), count(*) FROM metric_t GROUP BY a % 7";
        String moments = "SELECT a % 7 AS k, stddev(c), variance(a), count(*) FROM metric_t GROUP BY a % 7";
        SharedSpark.withConf(Map.of("spark.ember.explain", "ALL"), () -> {
            for (String sql : List.of(fixed, stringKeys, strings, moments)) {
                EmberQueryCheck.sql(sql).assertSameAnswer().assertEmberRan("EmberHashAggregateExec");
                assertEquals(0, hostCallsOf(sql, dev.ember.exec.aggregate.EmberHashAggregateExec.class),
                        "no host calls for " + sql);
            }
            return null;
        });
    }

    @Test
    void aProjectionCountsTheExpressionsTheKernelRefuses() {
        // a cast from a string runs on the host interpreter over unified memory, counted on the projection
        String sql = "SELECT a, try_cast(s AS INT) AS n, length(s) AS l FROM metric_t";
        SharedSpark.withConf(Map.of("spark.ember.explain", "ALL"), () -> {
            EmberQueryCheck.sql(sql).assertSameAnswer().assertEmberRan("EmberProjectExec");
            long onHost = hostCallsOf(sql, EmberProjectExec.class);
            if (onCudaDevice()) {
                assertTrue(onHost > 0, "a cast from a string runs on the host, counted: " + onHost);
            } else {
                assertEquals(0, onHost, "the host device counts no host calls");
            }
            return null;
        });
    }

    /** Runs {@code sql} and sums the host-call metric of its nodes of class {@code nodes}. */
    private static long hostCallsOf(String sql, Class<? extends SparkPlan> nodes) {
        Dataset<Row> query = SharedSpark.session().sql(sql);
        query.collectAsList();
        long onHost = 0;
        for (SparkPlan node : allNodes(query.queryExecution().executedPlan())) {
            if (nodes.isInstance(node)) {
                onHost += node.metrics().apply(EmberExec.HOST_PRIMITIVE_CALLS).value();
            }
        }
        return onHost;
    }

    private static List<SparkPlan> allNodes(SparkPlan plan) {
        List<SparkPlan> nodes = new ArrayList<>();
        collect(plan, nodes);
        return nodes;
    }

    private static void collect(SparkPlan plan, List<SparkPlan> nodes) {
        nodes.add(plan);
        if (plan instanceof AdaptiveSparkPlanExec adaptive) {
            collect(adaptive.executedPlan(), nodes);
        } else if (plan instanceof QueryStageExec stage) {
            collect(stage.plan(), nodes);
        }
        scala.collection.Iterator<SparkPlan> children = plan.children().iterator();
        while (children.hasNext()) {
            collect(children.next(), nodes);
        }
    }
}
