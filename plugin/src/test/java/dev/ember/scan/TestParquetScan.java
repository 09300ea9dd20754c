package dev.ember.scan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ember.exec.scan.EmberParquetScanExec;
import dev.ember.plan.PlanReport;
import dev.ember.testkit.EmberQueryCheck;
import dev.ember.testkit.RandomData;
import dev.ember.testkit.Schemas;
import dev.ember.testkit.SharedSpark;
import java.io.File;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.execution.SparkPlan;
import org.apache.spark.sql.execution.adaptive.AdaptiveSparkPlanExec;
import org.apache.spark.sql.execution.adaptive.QueryStageExec;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import scala.jdk.javaapi.CollectionConverters;

/**
 * Ember's Parquet scan against Spark's, in one session: every carried type (nulls, NaN, -0.0, empty
 * strings, min/max values; plain and dictionary-encoded pages; decimals stored as ints, longs and
 * fixed-length bytes), partitioned tables with static and dynamic pruning, pushed filters that skip row
 * groups, several files and files split across tasks, empty files, columns read in another order and
 * missing from a file, and the scans that stay in Spark with their reasons. Each query checks that the
 * scan ran as {@code EmberParquetScanExec} and that no copy or row transition fed Ember above it.
 */
class TestParquetScan {
    static final String SCAN = "EmberParquetScanExec";

    @TempDir
    static Path TEMP;

    static String dir(String name) {
        return TEMP.resolve(name).toString();
    }

    @BeforeAll
    static void createTables() {
        SparkSession session = SharedSpark.session();
        RandomData random = RandomData.create("TestParquetScan");
        StructType schema = Schemas.everyCarriedType().add("d7", DataTypes.createDecimalType(7, 3));
        List<Row> rows = new ArrayList<>(random.rows(schema, 3000, 7));
        rows.add(RowFactory.create(null, null, null, null, null, null, null, null, null, null, null, "", null));
        rows.add(RowFactory.create(null, null, null, null, null, -0.0f, -0.0d, null, null, null, null, "", null));
        rows.add(RowFactory.create(null, null, null, null, null, Float.NaN, Double.NaN, null, null, null, null, null,
                null));
        session.createDataFrame(rows, schema).repartition(3).write().mode("overwrite").parquet(dir("all"));
        session.read().parquet(dir("all")).createOrReplaceTempView("pq_all");
        // few distinct values: Parquet's writer dictionary-encodes them and Spark decodes them lazily
        session.sql("SELECT id, CAST(id % 5 AS INT) AS k, concat('v', CAST(id % 7 AS STRING)) AS s,"
                + " CAST(id % 3 AS DOUBLE) AS x, IF(id % 11 = 0, NULL, CAST(id % 4 AS BIGINT)) AS n,"
                + " CAST(id % 9 AS DECIMAL(10, 2)) AS d FROM range(0, 20000, 1, 2)")
                .write().mode("overwrite").parquet(dir("dict"));
        session.read().parquet(dir("dict")).createOrReplaceTempView("pq_dict");
        // a partitioned table: p (int) and q (string) from the directory names
        session.sql("SELECT id, CAST(id % 4 AS INT) AS p, IF(id % 3 = 0, 'a', 'b') AS q, CAST(id AS DOUBLE) / 7 AS v,"
                + " concat('row', CAST(id AS STRING)) AS s FROM range(0, 4000, 1, 2)")
                .write().mode("overwrite").partitionBy("p", "q").parquet(dir("parted"));
        session.read().parquet(dir("parted")).createOrReplaceTempView("pq_parted");
        session.sql("SELECT * FROM VALUES (0, 'x'), (2, 'y'), (5, 'z') AS dim(p, name)")
                .write().mode("overwrite").parquet(dir("dim"));
        session.read().parquet(dir("dim")).createOrReplaceTempView("pq_dim");
        // sorted, with small row groups, so that pushed filters skip row groups and files split
        session.sql("SELECT id, id * 3 AS triple, concat('s', CAST(id AS STRING)) AS s FROM range(0, 200000, 1, 1)")
                .write().mode("overwrite").option("parquet.block.size", 256 * 1024).parquet(dir("sorted"));
        session.read().parquet(dir("sorted")).createOrReplaceTempView("pq_sorted");
        // a table of one row and empty files (Spark writes a file with a footer only for an empty task)
        session.createDataFrame(rows.subList(0, 1), schema).write().mode("overwrite").parquet(dir("sparse"));
        session.createDataFrame(List.of(), schema).repartition(2).write().mode("append").parquet(dir("sparse"));
        session.read().parquet(dir("sparse")).createOrReplaceTempView("pq_sparse");
    }

    /** The check every query here makes: same answer, the Ember scan ran, nothing converted above it. */
    static EmberQueryCheck check(String sql, String... nodes) {
        EmberQueryCheck check = checkNoCopy(sql, nodes);
        PlanReport report = check.report();
        assertEquals(0, report.rowToColumnar(), () -> "row-to-columnar transitions: " + report);
        return check;
    }

    /** As {@link #check}, for plans with an Arrow broadcast (which the report counts as a transition). */
    static EmberQueryCheck checkNoCopy(String sql, String... nodes) {
        EmberQueryCheck check = EmberQueryCheck.sql(sql).assertSameAnswer().assertEmberRan(SCAN).assertEmberRan(nodes);
        PlanReport report = check.report();
        assertFalse(report.emberNodes().contains("EmberCopyToArrowExec"), () -> "a copy ran: " + report);
        assertFalse(report.emberNodes().contains("EmberRowToColumnarExec"), () -> "a row transition ran: " + report);
        return check;
    }

    @Test
    void everyCarriedTypeAsItIs() {
        check("SELECT * FROM pq_all");
        check("SELECT * FROM pq_all WHERE i32 IS NULL OR i32 > 0", "EmberFilterExec");
        check("SELECT s, count(*), sum(d12), sum(d7), max(d38), min(f64), max(f32), max(ts), min(day), max(b),"
                + " sum(i8), sum(i16), max(i64) FROM pq_all GROUP BY s", "EmberHashAggregateExec");
    }

    @Test
    void oneRowAndEmptyFilesAndBatches() {
        check("SELECT * FROM pq_all WHERE i32 = 0 OR s = ''", "EmberFilterExec");
        check("SELECT * FROM pq_sparse");
        check("SELECT s, count(*), max(d38) FROM pq_sparse GROUP BY s");
        check("SELECT * FROM pq_sparse WHERE i32 = 17 AND i64 = 18", "EmberFilterExec");
    }

    @Test
    void dictionaryEncodedColumns() {
        check("SELECT * FROM pq_dict");
        check("SELECT k, s, count(*), sum(x), sum(n), sum(d) FROM pq_dict GROUP BY k, s", "EmberHashAggregateExec");
    }

    @Test
    void columnsInAnotherOrderAndMissingFromTheFile() {
        check("SELECT s, d38, i8, b FROM pq_all");
        StructType reordered = new StructType().add("s", DataTypes.StringType).add("k", DataTypes.IntegerType)
                .add("missing", DataTypes.LongType).add("id", DataTypes.LongType);
        SharedSpark.session().read().schema(reordered).parquet(dir("dict")).createOrReplaceTempView("pq_reordered");
        check("SELECT * FROM pq_reordered");
        check("SELECT missing, k, count(*) FROM pq_reordered GROUP BY missing, k");
    }

    @Test
    void partitionColumnsAndStaticPruning() {
        check("SELECT * FROM pq_parted");
        check("SELECT p, q, count(*), sum(v), max(s) FROM pq_parted GROUP BY p, q");
        String pruned = "SELECT id, p, q, s FROM pq_parted WHERE p = 2 AND q = 'a'";
        check(pruned);
        EmberParquetScanExec scan = executedScan(pruned);
        long files = metric(scan, "numFiles");
        long allFiles = metric(executedScan("SELECT id, p, q, s FROM pq_parted"), "numFiles");
        assertTrue(files > 0 && files < allFiles, () -> "pruning read " + files + " of " + allFiles + " files");
        assertEquals(1, metric(scan, "numPartitions"));
    }

    @Test
    void dynamicPartitionPruning() {
        String query = "SELECT f.id, f.p, f.q, d.name FROM pq_parted f JOIN pq_dim d ON f.p = d.p WHERE d.name = 'y'";
        for (String adaptive : List.of("true", "false")) {
            SharedSpark.withConf(Map.of("spark.sql.adaptive.enabled", adaptive,
                    "spark.sql.optimizer.dynamicPartitionPruning.reuseBroadcastOnly", "false"), () -> {
                checkNoCopy(query, "EmberBroadcastHashJoinExec");
                EmberParquetScanExec scan = executedScans(query).stream()
                        .filter(s -> s.scan().relation().partitionSchema().nonEmpty()).findFirst().orElseThrow();
                assertTrue(scan.scan().partitionFilters().toString().contains("dynamicpruning"),
                        () -> "no dynamic filter: " + scan.scan().partitionFilters());
                // p = 2 holds two directories (q = a, q = b) of the eight
                assertEquals(2, metric(scan, "numPartitions"), "partitions read with adaptive=" + adaptive);
                return null;
            });
        }
    }

    @Test
    void pushedFiltersSkipRowGroups() {
        String query = "SELECT id, triple, s FROM pq_sorted WHERE id >= 190000";
        check(query, "EmberFilterExec");
        EmberParquetScanExec scan = executedScan(query);
        assertTrue(scan.scan().pushedDownFilters().nonEmpty(), "no pushed filter");
        long rows = metric(scan, "numOutputRows");
        assertTrue(rows >= 10000 && rows < 200000, () -> "the scan read " + rows + " rows; row groups were not skipped");
    }

    @Test
    void filesSplitAcrossTasks() {
        SharedSpark.withConf(Map.of("spark.sql.files.maxPartitionBytes", "200k", "spark.sql.files.openCostInBytes",
                "1k"), () -> {
                    String query = "SELECT count(*), sum(id), sum(triple), max(s), min(s) FROM pq_sorted";
                    check(query, "EmberHashAggregateExec");
                    Dataset<Row> frame = SharedSpark.session().sql("SELECT * FROM pq_sorted");
                    int partitions = frame.queryExecution().executedPlan().execute().getNumPartitions();
                    assertTrue(partitions > 1, () -> "one file read by " + partitions + " tasks");
                    assertEquals(200000, metric(executedScan("SELECT * FROM pq_sorted"), "numOutputRows"));
                    return null;
                });
    }

    @Test
    void metrics() {
        EmberParquetScanExec scan = executedScan("SELECT * FROM pq_all");
        assertEquals(3003, metric(scan, "numOutputRows"));
        assertEquals(3, metric(scan, "numFiles"));
        assertTrue(metric(scan, "filesSize") > 0);
        assertTrue(scan.metrics().contains("scanTime"));
        assertTrue(metric(scan, "numOutputBatches") >= 3);
    }

    @Test
    void whatStaysInSpark() {
        SharedSpark.withConf(Map.of("spark.ember.exec.FileSourceScanExec.enabled", "false"), () ->
                EmberQueryCheck.sql("SELECT * FROM pq_all WHERE i32 > 0").assertSameAnswer()
                        .assertEmberRan("EmberCopyToArrowExec", "EmberFilterExec")
                        .assertFallback("FileSourceScanExec", "spark.ember.exec.FileSourceScanExec.enabled=false"));
        SharedSpark.session().sql("SELECT * FROM pq_dict").write().mode("overwrite").json(dir("json"));
        SharedSpark.session().read().schema("id BIGINT, k INT, s STRING").json(dir("json"))
                .createOrReplaceTempView("json_dict");
        EmberQueryCheck.sql("SELECT * FROM json_dict WHERE k > 1").assertSameAnswer()
                .assertFallback("FileSourceScanExec", "Parquet files only");
        EmberQueryCheck.run(session -> session.read().parquet(dir("dict")).select("id", "_metadata.file_name"), false)
                .assertSameAnswer()
                .assertFallback("FileSourceScanExec", "metadata column");
        SharedSpark.withConf(Map.of("spark.sql.parquet.enableVectorizedReader", "false"), () ->
                EmberQueryCheck.sql("SELECT * FROM pq_dict").assertSameAnswer()
                        .assertFallback("FileSourceScanExec", "row by row"));
    }

    @Test
    void truncatedFileFailsNamingIt() throws IOException {
        File file = damagedCopy("truncated");
        try (RandomAccessFile out = new RandomAccessFile(file, "rw")) {
            out.setLength(out.length() / 2);
        }
        EmberQueryCheck check = EmberQueryCheck.sql("SELECT * FROM pq_truncated").assertSameError()
                .assertEmberRan(SCAN);
        assertNamesFile(check.ember().error().orElseThrow(), file);
    }

    @Test
    void damagedPageFailsNamingIt() throws IOException {
        File file = damagedCopy("overwritten");
        try (RandomAccessFile out = new RandomAccessFile(file, "rw")) {
            // inside the first page (its header takes a few dozen bytes): Spark's writer stored its checksum
            out.seek(200);
            byte[] junk = new byte[64];
            java.util.Arrays.fill(junk, (byte) 0x55);
            out.write(junk);
        }
        EmberQueryCheck check = EmberQueryCheck.sql("SELECT sum(id), count(*) FROM pq_overwritten")
                .assertEmberRan(SCAN);
        Throwable error = check.ember().error().orElseThrow(() -> new AssertionError(
                "Ember answered from a damaged page: " + check.ember().rows()));
        assertNamesFile(error, file);
        // Spark itself does not verify page checksums unless told to, and may answer from the damaged page
        System.out.println("Spark over the damaged page: " + check.spark().error().map(Throwable::toString)
                .orElse(String.valueOf(check.spark().rows())));
    }

    /** One uncompressed Parquet file of longs, registered with its schema so that reading it lists it afresh. */
    private static File damagedCopy(String name) {
        SparkSession session = SharedSpark.session();
        session.sql("SELECT id * 7919 AS id FROM range(0, 50000, 1, 1)").write().mode("overwrite")
                .option("compression", "none").parquet(dir(name));
        session.read().schema("id BIGINT").parquet(dir(name)).createOrReplaceTempView("pq_" + name);
        return dataFiles(name)[0];
    }

    private static void assertNamesFile(Throwable error, File file) {
        StringBuilder messages = new StringBuilder();
        for (Throwable cause = error; cause != null; cause = cause.getCause()) {
            messages.append(cause).append('\n');
        }
        assertTrue(messages.toString().contains(file.getName()), () -> "the error does not name " + file.getName()
                + ": " + messages);
    }

    static EmberParquetScanExec executedScan(String sql) {
        List<EmberParquetScanExec> scans = executedScans(sql);
        assertEquals(1, scans.size(), () -> "Ember scans: " + scans);
        return scans.get(0);
    }

    static List<EmberParquetScanExec> executedScans(String sql) {
        Dataset<Row> frame = SharedSpark.session().sql(sql);
        frame.collect();
        List<EmberParquetScanExec> found = new ArrayList<>();
        collect(frame.queryExecution().executedPlan(), found);
        return found;
    }

    private static void collect(SparkPlan plan, List<EmberParquetScanExec> found) {
        if (plan instanceof EmberParquetScanExec scan) {
            found.add(scan);
        } else if (plan instanceof AdaptiveSparkPlanExec adaptive) {
            collect(adaptive.executedPlan(), found);
        } else if (plan instanceof QueryStageExec stage) {
            collect(stage.plan(), found);
        }
        for (SparkPlan child : CollectionConverters.asJava(plan.children())) {
            collect(child, found);
        }
        for (Object subquery : CollectionConverters.asJava(plan.subqueries())) {
            collect((SparkPlan) subquery, found);
        }
    }

    static long metric(EmberParquetScanExec scan, String name) {
        return scan.metrics().get(name).get().value();
    }

    static File[] dataFiles(String table) {
        File[] files = new File(dir(table)).listFiles((d, name) -> name.endsWith(".parquet"));
        assertTrue(files != null && files.length > 0, "no Parquet files in " + table);
        return files;
    }
}
