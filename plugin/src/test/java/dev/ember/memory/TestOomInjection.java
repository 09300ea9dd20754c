package dev.ember.memory;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ember.columnar.ArrowBatches;
import dev.ember.config.EmberConf;
import dev.ember.config.InvalidConfigException;
import dev.ember.config.OomInjection;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.arrow.memory.ArrowBuf;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.OutOfMemoryException;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.VarCharVector;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Fault injection ({@code spark.ember.test.injectOom}) over real Arrow allocators: every:n refuses exactly
 * a task's n-th, 2n-th... requests, each once, and the retry after a spill succeeds; with nothing to
 * spill the request fails as a real shortfall does (Arrow's error, or the error naming the limit setting
 * through a memory context); random:seed refuses about 1 in 100 requests, the same ones for the same
 * seed; requests outside tasks and inside a spill are never refused; bad values name the accepted forms.
 */
class TestOomInjection {
    private static final long LIMIT = 1 << 20;

    /** The "task" of a thread, settable per test thread. */
    private final ThreadLocal<Long> task = ThreadLocal.withInitial(() -> 1L);
    private final MemoryManager manager = MemoryManager.withTasks(() -> task.get());
    private final RootAllocator root = new RootAllocator(
            RootAllocator.configBuilder().maxAllocation(LIMIT).listener(manager).build());

    @AfterEach
    void tearDown() {
        root.close();
    }

    /** Holds 1 KiB buffers and gives one back per spill, noting how many requests the task had made then. */
    private final class Reserve implements Spillable, AutoCloseable {
        private final List<ArrowBuf> buffers = new ArrayList<>();
        private final List<Integer> spilledAtRequest = new ArrayList<>();
        private final MemoryManager.Registration registration = manager.register(this);
        private int requests;

        Reserve(int buffers) {
            for (int i = 0; i < buffers; i++) {
                this.buffers.add(root.buffer(1 << 10));
            }
        }

        @Override
        public String name() {
            return "reserve";
        }

        @Override
        public long spillableBytes() {
            return buffers.size() * (1L << 10);
        }

        @Override
        public long spill(long bytes) {
            if (buffers.isEmpty()) {
                return 0;
            }
            spilledAtRequest.add(requests);
            buffers.remove(buffers.size() - 1).close();
            return 1 << 10;
        }

        @Override
        public void close() {
            buffers.forEach(ArrowBuf::close);
            buffers.clear();
            registration.close();
        }
    }

    @Test
    void everyNRefusesExactlyTheNthRequestsOnceAndTheRetryAfterASpillSucceeds() {
        List<ArrowBuf> allocated = new ArrayList<>();
        try (Reserve reserve = new Reserve(8)) {
            manager.injectOom(OomInjection.parse("every:3"));
            for (int request = 1; request <= 10; request++) {
                reserve.requests = request;
                allocated.add(root.buffer(512));
            }
            // requests 3, 6 and 9 were refused once each; each spill let its retry through
            assertEquals(List.of(3, 6, 9), reserve.spilledAtRequest);
            assertEquals(3, manager.injectedRefusals());
            assertEquals(10, allocated.size());
            assertEquals(5, reserve.buffers.size());
        } finally {
            allocated.forEach(ArrowBuf::close);
        }
    }

    @Test
    void withNothingToSpillARefusedRequestFailsAsARealShortfall() {
        manager.injectOom(OomInjection.parse("every:2"));
        List<ArrowBuf> allocated = new ArrayList<>();
        try {
            allocated.add(root.buffer(512));
            OutOfMemoryException refused = assertThrows(OutOfMemoryException.class, () -> root.buffer(512));
            assertTrue(refused.getMessage().contains("spark.ember.test.injectOom=every:2"), refused.getMessage());
            allocated.add(root.buffer(512));
            assertThrows(OutOfMemoryException.class, () -> root.buffer(512));
            assertEquals(1024, root.getAllocatedMemory());
        } finally {
            allocated.forEach(ArrowBuf::close);
        }
        try (MemoryContext context = new MemoryContext("TestOperator", root)) {
            // request 5 (a heap reservation) goes ahead, request 6 is refused
            context.setHeapBytes(1 << 10);
            MemoryContext.LimitExceededException heap = assertThrows(MemoryContext.LimitExceededException.class,
                    () -> context.setHeapBytes(2 << 10));
            assertTrue(heap.getMessage().contains("TestOperator needs more memory")
                    && heap.getMessage().contains(EmberMemory.limitSetting()), heap.getMessage());
            // request 7 goes ahead, request 8 (an Arrow buffer) is refused: the context names the limit too
            context.setHeapBytes(2 << 10);
            MemoryContext.LimitExceededException buffer = assertThrows(MemoryContext.LimitExceededException.class,
                    () -> context.run(() -> context.allocator().buffer(512)));
            assertTrue(buffer.getMessage().contains(EmberMemory.limitSetting()), buffer.getMessage());
            // the refused buffer left nothing behind: the context holds its heap reservation only
            assertEquals(2 << 10, context.bytes());
            context.setHeapBytes(0);
        }
    }

    @Test
    void eachTaskCountsItsOwnRequestsAndAFinishedTaskStartsAfresh() {
        manager.injectOom(OomInjection.parse("every:2"));
        List<ArrowBuf> allocated = new ArrayList<>();
        try {
            task.set(1L);
            allocated.add(root.buffer(64));
            task.set(2L);
            allocated.add(root.buffer(64));
            task.set(1L);
            assertThrows(OutOfMemoryException.class, () -> root.buffer(64));
            manager.taskCompleted(1L);
            allocated.add(root.buffer(64));
            task.set(2L);
            assertThrows(OutOfMemoryException.class, () -> root.buffer(64));
        } finally {
            allocated.forEach(ArrowBuf::close);
        }
        assertEquals(2, manager.injectedRefusals());
    }

    @Test
    void requestsOutsideTasksAndInsideASpillAreNeverRefused() {
        manager.injectOom(OomInjection.parse("every:1"));
        task.set(MemoryManager.NO_TASK);
        root.buffer(64).close();
        task.set(1L);
        List<ArrowBuf> spillAllocations = new ArrayList<>();
        Spillable allocatingSpill = new Spillable() {
            private boolean spilled;

            @Override
            public String name() {
                return "allocating";
            }

            @Override
            public long spillableBytes() {
                return spilled ? 0 : 1;
            }

            @Override
            public long spill(long bytes) {
                // with every:1 this allocation would be refused if spills were not exempt
                spillAllocations.add(root.buffer(64));
                spilled = true;
                return 1;
            }
        };
        try (MemoryManager.Registration registration = manager.register(allocatingSpill)) {
            root.buffer(64).close();
            assertEquals(1, spillAllocations.size());
        } finally {
            spillAllocations.forEach(ArrowBuf::close);
        }
        assertEquals(1, manager.injectedRefusals());
    }

    @Test
    void aSliceThatIsRefusedHalfWayLeavesNothingAllocated() {
        try (BufferAllocator source = root.newChildAllocator("source", 0, LIMIT);
                BufferAllocator target = root.newChildAllocator("target", 0, LIMIT);
                VarCharVector strings = new VarCharVector("s", source)) {
            strings.allocateNew(64, 8);
            for (int i = 0; i < 8; i++) {
                strings.setSafe(i, ("v" + i).getBytes(java.nio.charset.StandardCharsets.UTF_8));
            }
            strings.setValueCount(8);
            // rows 3.. need a shifted validity bitmap and a rebased offset buffer: two allocations in the
            // target, of which the second is refused
            manager.injectOom(OomInjection.parse("every:2"));
            assertThrows(OutOfMemoryException.class, () -> ArrowBatches.slice(strings, 3, 5, target));
            assertEquals(0, target.getAllocatedMemory());
            manager.injectOom(OomInjection.OFF);
            try (FieldVector slice = ArrowBatches.slice(strings, 3, 5, target)) {
                assertEquals("v3", slice.getObject(0).toString());
            }
        }
    }

    @Test
    void randomRefusesAboutOneInAHundredTheSameForTheSameSeed() {
        OomInjection first = OomInjection.parse("random:42");
        OomInjection again = OomInjection.parse("random:42");
        OomInjection other = OomInjection.parse("random:43");
        List<Long> refused = new ArrayList<>();
        List<Long> refusedAgain = new ArrayList<>();
        List<Long> refusedOther = new ArrayList<>();
        for (long attempt = 0; attempt < 20; attempt++) {
            for (long request = 1; request <= 5_000; request++) {
                long id = attempt * 1_000_000 + request;
                if (first.refuses(attempt, request)) {
                    refused.add(id);
                }
                if (again.refuses(attempt, request)) {
                    refusedAgain.add(id);
                }
                if (other.refuses(attempt, request)) {
                    refusedOther.add(id);
                }
            }
        }
        assertEquals(refused, refusedAgain);
        assertNotEquals(refused, refusedOther);
        // 100,000 requests: 1,000 expected, and a binomial's standard deviation is about 31
        assertTrue(refused.size() > 850 && refused.size() < 1_150, "refused " + refused.size());
        assertTrue(refusedOther.size() > 850 && refusedOther.size() < 1_150, "refused " + refusedOther.size());
    }

    @Test
    void randomRefusesTheSameRequestsOfTheSameTaskThroughTheManager() {
        assertEquals(refusedRequests("random:7"), refusedRequests("random:7"));
        assertNotEquals(refusedRequests("random:7"), refusedRequests("random:8"));
    }

    private static List<Integer> refusedRequests(String value) {
        MemoryManager manager = MemoryManager.withTasks(() -> 5L);
        List<Integer> refused = new ArrayList<>();
        try (RootAllocator allocator = new RootAllocator(
                RootAllocator.configBuilder().maxAllocation(LIMIT).listener(manager).build())) {
            manager.injectOom(OomInjection.parse(value));
            for (int request = 1; request <= 2_000; request++) {
                try {
                    allocator.buffer(8).close();
                } catch (OutOfMemoryException e) {
                    refused.add(request);
                }
            }
        }
        return refused;
    }

    @Test
    void valuesParseInTheirFormsAndBadOnesNameTheAcceptedForms() {
        assertEquals(OomInjection.OFF, injection(""));
        assertEquals(OomInjection.OFF, injection("  "));
        assertEquals(new OomInjection(OomInjection.Kind.EVERY, 5), injection(" EVERY:5 "));
        assertEquals(new OomInjection(OomInjection.Kind.RANDOM, -3), injection("random:-3"));
        assertEquals("every:5", injection("every:5").toString());
        assertEquals(OomInjection.OFF, EmberConf.of(key -> Optional.empty()).get(EmberConf.TEST_INJECT_OOM));
        for (String bad : new String[] {"every:0", "every:-2", "every:x", "every", "sometimes", "random:",
            "random:1.5", ":3", "every:3:4"}) {
            InvalidConfigException error = assertThrows(InvalidConfigException.class, () -> injection(bad), bad);
            assertEquals("spark.ember.test.injectOom", error.key());
            assertTrue(error.getMessage().contains("'" + bad + "'")
                    && error.getMessage().contains("expected every:<n> (n a whole number of at least 1),"
                            + " random:<seed> (a whole number) or an empty value (off)"), error.getMessage());
        }
    }

    private static OomInjection injection(String value) {
        return EmberConf.of(key -> Optional.ofNullable(Map.of(EmberConf.TEST_INJECT_OOM.key(), value).get(key)))
                .get(EmberConf.TEST_INJECT_OOM);
    }
}
