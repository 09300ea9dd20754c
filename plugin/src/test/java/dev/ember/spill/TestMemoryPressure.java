package dev.ember.spill;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.ember.memory.EmberMemory;
import dev.ember.testkit.RowComparison;
import dev.ember.testkit.SharedSpark;
import java.io.File;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.apache.spark.SparkEnv;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The pressure test of issue 12: several queries at once, each joining, aggregating and sorting about ten
 * times Ember's memory limit of data, so that the tasks of all of them share one small limit, spill, and
 * take memory from each other between their decisions and their allocations. Every answer must be Spark's,
 * and afterwards Ember holds no memory, leaked none and left no spill file.
 *
 * <p>Runs in its own JVM (the {@code memory-pressure} execution of {@code plugin/pom.xml}) whose session has
 * {@code spark.ember.memory.host.limitBytes} = 2 MiB; in a JVM with a larger limit it is skipped. Each seed
 * makes new data; {@code -Dember.test.pressureSeeds=<n>} runs n seeds from {@code -Dember.test.seed} (default:
 * 2 seeds from the clock), see docs/troubleshooting.md for the 20-seed command.
 */
class TestMemoryPressure {
    private static final long MAX_LIMIT = 8L << 20;
    private static final int ROWS = 60_000;

    @BeforeAll
    static void requireATinyLimit() {
        SharedSpark.session();
        long limit = EmberMemory.root().getLimit();
        assumeTrue(limit <= MAX_LIMIT, "TestMemoryPressure needs a JVM whose Ember memory limit is tiny (it is "
                + limit + " bytes here); it runs in the memory-pressure execution of plugin/pom.xml");
    }

    @Test
    void concurrentJoinsAggregationsAndSortsUnderOneLimitMatchSpark() throws Exception {
        long first = Long.getLong("ember.test.seed", System.nanoTime() & 0xffffff);
        int seeds = Integer.getInteger("ember.test.pressureSeeds", 2);
        for (long seed = first; seed < first + seeds; seed++) {
            System.out.println("TestMemoryPressure seed: " + seed + " (replay with -Dember.test.seed=" + seed
                    + " -Dember.test.pressureSeeds=1)");
            runSeed(seed);
        }
    }

    private static void runSeed(long seed) throws Exception {
        SparkSession session = SharedSpark.session();
        // about 200 bytes a row: each side holds about six times the 2 MiB limit, each query reads both
        for (String side : new String[] {"left", "right"}) {
            long sideSeed = seed * 2 + (side.equals("left") ? 0 : 1);
            session.range(0, ROWS, 1, 4).selectExpr(
                    "CAST(id AS INT) AS id",
                    "IF(pmod(hash(id, " + sideSeed + "), 50) = 0, NULL, CAST(pmod(hash(id, " + (sideSeed + 7)
                            + "), " + ROWS + ") AS INT)) AS k",
                    "CAST(pmod(hash(id, " + (sideSeed + 11) + "), 2001) - 1000 AS DOUBLE) / 2 AS v",
                    "CAST(pmod(hash(id, " + (sideSeed + 13) + "), 1000000) AS BIGINT) AS n",
                    "ELT(CAST(pmod(hash(id, " + (sideSeed + 17) + "), 4) AS INT) + 1, '', 'a', '日本語', '😀') AS s",
                    "CONCAT('pad-', id, '-', REPEAT('x', 150)) AS pad")
                    .selectExpr("*", "IF(k IS NULL, NULL, CONCAT('key-', k)) AS ks")
                    .createOrReplaceTempView("pressure_" + side);
        }
        List<String> queries = List.of(
                "SELECT l.k, count(*) AS c, sum(r.v) AS sv, max(l.pad) AS mp, min(r.s) AS ms FROM pressure_left l"
                        + " JOIN pressure_right r ON l.ks = r.ks GROUP BY l.k ORDER BY c DESC, l.k",
                "SELECT l.id, l.pad, r.n FROM pressure_left l LEFT JOIN pressure_right r ON l.k = r.k"
                        + " ORDER BY l.pad DESC, r.n",
                "SELECT s, count(DISTINCT ks) AS d, sum(n) AS total, avg(v) AS a FROM (SELECT l.s, l.ks, r.n, r.v"
                        + " FROM pressure_left l FULL OUTER JOIN pressure_right r ON l.ks = r.ks) GROUP BY s ORDER BY s",
                "SELECT r.ks, max(r.id) AS f, count(*) AS c FROM pressure_right r LEFT SEMI JOIN pressure_left l"
                        + " ON r.k = l.k GROUP BY r.ks ORDER BY r.ks");
        Map<String, String> settings = new HashMap<>();
        settings.put("spark.ember.batchSizeRows", "1000");
        settings.put("spark.sql.shuffle.partitions", "4");
        settings.put("spark.sql.adaptive.coalescePartitions.enabled", "false");
        settings.put("spark.sql.autoBroadcastJoinThreshold", "-1");
        settings.put("spark.sql.join.preferSortMergeJoin", "false");
        long leaks = EmberMemory.leakCount();
        long spilledBefore = EmberMemory.manager().spilledBytes();
        SharedSpark.withConf(settings, () -> {
            List<List<Row>> expected = new ArrayList<>();
            SharedSpark.withConf(Map.of("spark.ember.enabled", "false"), () -> {
                queries.forEach(sql -> expected.add(session.sql(sql).collectAsList()));
                return null;
            });
            ExecutorService pool = Executors.newFixedThreadPool(queries.size());
            try {
                List<Future<List<Row>>> answers = new ArrayList<>();
                for (String sql : queries) {
                    answers.add(pool.submit(() -> session.sql(sql).collectAsList()));
                }
                for (int i = 0; i < queries.size(); i++) {
                    List<Row> actual = answers.get(i).get();
                    assertEquals(null, RowComparison.difference(expected.get(i), actual, true),
                            "seed " + seed + ": " + queries.get(i));
                }
            } catch (InterruptedException | ExecutionException e) {
                throw new AssertionError("seed " + seed + ": a concurrent query failed: " + e.getCause(), e);
            } finally {
                pool.shutdownNow();
            }
            return null;
        });
        System.out.println("TestMemoryPressure seed " + seed + ": the memory manager spilled "
                + (EmberMemory.manager().spilledBytes() - spilledBefore) + " bytes on request");
        assertEquals(0, EmberMemory.awaitReleased(10_000_000_000L), "seed " + seed + ": Ember still holds memory");
        assertEquals(leaks, EmberMemory.leakCount(), "seed " + seed + ": Ember leaked memory");
        List<String> left = new ArrayList<>();
        for (File file : scala.jdk.javaapi.CollectionConverters.asJava(
                SparkEnv.get().blockManager().diskBlockManager().getAllFiles())) {
            if (file.getName().startsWith("temp_local_")) {
                left.add(file.getPath());
            }
        }
        assertEquals(List.of(), left, "seed " + seed + ": spill files left");
    }
}
