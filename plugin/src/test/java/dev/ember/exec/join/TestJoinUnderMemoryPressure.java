package dev.ember.exec.join;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ember.exec.BatchIterator;
import dev.ember.exec.spill.BuildBudget;
import dev.ember.exec.spill.SpillSettings;
import dev.ember.memory.MemoryManager;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.apache.arrow.memory.ArrowBuf;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.spark.sql.execution.metric.SQLMetric;
import org.apache.spark.sql.vectorized.ColumnarBatch;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Shuffled hash joins whose memory is taken by a neighbour after they decided how to proceed (issue 12:
 * the join decided to spill at a third of the free memory, a concurrent task then took the rest, and the
 * spill failed). Every join must still emit the in-memory join's rows and release every buffer: a failed
 * allocation first makes other consumers spill (its own task's first), then retries.
 */
class TestJoinUnderMemoryPressure {
    private static final long LIMIT = 1 << 20;

    private long seed;
    private BufferAllocator outputs;
    /** Each test thread is a task of its own, as each Spark task has its own thread. */
    private final MemoryManager manager = MemoryManager.withTasks(() -> Thread.currentThread().getId());

    @BeforeEach
    void setUp() {
        seed = Long.getLong("ember.test.seed", System.nanoTime());
        System.out.println("TestJoinUnderMemoryPressure seed: " + seed + " (replay with -Dember.test.seed=" + seed
                + ")");
        outputs = new RootAllocator();
    }

    @AfterEach
    void tearDown() {
        outputs.close();
    }

    /**
     * The limited memory of one "executor": every task allocator below it shares its limit and its memory
     * manager, as under Ember's root allocator.
     */
    private BufferAllocator executor() {
        BufferAllocator executor = outputs.newChildAllocator("executor", manager, 0, LIMIT);
        // no task here would release memory by being waited for (B is paused until A finishes, the
        // neighbour runs in A's thread): an allocation that spilling cannot serve fails at once
        manager.watch(executor, Map::of);
        return executor;
    }

    /**
     * Task B's join holds build rows and waits for its input (a safe point); task A's join decides to
     * spill, then a neighbour takes all but 4 KiB of the free memory while A splits its sides. Before the
     * fix the spill failed with "EmberShuffledHashJoinExec needs more memory than Ember may use"; now A's
     * failed allocations spill its own held rows first, then other tasks' (B's), from A's thread, and B,
     * resumed, finds its rows on disk and joins them as a grace hash join.
     */
    @Test
    void aNeighbourTakingTheFreeMemoryAfterTheDecisionDoesNotFailTheJoin() throws Exception {
        ExecutorService taskB = Executors.newSingleThreadExecutor();
        try (JoinFixtures fixtures = new JoinFixtures(new Random(seed), outputs);
                BufferAllocator executor = executor();
                BufferAllocator neighbour = executor.newChildAllocator("neighbour", 0, Long.MAX_VALUE)) {
            List<ColumnarBatch> left = fixtures.batches(3000, 500, 800, 0);
            List<ColumnarBatch> right = fixtures.batches(6000, 500, 800, 5);
            JoinSpec spec = JoinFixtures.spec(JoinSpec.Kind.FULL_OUTER, false, true, false, false);
            List<String> expected = fixtures.runInMemory(spec, left, right);
            // B's own inputs: rows shared by two tasks are accounted to one of them only
            List<ColumnarBatch> bLeft = fixtures.batches(3000, 500, 800, 0);
            List<ColumnarBatch> bRight = fixtures.batches(6000, 500, 800, 5);
            List<String> bExpected = fixtures.runInMemory(spec, bLeft, bRight);
            CountDownLatch bHolds = new CountDownLatch(1);
            CountDownLatch bMayGo = new CountDownLatch(1);
            // B pauses before its 3rd build batch, holding two (less than its budget: it has not spilled)
            scala.collection.Iterator<ColumnarBatch> bBuild = JoinFixtures.iterator(bRight).map(batch -> {
                if (batch == bRight.get(2)) {
                    bHolds.countDown();
                    await(bMayGo);
                }
                return batch;
            });
            Future<Outcome> b = taskB.submit(() -> {
                try (BufferAllocator task = executor.newChildAllocator("task-b", 0, Long.MAX_VALUE)) {
                    return run(spec, bBuild, JoinFixtures.iterator(bLeft), task, executor);
                }
            });
            assertTrue(bHolds.await(60, TimeUnit.SECONDS), "task B did not start");
            List<ArrowBuf> taken = new ArrayList<>();
            int[] took = {0};
            // before A's 5th build batch arrives, the neighbour takes all but 4 KiB of the free memory; it
            // gives it back once A has read its last stream batch
            scala.collection.Iterator<ColumnarBatch> aBuild = JoinFixtures.iterator(right).map(batch -> {
                if (batch == right.get(4)) {
                    while (LIMIT - executor.getAllocatedMemory() >= (8 << 10)) {
                        taken.add(neighbour.buffer(4 << 10));
                        took[0]++;
                    }
                }
                return batch;
            });
            scala.collection.Iterator<ColumnarBatch> aStream = JoinFixtures.iterator(left).map(batch -> {
                if (batch == left.get(left.size() - 1)) {
                    taken.forEach(ArrowBuf::close);
                    taken.clear();
                }
                return batch;
            });
            Outcome a;
            try (BufferAllocator task = executor.newChildAllocator("task-a", 0, Long.MAX_VALUE)) {
                a = run(spec, aBuild, aStream, task, executor);
                assertEquals(0, task.getAllocatedMemory(), "join A kept memory");
            } finally {
                taken.forEach(ArrowBuf::close);
                bMayGo.countDown();
            }
            Outcome resumed = b.get(120, TimeUnit.SECONDS);
            assertTrue(took[0] > 0, "the neighbour took nothing");
            assertTrue(a.spillPartitions() > 0 && resumed.spillPartitions() > 0, "a join did not spill (seed "
                    + seed + ")");
            // A held nothing spillable once the neighbour took the memory: the spills were B's held rows
            assertTrue(manager.spilledBytes() > 0, "the memory manager spilled nothing");
            assertEquals(expected, a.rows(), () -> "join A differs from the in-memory join (seed " + seed + ")");
            assertEquals(bExpected, resumed.rows(), () -> "join B differs from the in-memory join (seed " + seed
                    + ")");
            assertEquals(0, manager.registeredCount(), "a consumer is still registered");
        } finally {
            taskB.shutdownNow();
        }
    }

    private static void await(CountDownLatch latch) {
        try {
            if (!latch.await(120, TimeUnit.SECONDS)) {
                throw new IllegalStateException("the test did not resume task B");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    @Test
    void concurrentJoinsUnderOneLimitAllMatchTheInMemoryJoin() throws Exception {
        // as many concurrent tasks as Spark's test session runs (local[2]), a third of the limit each
        int joins = 2;
        int rounds = Integer.getInteger("ember.test.pressureRounds", 3);
        JoinSpec.Kind[] kinds = {JoinSpec.Kind.INNER, JoinSpec.Kind.FULL_OUTER, JoinSpec.Kind.LEFT_ANTI,
            JoinSpec.Kind.LEFT_OUTER};
        try (JoinFixtures fixtures = new JoinFixtures(new Random(seed), outputs);
                BufferAllocator executor = executor()) {
            List<List<ColumnarBatch>> lefts = new ArrayList<>();
            List<List<ColumnarBatch>> rights = new ArrayList<>();
            List<List<String>> expected = new ArrayList<>();
            for (int i = 0; i < joins; i++) {
                lefts.add(fixtures.batches(3000, 500, 800, 0));
                rights.add(fixtures.batches(8000, 500, 1600, 9));
                JoinSpec spec = JoinFixtures.spec(kinds[i], false, i % 2 == 0, false, false);
                expected.add(fixtures.runInMemory(spec, lefts.get(i), rights.get(i)));
            }
            ExecutorService pool = Executors.newFixedThreadPool(joins);
            try {
                for (int round = 0; round < rounds; round++) {
                    List<Future<List<String>>> answers = new ArrayList<>();
                    for (int i = 0; i < joins; i++) {
                        int join = i;
                        JoinSpec spec = JoinFixtures.spec(kinds[i], false, i % 2 == 0, false, false);
                        answers.add(pool.submit(() -> {
                            try (BufferAllocator task = executor.newChildAllocator("task-" + join, 0,
                                    Long.MAX_VALUE)) {
                                return run(spec, JoinFixtures.iterator(rights.get(join)),
                                        JoinFixtures.iterator(lefts.get(join)), task, executor).rows();
                            }
                        }));
                    }
                    for (int i = 0; i < joins; i++) {
                        assertEquals(expected.get(i), answers.get(i).get(), "round " + round + ", join " + i
                                + " differs from the in-memory join (seed " + seed + ")");
                    }
                }
            } finally {
                pool.shutdownNow();
            }
            assertEquals(0, executor.getAllocatedMemory(), "the joins kept memory");
            assertEquals(0, manager.registeredCount(), "a consumer is still registered");
            System.out.println("TestJoinUnderMemoryPressure: the memory manager spilled " + manager.spilledBytes()
                    + " bytes on request");
        }
    }

    /** The rows and spill counts of one join run. */
    private record Outcome(List<String> rows, long spillPartitions) {}

    private static Outcome run(JoinSpec spec, scala.collection.Iterator<ColumnarBatch> build,
            scala.collection.Iterator<ColumnarBatch> stream, BufferAllocator task, BufferAllocator executor) {
        SQLMetric spillPartitions = new SQLMetric("sum", 0);
        JoinSetup setup = new JoinSetup(JoinFixtures.TYPES, JoinFixtures.TYPES, 700, JoinFixtures.metrics(),
                new SQLMetric("sum", 0), new SQLMetric("sum", 0), new SQLMetric("sum", 0), spillPartitions);
        BatchIterator.Source join = ShuffledHashJoin.open(spec, setup, new SpillSettings(true, 4, 3), build, stream,
                new dev.ember.device.host.HostDevice(), task, new BuildBudget(executor));
        return new Outcome(JoinFixtures.drain(join), spillPartitions.value());
    }
}
