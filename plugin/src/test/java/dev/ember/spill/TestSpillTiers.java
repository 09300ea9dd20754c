package dev.ember.spill;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.ember.device.cuda.CudaDevice;
import dev.ember.device.selection.Devices;
import dev.ember.exec.spill.HostSpillTier;
import dev.ember.memory.EmberMemory;
import dev.ember.testkit.EmberQueryCheck;
import dev.ember.testkit.SharedSpark;
import dev.ember.testkit.SpillFilesLeft;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;

import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Spills on a discrete GPU go device → host → disk: on the CUDA emulator with a few MiB of memory, a
 * shuffled hash join, an aggregation and a sort spill; their spills land in the host spill tier, which is too
 * small for all of them, so older spills move to disk (or new ones write past the full tier). Every answer
 * must be Spark's, the tier must have kept bytes in host memory and put bytes on disk, and afterwards it
 * holds nothing, no spill file is left and Ember's memory is released.
 *
 * <p>Runs in the {@code emulator-spill-tiers} execution of {@code plugin/pom.xml} (emulator memory 4 MiB,
 * {@code spark.ember.memory.spill.hostBytes} = 256 KiB); elsewhere it is skipped, saying why.
 */
class TestSpillTiers {
    private static final int ROWS = 30_000;
    private static final Map<String, String> SMALL_BATCHES = Map.of(
            "spark.ember.batchSizeRows", "1000",
            "spark.sql.shuffle.partitions", "2",
            "spark.sql.adaptive.coalescePartitions.enabled", "false",
            "spark.sql.autoBroadcastJoinThreshold", "-1");

    @BeforeAll
    static void createTables() {
        SparkSession session = SharedSpark.session();
        session.range(1).collect();
        assumeTrue(Devices.chosen().orElse(null) instanceof CudaDevice cuda && !cuda.memoryModel().sharesHostMemory(),
                "TestSpillTiers needs a discrete CUDA device (the emulator): it runs in the emulator-spill-tiers"
                        + " execution of plugin/pom.xml");
        assumeTrue(HostSpillTier.current().capacityBytes() > 0 && EmberMemory.root().getLimit() <= 16L << 20,
                "TestSpillTiers needs a tiny device memory and a host spill tier: it runs in the emulator-spill-tiers"
                        + " execution of plugin/pom.xml");
        long seed = Long.getLong("ember.test.seed", System.nanoTime());
        System.out.println("TestSpillTiers seed: " + seed + " (replay with -Dember.test.seed=" + seed + ")");
        Random random = new Random(seed);
        StructType schema = new StructType()
                .add("id", DataTypes.IntegerType, false)
                .add("k", DataTypes.IntegerType)
                .add("v", DataTypes.DoubleType)
                .add("s", DataTypes.StringType);
        String[] words = {"", "a", "日本語", "NaN", "😀"};
        List<Row> rows = new ArrayList<>(ROWS);
        for (int i = 0; i < ROWS; i++) {
            Integer key = random.nextInt(50) == 0 ? null : random.nextInt(ROWS / 3);
            // halves in a small range, and the special values: sums are exact in any order
            double v = switch (random.nextInt(60)) {
                case 0 -> Double.NaN;
                case 1 -> -0.0;
                case 2 -> Double.POSITIVE_INFINITY;
                default -> (random.nextInt(2001) - 1000) / 2.0;
            };
            String s = random.nextInt(40) == 0 ? null
                    : words[random.nextInt(words.length)] + "-padding-to-fill-memory-" + (i % 997);
            rows.add(RowFactory.create(i, key, random.nextInt(30) == 0 ? null : v, s));
        }
        session.createDataFrame(rows, schema).repartition(2).createOrReplaceTempView("tier_left");
        session.createDataFrame(rows.subList(0, ROWS / 2), schema).repartition(2).createOrReplaceTempView("tier_right");
    }

    @AfterEach
    void nothingIsLeft() {
        assertEquals(List.of(), SpillFilesLeft.paths(), "spill files left after the query");
        assertEquals(0, HostSpillTier.current().statistics().heldBytes(), "the host spill tier still holds spills");
        assertEquals(0, EmberMemory.awaitReleased(10_000_000_000L), "Ember still holds memory after the query");
    }

    @Test
    void joinsAggregationsAndSortsSpillThroughHostMemoryToDisk() {
        HostSpillTier.Statistics before = HostSpillTier.current().statistics();
        SharedSpark.withConf(SMALL_BATCHES, () -> {
            EmberQueryCheck.sql("SELECT l.id, l.k, r.id AS rid, l.s, r.v FROM tier_left l JOIN tier_right r ON l.k = r.k")
                    .assertSameAnswer().assertEmberRan("EmberShuffledHashJoinExec");
            EmberQueryCheck.sql("SELECT k, count(*), sum(v), count(s) FROM tier_left GROUP BY k")
                    .assertSameAnswer().assertEmberRan("EmberHashAggregateExec");
            EmberQueryCheck.orderedSql("SELECT id, k, s FROM tier_left ORDER BY s DESC NULLS LAST, k, id")
                    .assertSameAnswer().assertEmberRan("EmberSortExec");
            return null;
        });
        HostSpillTier.Statistics after = HostSpillTier.current().statistics();
        System.out.println("TestSpillTiers: " + after.describe());
        assertTrue(after.keptBytes() > before.keptBytes(), "nothing was spilled to host memory: " + after.describe());
        assertTrue(after.movedBytes() + after.bypassedBytes() > before.movedBytes() + before.bypassedBytes(),
                "nothing went on from host memory to disk: " + after.describe());
        assertTrue(after.peakBytes() <= after.capacityBytes(), after.describe());
    }
}
