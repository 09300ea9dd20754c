package dev.ember.memory;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.arrow.memory.ArrowBuf;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.OutOfMemoryException;
import org.apache.arrow.memory.RootAllocator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The memory manager over real Arrow allocators: a refused allocation spills the allocating task's
 * consumers first, then other tasks' (largest first), and is retried; a consumer that fails to spill is
 * skipped; a closed registration is never asked; an allocation that nothing can serve still fails; and
 * an allocation waits for another task to release memory as long as one that holds memory runs.
 */
class TestMemoryManager {
    private static final long LIMIT = 64 << 10;

    /** The "task" of a thread, settable per test thread. */
    private final ThreadLocal<Long> task = ThreadLocal.withInitial(() -> 1L);
    private final MemoryManager manager = MemoryManager.withTasks(() -> task.get());
    private final List<String> spills = new ArrayList<>();
    private final RootAllocator root = new RootAllocator(
            RootAllocator.configBuilder().maxAllocation(LIMIT).listener(manager).build());

    @AfterEach
    void tearDown() {
        root.close();
    }

    /** Holds buffers of a task until it is asked to spill them. */
    private final class Holder implements Spillable, AutoCloseable {
        private final String name;
        private final List<ArrowBuf> buffers = new ArrayList<>();
        private final MemoryManager.Registration registration;
        private final boolean failing;

        Holder(String name, long taskId, long bytes, boolean failing) {
            this.name = name;
            this.failing = failing;
            long previous = task.get();
            task.set(taskId);
            try {
                registration = manager.register(this);
            } finally {
                task.set(previous);
            }
            for (long held = 0; held < bytes; held += 4 << 10) {
                buffers.add(root.buffer(4 << 10));
            }
        }

        @Override
        public String name() {
            return name;
        }

        @Override
        public synchronized long spillableBytes() {
            return buffers.size() * (4L << 10);
        }

        @Override
        public synchronized long spill(long bytes) {
            if (failing) {
                throw new IllegalStateException(name + " cannot write its spill file");
            }
            long freed = spillableBytes();
            if (freed > 0) {
                spills.add(name);
            }
            buffers.forEach(ArrowBuf::close);
            buffers.clear();
            return freed;
        }

        @Override
        public synchronized void close() {
            buffers.forEach(ArrowBuf::close);
            buffers.clear();
            registration.close();
        }
    }

    @Test
    void theAllocatingTaskSpillsFirstThenOtherTasksLargestFirst() {
        try (Holder otherSmall = new Holder("other-small", 2, 8 << 10, false);
                Holder otherLarge = new Holder("other-large", 3, 24 << 10, false);
                Holder own = new Holder("own", 1, 16 << 10, false)) {
            // 48 KiB held, 16 KiB free: 32 KiB needs the own 16 KiB, then 16 more from the largest other
            try (ArrowBuf buffer = root.buffer(32 << 10)) {
                assertEquals(List.of("own", "other-large"), spills);
                assertEquals(32 << 10, buffer.capacity());
            }
            assertEquals(40 << 10, manager.spilledBytes());
        }
        assertEquals(0, manager.registeredCount());
    }

    @Test
    void aConsumerThatFailsToSpillIsSkippedAndAClosedOneIsNeverAsked() {
        try (Holder failing = new Holder("failing", 2, 32 << 10, true);
                Holder working = new Holder("working", 3, 16 << 10, false)) {
            Holder closed = new Holder("closed", 4, 8 << 10, false);
            closed.close();
            try (ArrowBuf buffer = root.buffer(24 << 10)) {
                assertEquals(List.of("working"), spills);
            }
        }
    }

    @Test
    void anAllocationNothingCanServeStillFails() {
        try (Holder failing = new Holder("failing", 2, 48 << 10, true)) {
            long start = System.nanoTime();
            assertThrows(OutOfMemoryException.class, () -> root.buffer(32 << 10).close());
            assertTrue(System.nanoTime() - start < 500_000_000L, "it waited without a watched limit");
        }
    }

    @Test
    void anAllocationWaitsForAnotherTaskToReleaseMemory() throws Exception {
        Map<Long, Long> held = new ConcurrentHashMap<>();
        manager.watch(root, () -> held);
        ArrowBuf buffer2 = root.buffer(48 << 10);
        held.put(2L, 48L << 10);
        // longer than the one-second wait that failed the pressure test on a loaded machine: a task that
        // holds memory and does not wait itself is running, and the allocation waits for it however long
        Thread releaser = new Thread(() -> {
            try {
                Thread.sleep(1500);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            buffer2.close();
            held.remove(2L);
        });
        releaser.start();
        long start = System.nanoTime();
        try (ArrowBuf buffer = root.buffer(32 << 10)) {
            assertEquals(32 << 10, buffer.capacity());
            assertTrue(System.nanoTime() - start >= 1_000_000_000L, "it was served only once task 2 released");
        } finally {
            releaser.join();
        }
    }

    @Test
    void anAllocationDoesNotWaitWhenNoOtherTaskHoldsMemory() {
        Map<Long, Long> held = new ConcurrentHashMap<>();
        manager.watch(root, () -> held);
        try (ArrowBuf own = root.buffer(48 << 10)) {
            held.put(1L, 48L << 10);
            long start = System.nanoTime();
            assertThrows(OutOfMemoryException.class, () -> root.buffer(32 << 10).close());
            assertTrue(System.nanoTime() - start < 500_000_000L, "no one could release memory, yet it waited");
        }
    }

    @Test
    void whenEveryTaskThatHoldsMemoryWaitsOneFailsAndTheOtherGoesOn() throws Exception {
        Map<Long, Long> held = new ConcurrentHashMap<>();
        manager.watch(root, () -> held);
        ArrowBuf own = root.buffer(32 << 10);
        held.put(1L, 32L << 10);
        CountDownLatch other = new CountDownLatch(1);
        AtomicReference<Object> otherOutcome = new AtomicReference<>();
        Thread task2 = new Thread(() -> {
            task.set(2L);
            try (ArrowBuf mine = root.buffer(32 << 10)) {
                held.put(2L, 32L << 10);
                other.countDown();
                // waits: task 1 holds memory and runs
                try (ArrowBuf more = root.buffer(16 << 10)) {
                    otherOutcome.set(more.capacity());
                }
            } catch (RuntimeException e) {
                otherOutcome.set(e);
            } finally {
                held.remove(2L);
            }
        });
        task2.start();
        assertTrue(other.await(10, TimeUnit.SECONDS));
        // wait until task 2 waits for memory, then ask for more in task 1: both hold, both would wait
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (manager.waitingTasks() == 0 && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        assertEquals(1, manager.waitingTasks(), "task 2 waits for task 1");
        long start = System.nanoTime();
        assertThrows(OutOfMemoryException.class, () -> root.buffer(16 << 10).close());
        assertTrue(System.nanoTime() - start < 2_000_000_000L, "a wait no one could end went on");
        // task 1 fails and lets go of its memory: task 2 gets what it waited for
        own.close();
        held.remove(1L);
        task2.join(10_000);
        assertEquals(16L << 10, otherOutcome.get());
    }

    @Test
    void onlyASpillMayUseTheMemoryKeptForSpills() {
        manager.watch(root, Map::of);
        manager.reserveForSpills(16 << 10);
        try (ArrowBuf held = root.buffer(32 << 10)) {
            // 32 KiB free, 16 of them kept for spills: 32 KiB outside a spill is refused, nothing can spill
            assertThrows(OutOfMemoryException.class, () -> root.buffer(32 << 10).close());
            try (MemoryContext context = new MemoryContext("TestOperator", root)) {
                assertThrows(MemoryContext.LimitExceededException.class, () -> context.setHeapBytes(20 << 10));
                context.setHeapBytes(16 << 10);
                context.setHeapBytes(0);
            }
            try (MemoryManager.SpillScope spill = manager.spilling(); ArrowBuf forTheSpill = root.buffer(32 << 10)) {
                assertEquals(32 << 10, forTheSpill.capacity());
            }
            // closed scopes: refused again
            assertThrows(OutOfMemoryException.class, () -> root.buffer(32 << 10).close());
        }
    }

    @Test
    void eatingIntoTheSpillReserveMakesConsumersSpill() {
        manager.watch(root, Map::of);
        manager.reserveForSpills(16 << 10);
        try (Holder other = new Holder("other", 2, 24 << 10, false);
                ArrowBuf buffer = root.buffer(32 << 10)) {
            // 40 KiB were free, 32 + 16 needed: the other task's consumer spilled
            assertEquals(List.of("other"), spills);
            assertEquals(32 << 10, buffer.capacity());
        }
    }

    @Test
    void aHeapReservationAlsoMakesConsumersSpill() {
        try (Holder other = new Holder("other", 2, 48 << 10, false);
                MemoryContext context = new MemoryContext("TestOperator", root)) {
            context.setHeapBytes(32 << 10);
            assertEquals(List.of("other"), spills);
            context.setHeapBytes(0);
        }
    }

    @Test
    void anAllocatorWithoutTheManagerNeverSpills() {
        try (BufferAllocator plain = new RootAllocator(LIMIT)) {
            assertEquals(0, MemoryManager.of(plain).reclaim(1 << 10));
            assertTrue(MemoryManager.of(root) == manager);
        }
    }

    @Test
    void theHoldersOfARefusalAreNamedByTaskAndOperatorLargestFirst() {
        assertEquals("none", EmberMemory.holders(root));
        try (BufferAllocator first = root.newChildAllocator("task-1", 0, LIMIT);
                BufferAllocator join = first.newChildAllocator("EmberShuffledHashJoinExec", 0, LIMIT);
                BufferAllocator sort = first.newChildAllocator("EmberSortExec", 0, LIMIT);
                BufferAllocator second = root.newChildAllocator("task-2", 0, LIMIT);
                BufferAllocator idle = root.newChildAllocator("task-3", 0, LIMIT);
                ArrowBuf small = sort.buffer(1024);
                ArrowBuf large = join.buffer(8192);
                ArrowBuf own = first.buffer(2048);
                ArrowBuf other = second.buffer(4096)) {
            assertEquals("task-1: 11264 bytes (EmberShuffledHashJoinExec 8192, EmberSortExec 1024, own 2048);"
                    + " task-2: 4096 bytes (own 4096)", EmberMemory.holders(root));
        }
        assertEquals("none", EmberMemory.holders(root));
    }
}
