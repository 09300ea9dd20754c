package dev.ember.device.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ember.device.conformance.EmulatorDevice;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.apache.arrow.memory.ArrowBuf;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.OutOfMemoryException;
import org.apache.arrow.memory.RootAllocator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The caching pool of managed memory behind {@link ManagedMemoryFactory}, on the CUDA driver
 * emulator: reuse, exact Arrow accounting, poisoning of reused blocks, the cap with cache trimming,
 * concurrent tasks, and close. Each test makes its own pool (with its own small cap) over a
 * context of the emulator's device 0. plugin/pom.xml runs this class with and without the
 * emulator's poison switch.
 */
class TestManagedMemoryPool {

    private static final String SETTING = CudaDevices.ALLOC_FRACTION_SETTING;

    private CudaContext context;

    @BeforeEach
    void openContext() {
        EmulatorDevice.opened(); // binds JCuda to the emulator (or skips the test without one)
        context = new CudaContext(0);
    }

    @AfterEach
    void closeContext() {
        context.close();
    }

    private ManagedMemoryPool pool(long capBytes, boolean caching) {
        return new ManagedMemoryPool(context, capBytes, caching, CudaDevices.emulatorPoisonsAllocations(), SETTING);
    }

    private static RootAllocator root(ManagedMemoryPool pool, long limitBytes) {
        return new RootAllocator(RootAllocator.configBuilder().allocationManagerFactory(new ManagedMemoryFactory(pool))
                .maxAllocation(limitBytes).build());
    }

    @Test
    void sizeClassesArePowersOfTwoThenQuarterSteps() {
        assertEquals(256, ManagedMemoryPool.sizeClass(0));
        assertEquals(256, ManagedMemoryPool.sizeClass(1));
        assertEquals(256, ManagedMemoryPool.sizeClass(256));
        assertEquals(512, ManagedMemoryPool.sizeClass(257));
        assertEquals(64 << 10, ManagedMemoryPool.sizeClass((32 << 10) + 1));
        assertEquals(1 << 20, ManagedMemoryPool.sizeClass(1 << 20));
        assertEquals(5L << 22, ManagedMemoryPool.sizeClass((16L << 20) + 1)); // 20 MiB for just over 16 MiB
        assertEquals(32L << 20, ManagedMemoryPool.sizeClass((28L << 20) + 1));
        for (long bytes = 1; bytes < 1L << 40; bytes = bytes * 3 + 1) {
            long block = ManagedMemoryPool.sizeClass(bytes);
            assertTrue(block >= bytes, "class of " + bytes);
            assertTrue(block <= Math.max(256, bytes * 2) && (bytes <= 64 << 10 || block <= bytes * 1.25 + 1),
                    "class " + block + " of " + bytes + " wastes too much");
        }
        assertThrows(IllegalArgumentException.class, () -> ManagedMemoryPool.sizeClass(-1));
    }

    @Test
    void freedBuffersAreReusedWithoutDriverCalls() {
        try (ManagedMemoryPool pool = pool(64 << 20, true); RootAllocator root = root(pool, 64 << 20)) {
            long first;
            try (ArrowBuf buffer = root.buffer(1000)) {
                first = buffer.memoryAddress();
            }
            ManagedMemoryStatistics afterOne = pool.statistics();
            assertEquals(1, afterOne.driverAllocations());
            assertEquals(0, afterOne.driverFrees());
            assertEquals(1024, afterOne.cachedBytes());
            assertEquals(1024, afterOne.heldBytes());
            for (int round = 0; round < 10; round++) {
                try (ArrowBuf buffer = root.buffer(1000)) {
                    assertEquals(first, buffer.memoryAddress(), "round " + round);
                    assertEquals(0, pool.statistics().cachedBytes());
                }
            }
            try (ArrowBuf other = root.buffer(3000)) {
                assertNotEquals(first, other.memoryAddress());
            }
            ManagedMemoryStatistics end = pool.statistics();
            assertEquals(2, end.driverAllocations(), end.describe());
            assertEquals(10, end.reuseHits(), end.describe());
            assertEquals(1024 + 4096, end.cachedBytes(), end.describe());
            assertEquals(0, end.inUseBytes());
        }
    }

    @Test
    void arrowAccountingSeesRequestedSizes() {
        long requested = (17L << 20) + 1; // above Arrow's 16 MiB chunk, so Arrow does not round it
        try (ManagedMemoryPool pool = pool(256L << 20, true); RootAllocator root = root(pool, 256L << 20)) {
            try (BufferAllocator task = root.newChildAllocator("task", 0, Long.MAX_VALUE);
                    ArrowBuf buffer = task.buffer(requested)) {
                assertEquals(requested, buffer.capacity());
                assertEquals(requested, task.getAllocatedMemory());
                assertEquals(requested, root.getAllocatedMemory());
                assertEquals(20L << 20, pool.statistics().heldBytes(), "the block is the 20 MiB class");
            }
            assertEquals(0, root.getAllocatedMemory());
            assertEquals(20L << 20, pool.statistics().cachedBytes());
        }
    }

    /**
     * A buffer never closed still fails its allocator's close, with Arrow's size. Arrow refuses any
     * release once the allocator closed, so this test's 1 KiB block stays held (the JVM is forked).
     */
    @Test
    void leaksStillFailTheAllocator() {
        ManagedMemoryPool pool = pool(1 << 20, true);
        RootAllocator root = root(pool, 1 << 20);
        BufferAllocator task = root.newChildAllocator("task", 0, Long.MAX_VALUE);
        task.buffer(1000);
        IllegalStateException leak = assertThrows(IllegalStateException.class, task::close);
        assertTrue(leak.getMessage().contains("Memory leaked: (1024)"), leak.getMessage());
        assertEquals(1024, pool.statistics().inUseBytes());
        pool.close();
    }

    @Test
    void reusedBlocksArePoisonedWhenTheEmulatorPoisons() {
        boolean poison = CudaDevices.emulatorPoisonsAllocations();
        System.out.println("TestManagedMemoryPool: poison switch " + (poison ? "on" : "off"));
        try (ManagedMemoryPool pool = pool(64 << 20, true); RootAllocator root = root(pool, 64 << 20)) {
            long address;
            try (ArrowBuf buffer = root.buffer(4096)) {
                address = buffer.memoryAddress();
                buffer.setZero(0, 4096);
            }
            try (ArrowBuf reused = root.buffer(4096)) {
                assertEquals(address, reused.memoryAddress());
                assertEquals(1, pool.statistics().reuseHits());
                byte expected = poison ? (byte) 0xA5 : 0;
                for (int offset = 0; offset < 4096; offset++) {
                    assertEquals(expected, reused.getByte(offset), "byte " + offset + " of a reused block");
                }
            }
        }
    }

    @Test
    void anAllocationThatFitsOnlyAfterTrimmingTheCacheSucceeds() {
        long cap = 1 << 20;
        try (ManagedMemoryPool pool = pool(cap, true); RootAllocator root = root(pool, cap)) {
            root.buffer(512 << 10).close();
            root.buffer(256 << 10).close();
            assertEquals(768 << 10, pool.statistics().cachedBytes());
            // 600 KiB: Arrow asks for 1 MiB, which fits under the cap only once the cache is empty
            try (ArrowBuf big = root.buffer(600 << 10)) {
                ManagedMemoryStatistics statistics = pool.statistics();
                assertEquals(cap, statistics.heldBytes(), statistics.describe());
                assertEquals(0, statistics.cachedBytes(), statistics.describe());
                assertEquals(2, statistics.driverFrees(), statistics.describe());
                assertEquals(1, statistics.trims(), statistics.describe());
                big.setLong((1 << 20) - 8, 7L);
                assertEquals(7L, big.getLong((1 << 20) - 8));
            }
            assertEquals(cap, pool.statistics().peakHeldBytes());
        }
    }

    @Test
    void anAllocationThatCannotFitFailsNamingTheSetting() {
        long cap = 1 << 20;
        // the root allocator is not capped, so the pool's own cap is what refuses
        try (ManagedMemoryPool pool = pool(cap, true); RootAllocator root = root(pool, Long.MAX_VALUE);
                ArrowBuf held = root.buffer(600 << 10)) {
            // nothing cached to trim: a 256-byte block more than the cap
            OutOfMemoryException error = assertThrows(OutOfMemoryException.class, () -> root.buffer(100));
            assertTrue(error.getMessage().contains("cannot allocate 128 bytes of CUDA managed memory"),
                    error.getMessage());
            assertTrue(error.getMessage().contains(SETTING), error.getMessage());
            assertEquals(cap, pool.statistics().heldBytes());
            assertEquals(1 << 20, root.getAllocatedMemory(), "a failed allocation is not accounted");
        }
    }

    @Test
    void withoutCachingEveryBufferIsOneDriverAllocationAndFree() {
        try (ManagedMemoryPool pool = pool(64 << 20, false); RootAllocator root = root(pool, 64 << 20)) {
            for (int round = 0; round < 5; round++) {
                root.buffer(1000).close();
            }
            ManagedMemoryStatistics statistics = pool.statistics();
            assertEquals(5, statistics.driverAllocations(), statistics.describe());
            assertEquals(5, statistics.driverFrees(), statistics.describe());
            assertEquals(0, statistics.reuseHits());
            assertEquals(0, statistics.heldBytes());
            assertEquals(1024, statistics.peakHeldBytes(), "without caching blocks are exactly Arrow's size");
        }
    }

    @Test
    void closeGivesEveryBlockBackToTheDriver() {
        long freeBefore = context.memoryInfo()[0];
        ManagedMemoryPool pool = pool(64 << 20, true);
        ArrowBuf survivor;
        try (RootAllocator root = root(pool, 64 << 20)) {
            BufferAllocator task = root.newChildAllocator("task", 0, Long.MAX_VALUE);
            for (int size = 100; size < 2_000_000; size *= 3) {
                task.buffer(size).close();
            }
            survivor = task.buffer(5000);
            assertTrue(pool.statistics().cachedBytes() > 0);
            assertTrue(context.memoryInfo()[0] < freeBefore);
            pool.close();
            ManagedMemoryStatistics closed = pool.statistics();
            assertEquals(0, closed.cachedBytes(), closed.describe());
            assertEquals(8192, closed.heldBytes(), "only the live buffer's block is held: " + closed.describe());
            assertThrows(IllegalStateException.class, () -> task.buffer(10));
            survivor.close(); // released after close: straight back to the driver
            task.close();
        }
        ManagedMemoryStatistics end = pool.statistics();
        assertEquals(0, end.heldBytes(), end.describe());
        assertEquals(end.driverAllocations(), end.driverFrees(), end.describe());
        assertEquals(freeBefore, context.memoryInfo()[0], "the driver has all its memory back");
    }

    /** Tasks allocate and free concurrently; no two live buffers share memory, and blocks are reused. */
    @Test
    void concurrentTasksNeverShareABlock() throws Exception {
        long seed = System.nanoTime();
        System.out.println("TestManagedMemoryPool.concurrentTasksNeverShareABlock seed " + seed);
        int threads = 4;
        int rounds = 2000;
        int[] sizes = {0, 100, 1000, 5000, 70_000, 300_000};
        ManagedMemoryPool pool = pool(256L << 20, true);
        ExecutorService executor = Executors.newFixedThreadPool(threads);
        try (RootAllocator root = root(pool, 256L << 20)) {
            List<Future<?>> results = new ArrayList<>();
            for (int thread = 0; thread < threads; thread++) {
                Random random = new Random(seed + thread);
                long mark = thread + 1;
                results.add(executor.submit(() -> {
                    try (BufferAllocator task = root.newChildAllocator("task-" + mark, 0, Long.MAX_VALUE)) {
                        ArrayDeque<ArrowBuf> live = new ArrayDeque<>();
                        for (int round = 0; round < rounds; round++) {
                            if (live.size() == 4 || (!live.isEmpty() && random.nextBoolean())) {
                                ArrowBuf buffer = live.poll();
                                check(buffer, mark);
                                buffer.close();
                            } else {
                                ArrowBuf buffer = task.buffer(sizes[random.nextInt(sizes.length)]);
                                if (buffer.capacity() >= 8) {
                                    buffer.setLong(0, mark);
                                    buffer.setLong(buffer.capacity() - 8, mark);
                                }
                                live.add(buffer);
                            }
                        }
                        for (ArrowBuf buffer : live) {
                            check(buffer, mark);
                            buffer.close();
                        }
                        return null;
                    }
                }));
            }
            for (Future<?> result : results) {
                result.get();
            }
            ManagedMemoryStatistics statistics = pool.statistics();
            System.out.println("TestManagedMemoryPool concurrent: " + statistics.describe());
            assertEquals(0, statistics.inUseBytes(), statistics.describe());
            assertTrue(statistics.reuseHits() > rounds, statistics.describe());
            // at most 4 live buffers per thread per size class come from the driver
            assertTrue(statistics.driverAllocations() <= (long) threads * 4 * sizes.length, statistics.describe());
        } finally {
            executor.shutdownNow();
            pool.close();
        }
        assertEquals(0, pool.statistics().heldBytes(), pool.statistics().describe());
    }

    private static void check(ArrowBuf buffer, long mark) {
        if (buffer.capacity() >= 8) {
            assertEquals(mark, buffer.getLong(0), "another task wrote into this task's buffer");
            assertEquals(mark, buffer.getLong(buffer.capacity() - 8), "another task wrote into this task's buffer");
        }
    }
}
