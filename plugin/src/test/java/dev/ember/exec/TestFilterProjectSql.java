package dev.ember.exec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ember.plan.PlanReport;
import dev.ember.testkit.EmberQueryCheck;
import dev.ember.testkit.LogCapture;
import dev.ember.testkit.RandomData;
import dev.ember.testkit.RowComparison;
import dev.ember.testkit.SharedSpark;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.execution.SparkPlan;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** EmberFilterExec and EmberProjectExec end to end: Parquet and row sources, fallbacks, switches, metrics. */
class TestFilterProjectSql {
    static final StructType SCHEMA = new StructType(new StructField[] {
        DataTypes.createStructField("a", DataTypes.IntegerType, true),
        DataTypes.createStructField("b", DataTypes.LongType, true),
        DataTypes.createStructField("c", DataTypes.IntegerType, true),
        DataTypes.createStructField("d", DataTypes.DateType, true),
        DataTypes.createStructField("s", DataTypes.StringType, true),
        DataTypes.createStructField("x", DataTypes.DoubleType, true),
        DataTypes.createStructField("m", DataTypes.createDecimalType(15, 2), true)});

    @BeforeAll
    static void tables() throws Exception {
        SparkSession spark = SharedSpark.session();
        RandomData random = RandomData.create("TestFilterProjectSql").extremes(false);
        Path dir = Files.createTempDirectory("ember-filter-project");
        spark.createDataFrame(random.rows(SCHEMA, 5000, 7), SCHEMA).repartition(3)
                .write().parquet(dir.resolve("t").toString());
        spark.read().parquet(dir.resolve("t").toString()).createOrReplaceTempView("t");
        // RDD-backed views: a local relation would let the optimizer fold filters and projections away
        rddView(spark, random.rows(SCHEMA, 300, 5), "rows_t");
        rddView(spark, List.of(), "empty_t");
        rddView(spark, random.rows(SCHEMA, 1, 5), "one_t");
        // one partition: with several, which failing task's error surfaces first is up to the scheduler
        rddView(spark, RandomData.create("TestFilterProjectSql extremes").rows(SCHEMA, 300, 5), "extreme_t", 1);
    }

    private static void rddView(SparkSession spark, List<Row> rows, String name) {
        rddView(spark, rows, name, 2);
    }

    private static void rddView(SparkSession spark, List<Row> rows, String name, int partitions) {
        JavaSparkContext context = JavaSparkContext.fromSparkContext(spark.sparkContext());
        spark.createDataFrame(context.parallelize(rows, partitions), SCHEMA).createOrReplaceTempView(name);
    }

    @Test
    void parquetQueryRunsFilterAndProjectOnEmberAndExplains() {
        try (LogCapture log = new LogCapture("dev.ember.Explain")) {
            EmberQueryCheck check = EmberQueryCheck.sql("SELECT a * 2 + b, substring(s, 1, 3) FROM t"
                            + " WHERE c > 10 AND s LIKE 'x%' AND d >= DATE '2020-01-01'")
                    .assertSameAnswer()
                    .assertEmberRan("EmberFilterExec", "EmberProjectExec", "EmberParquetScanExec");
            PlanReport report = check.report();
            assertEquals(0, report.rowToColumnar(), "Ember's Parquet scan makes the batches: " + report);
            assertEquals(1, report.columnarToRow(), "Ember's batches leave to Spark once: " + report);
            assertTrue(report.fallbacks().stream().noneMatch(f -> f.node().startsWith("AdaptiveSparkPlan")
                    || f.node().endsWith("QueryStageExec") || f.node().equals("InputAdapter")),
                    "structural nodes are not fallbacks: " + report.fallbacks());
            assertTrue(log.text().contains("*Exec <FilterExec> will run on Ember as EmberFilterExec"), log.text());
            assertTrue(log.text().contains("*Exec <ProjectExec> will run on Ember as EmberProjectExec"), log.text());
            if (System.getProperty("ember.test.device", "host").equals("emulator")) {
                // on the CUDA path explain names the kernels each node launches
                assertTrue(log.text().contains("selectTrue (kernels count_true_flags"), log.text());
                assertTrue(log.text().contains("kernel evaluate_program"), log.text());
            }
        }
    }

    @Test
    void rowSourcesAreConvertedToBatches() {
        EmberQueryCheck.sql("SELECT a, b - c AS diff, x * 2 FROM rows_t WHERE a IS NOT NULL AND x > 0")
                .assertSameAnswer()
                .assertEmberRan("EmberFilterExec", "EmberProjectExec", "EmberRowToColumnarExec");
    }

    @Test
    void emptyAndOneRowInputs() {
        EmberQueryCheck.sql("SELECT a + 1, s FROM empty_t WHERE c > 0").assertSameAnswer();
        EmberQueryCheck.sql("SELECT a + 1, s, m * 2 FROM one_t WHERE a IS NULL OR a IS NOT NULL")
                .assertSameAnswer()
                .assertEmberRan("EmberFilterExec", "EmberProjectExec");
    }

    @Test
    void smallBatchesGiveTheSameAnswerInManyBatches() {
        SharedSpark.withConf(Map.of("spark.ember.batchSizeRows", "7"), () -> {
            EmberQueryCheck check = EmberQueryCheck.sql("SELECT a, c, s FROM t WHERE c > 0")
                    .assertSameAnswer()
                    .assertEmberRan("EmberFilterExec");
            assertTrue(check.ember().rows().size() > 7, "the query should span several batches");
            return null;
        });
    }

    @Test
    void metricsCountRowsAndBatches() {
        SparkSession spark = SharedSpark.session();
        Dataset<Row> query = spark.sql("SELECT a, c FROM t WHERE c > 0");
        long rows = query.collectAsList().size();
        SparkPlan plan = query.queryExecution().executedPlan();
        // with adaptive execution the final plan sits inside the adaptive node
        PlanReport report = PlanReport.of(plan);
        assertTrue(report.emberNodes().contains("EmberFilterExec"), report.toString());
        long counted = 0;
        for (SparkPlan node : allNodes(plan)) {
            if (node instanceof EmberFilterExec filter) {
                counted += filter.metrics().apply(EmberExec.OUTPUT_ROWS).value();
                assertTrue(filter.metrics().apply(EmberExec.OUTPUT_BATCHES).value() > 0);
            }
        }
        assertEquals(rows, counted, "EmberFilterExec's output rows metric");
    }

    @Test
    void metricsCountKernelLaunchesAndKernelTime() {
        String sql = "SELECT a * 2 + b, c + 1 FROM t WHERE c > 10 AND a IS NOT NULL";
        EmberQueryCheck check = EmberQueryCheck.sql(sql).assertSameAnswer()
                .assertEmberRan("EmberFilterExec", "EmberProjectExec");
        Dataset<Row> query = SharedSpark.session().sql(sql);
        List<Row> rows = query.collectAsList();
        assertEquals(null, RowComparison.difference(check.spark().rows(), rows, false), "the metered run's answer");
        boolean kernels = System.getProperty("ember.test.device", "host").equals("emulator");
        int metered = 0;
        for (SparkPlan node : allNodes(query.queryExecution().executedPlan())) {
            if (node instanceof EmberFilterExec || node instanceof EmberProjectExec) {
                metered++;
                long launches = node.metrics().apply(EmberExec.KERNEL_LAUNCHES).value();
                long kernelTime = node.metrics().apply(EmberExec.KERNEL_TIME).value();
                long batches = node.metrics().apply(EmberExec.OUTPUT_BATCHES).value();
                String what = node.nodeName() + ": " + launches + " launches, " + kernelTime + " ns kernel time, "
                        + batches + " batches";
                System.out.println("kernel metrics on " + SharedSpark.session().conf().get("spark.ember.device") + ": "
                        + what);
                if (kernels) {
                    // every output batch needed at least one kernel: the condition or a computed column
                    assertTrue(batches > 0 && launches >= batches, what);
                    assertTrue(kernelTime > 0, what);
                } else {
                    assertEquals(0, launches, "the host device launches no kernels; " + what);
                    assertEquals(0, kernelTime, "the host device launches no kernels; " + what);
                }
            } else if (node instanceof EmberExec) {
                assertEquals(0, node.metrics().apply(EmberExec.KERNEL_LAUNCHES).value(),
                        node.nodeName() + " launches no kernels of its own");
            }
        }
        assertEquals(2, metered, "EmberFilterExec and EmberProjectExec in the executed plan");
    }

    @Test
    void disabledOperatorStaysInSparkWithTheReason() {
        SharedSpark.withConf(Map.of("spark.ember.exec.FilterExec.enabled", "false"), () -> {
            EmberQueryCheck.sql("SELECT a FROM rows_t WHERE c > 10")
                    .assertSameAnswer()
                    .assertFallback("FilterExec", "disabled by spark.ember.exec.FilterExec.enabled=false");
            return null;
        });
    }

    @Test
    void unsupportedExpressionStaysInSparkWithTheReason() {
        EmberQueryCheck check = EmberQueryCheck.sql("SELECT initcap(s) FROM rows_t WHERE c > 10").assertSameAnswer();
        assertTrue(check.report().fallbacks().stream()
                .anyMatch(f -> f.node().equals("ProjectExec") && f.reason().toLowerCase().contains("initcap")),
                check.report().fallbacks().toString());
    }

    @Test
    void unsupportedTypeStaysInSparkWithTheReason() {
        EmberQueryCheck.sql("SELECT array(a, c) AS arr FROM rows_t WHERE c > 10")
                .assertSameAnswer()
                .assertFallback("ProjectExec", "array<int>");
    }

    @Test
    void ansiCastOfAComputedDecimalToIntStaysInSpark() {
        EmberQueryCheck.sql("SELECT CAST(CAST(a AS DECIMAL(5, 2)) + CAST(c AS DECIMAL(5, 2)) AS INT) FROM rows_t"
                        + " WHERE abs(a) < 1000 AND abs(c) < 1000")
                .assertSameAnswer()
                .assertFallback("ProjectExec", "an ANSI CAST of a computed decimal(6,2) to int");
        EmberQueryCheck.sql("SELECT CAST(m AS INT) AS mi, CAST(m AS SHORT) AS ms FROM rows_t WHERE m BETWEEN -30000 AND 30000")
                .assertSameAnswer()
                .assertEmberRan("EmberProjectExec");
    }

    @Test
    void explainOnlyPlansButRunsEverythingInSpark() {
        try (LogCapture log = new LogCapture("dev.ember.Explain")) {
            SharedSpark.withConf(Map.of("spark.ember.mode", "explainOnly"), () -> {
                EmberQueryCheck.sql("SELECT a + 1 FROM rows_t WHERE c > 10").assertSameAnswer().assertNoEmber();
                return null;
            });
            assertTrue(log.text().contains("explainOnly"), log.text());
            assertTrue(log.text().contains("will run on Ember as EmberFilterExec"), log.text());
        }
    }

    @Test
    void emberOffRunsNothingOnEmber() {
        SharedSpark.withConf(Map.of("spark.ember.enabled", "false"), () -> {
            Dataset<Row> query = SharedSpark.session().sql("SELECT a + 1 FROM rows_t WHERE c > 10");
            query.collect();
            assertTrue(PlanReport.of(query.queryExecution().executedPlan()).emberNodes().isEmpty());
            return null;
        });
    }

    @Test
    void badSessionSettingLeavesTheQueryToSparkWithAWarning() {
        try (LogCapture log = new LogCapture("dev.ember.plan.EmberOverrides")) {
            SharedSpark.withConf(Map.of("spark.ember.batchSizeRows", "many"), () -> {
                Dataset<Row> query = SharedSpark.session().sql("SELECT a + 1 FROM rows_t WHERE c > 10");
                query.collect();
                assertTrue(PlanReport.of(query.queryExecution().executedPlan()).emberNodes().isEmpty());
                return null;
            });
            assertTrue(log.text().contains("Invalid value 'many' for spark.ember.batchSizeRows"), log.text());
        }
    }

    /**
     * Spark's filter skips a row at the first conjunct that is null or false, so a later conjunct's error
     * on that row is never raised, while the condition as one expression evaluates AND's right side after
     * a null left one (fuzz seed 20261204, query 454).
     */
    @Test
    void aConjunctAfterANullOneIsNotEvaluated() {
        List<Row> rows = List.of(RowFactory.create(null, null, 5, null, "not a number", 1.0, null),
                RowFactory.create(7, 2L, 5, null, "42", 2.0, null));
        rddView(SharedSpark.session(), rows, "conjunct_t", 1);
        EmberQueryCheck answered = EmberQueryCheck.sql("SELECT a, s FROM conjunct_t WHERE (a > 0 OR b > 5)"
                + " AND CAST(s AS INT) > 0").assertSameAnswer().assertEmberRan("EmberFilterExec");
        if (!answered.acceptedMemoryError()) {
            assertEquals(1, answered.spark().rows().size(), answered.spark().rows().toString());
        }
        // the row passes the first conjunct: Spark's error
        EmberQueryCheck failed = EmberQueryCheck.sql("SELECT a, s FROM conjunct_t WHERE (c > 0 OR b > 5)"
                + " AND CAST(s AS INT) > 0").assertSameAnswer().assertEmberRan("EmberFilterExec");
        if (!failed.acceptedMemoryError()) {
            assertTrue(failed.spark().error().isPresent(), "Spark answered " + failed.spark().rows());
        }
        // Spark evaluates a column's IS NOT NULL only before the first conjunct that reads the column
        EmberQueryCheck.sql("SELECT a, s FROM conjunct_t WHERE CAST(s AS INT) > 0 AND a IS NOT NULL")
                .assertSameAnswer().assertEmberRan("EmberFilterExec");
        EmberQueryCheck.sql("SELECT a, s FROM conjunct_t WHERE a IS NOT NULL AND CAST(s AS INT) + a > 0")
                .assertSameAnswer().assertEmberRan("EmberFilterExec");
    }

    @Test
    void ansiErrorsMatchSpark() {
        EmberQueryCheck.sql("SELECT a, c % (a - a) FROM rows_t WHERE a IS NOT NULL").assertSameAnswer()
                .assertEmberRan("EmberProjectExec");
        EmberQueryCheck.sql("SELECT b * 9223372036854775807 FROM rows_t WHERE b > 1").assertSameAnswer()
                .assertEmberRan("EmberProjectExec");
        EmberQueryCheck.sql("SELECT a + 1, b - 1, -c FROM extreme_t").assertSameAnswer()
                .assertEmberRan("EmberProjectExec");
        SharedSpark.withConf(Map.of("spark.sql.ansi.enabled", "false"), () -> {
            EmberQueryCheck.sql("SELECT a, c % (a - a), b * 9223372036854775807, a + 1, -c FROM extreme_t")
                    .assertSameAnswer()
                    .assertEmberRan("EmberProjectExec");
            return null;
        });
    }

    private static List<SparkPlan> allNodes(SparkPlan root) {
        List<SparkPlan> nodes = new java.util.ArrayList<>();
        java.util.ArrayDeque<SparkPlan> pending = new java.util.ArrayDeque<>();
        pending.add(root);
        while (!pending.isEmpty()) {
            SparkPlan node = pending.poll();
            nodes.add(node);
            if (node instanceof org.apache.spark.sql.execution.adaptive.AdaptiveSparkPlanExec adaptive) {
                pending.add(adaptive.executedPlan());
            }
            if (node instanceof org.apache.spark.sql.execution.adaptive.QueryStageExec stage) {
                pending.add(stage.plan());
            }
            pending.addAll(Seqs.toList(node.children()));
        }
        return nodes;
    }
}
