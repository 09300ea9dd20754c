package dev.ember.exec.join;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ember.exec.spill.BuildBudget;
import dev.ember.exec.spill.SpillFiles;
import dev.ember.exec.spill.SpillSettings;
import dev.ember.memory.MemoryContext;
import java.util.List;
import java.util.Random;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.spark.sql.execution.metric.SQLMetric;
import org.apache.spark.sql.vectorized.ColumnarBatch;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The grace hash join against the in-memory join it replaces: over seeded random batches (null keys,
 * duplicates, a hot key), with a memory limit so small that parts are split again, every join kind with
 * and without an extra condition, both build sides and the null-aware anti join must emit exactly the
 * rows the in-memory {@link JoinStream} emits; a single key too large for the limit fails with the clear
 * error after the bounded re-splits; and every buffer and spill file is released.
 */
class TestGraceHashJoin {
    private static final long LIMIT = 160 << 10;

    private long seed;
    private BufferAllocator outputs;
    private JoinFixtures fixtures;

    @BeforeEach
    void setUp() {
        seed = Long.getLong("ember.test.seed", System.nanoTime());
        System.out.println("TestGraceHashJoin seed: " + seed + " (replay with -Dember.test.seed=" + seed + ")");
        outputs = new RootAllocator();
        fixtures = new JoinFixtures(new Random(seed), outputs);
    }

    @AfterEach
    void tearDown() {
        fixtures.close();
        outputs.close();
    }

    @Test
    void everyKindMatchesTheInMemoryJoin() {
        List<ColumnarBatch> left = fixtures.batches(3000, 500, 800, 0);
        List<ColumnarBatch> right = fixtures.batches(6000, 500, 800, 5);
        for (JoinSpec.Kind kind : JoinSpec.Kind.values()) {
            for (boolean buildLeft : new boolean[] {false, true}) {
                if (buildLeft && kind == JoinSpec.Kind.EXISTENCE) {
                    // an existence join streams its left side, in Spark and in Ember
                    continue;
                }
                for (boolean withCondition : new boolean[] {false, true}) {
                    // built on the left, semi and anti joins emit the build side's own rows
                    assertSame(JoinFixtures.spec(kind, buildLeft, withCondition, false, false), left, right);
                }
            }
            assertSame(JoinFixtures.spec(kind, false, false, true, false), left, right);
        }
    }

    @Test
    void nullAwareAntiJoinKeepsItsGlobalRules() {
        List<ColumnarBatch> stream = fixtures.batches(2000, 400, 500, 0);
        // a build side with null keys: NOT IN is never true
        assertSame(JoinFixtures.spec(JoinSpec.Kind.LEFT_ANTI, false, false, false, true), stream, fixtures.batches(5000, 500, 500, 0));
        // without null keys: stream rows with a null key are dropped, the others kept unless matched
        assertSame(JoinFixtures.spec(JoinSpec.Kind.LEFT_ANTI, false, false, false, true), stream, fixtures.batches(5000, 500, 500, -1));
    }

    @Test
    void partsTooLargeAreSplitAgain() {
        List<ColumnarBatch> left = fixtures.batches(2000, 500, 800, 0);
        List<ColumnarBatch> right = fixtures.batches(12000, 500, 800, 0);
        JoinSpec spec = JoinFixtures.spec(JoinSpec.Kind.FULL_OUTER, false, true, false, false);
        Outcome grace = assertSame(spec, left, right);
        int firstSplit = 2 * 4;
        assertTrue(grace.spillPartitions() > firstSplit, "no part was split again: " + grace.spillPartitions()
                + " parts written (seed " + seed + ")");
    }

    @Test
    void aKeyTooLargeForTheLimitFailsNamingTheLimit() {
        List<ColumnarBatch> left = fixtures.batches(500, 250, 10, 0);
        List<ColumnarBatch> right = fixtures.batches(8000, 500, 1, -1);
        JoinSpec spec = JoinFixtures.spec(JoinSpec.Kind.INNER, false, false, false, false);
        try (BufferAllocator root = limited()) {
            MemoryContext.LimitExceededException error = assertThrows(MemoryContext.LimitExceededException.class,
                    () -> runGrace(spec, left, right, root));
            assertTrue(error.getMessage().contains("spark.ember.memory.host.limitBytes"), error.getMessage());
            assertTrue(error.getMessage().contains("spark.ember.join.spill.maxDepth"), error.getMessage());
            assertEquals(0, root.getAllocatedMemory(), "the failed join kept memory");
        }
    }

    /** The join's memory: under the test's root (buffers move between them) but with a small limit. */
    private BufferAllocator limited() {
        return outputs.newChildAllocator("join", 0, LIMIT);
    }

    /** The rows and spill counts of one join run. */
    private record Outcome(List<String> rows, long spillPartitions) {}

    private Outcome assertSame(JoinSpec spec, List<ColumnarBatch> left, List<ColumnarBatch> right) {
        List<String> expected = fixtures.runInMemory(spec, left, right);
        Outcome grace;
        try (BufferAllocator root = limited()) {
            grace = runGrace(spec, left, right, root);
            assertEquals(0, root.getAllocatedMemory(), "the join kept memory");
        }
        assertEquals(expected, grace.rows(), () -> spec + " differs from the in-memory join (seed " + seed + ")");
        assertTrue(grace.spillPartitions() > 0, "nothing was spilled");
        return grace;
    }

    private Outcome runGrace(JoinSpec spec, List<ColumnarBatch> left, List<ColumnarBatch> right,
            BufferAllocator root) {
        List<ColumnarBatch> build = spec.buildLeft() ? left : right;
        List<ColumnarBatch> stream = spec.buildLeft() ? right : left;
        SQLMetric spillPartitions = new SQLMetric("sum", 0);
        JoinSetup setup = new JoinSetup(JoinFixtures.TYPES, JoinFixtures.TYPES, 700, JoinFixtures.metrics(), new SQLMetric("sum", 0),
                new SQLMetric("sum", 0), new SQLMetric("sum", 0), spillPartitions);
        MemoryContext memory = new MemoryContext("EmberShuffledHashJoinExec", root);
        GraceHashJoin.Context context = new GraceHashJoin.Context(spec, setup, new SpillSettings(true, 4, 3),
                new BuildBudget(root), fixtures.device(), outputs, memory);
        GraceHashJoin join = GraceHashJoin.start(context, SpillFiles.forTask(), HeldRows.inMemory(memory),
                JoinFixtures.iterator(build), JoinFixtures.iterator(stream));
        return new Outcome(JoinFixtures.drain(join), spillPartitions.value());
    }
}
