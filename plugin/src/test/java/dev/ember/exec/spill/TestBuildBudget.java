package dev.ember.exec.spill;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ember.memory.MemoryContext;
import org.apache.arrow.memory.ArrowBuf;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.junit.jupiter.api.Test;

/**
 * What a task may hold before it spills: the limit less what others hold, shared by the tasks holding
 * allocators now or, when more, by the most that ever ran at once (a neighbour between two tasks keeps its
 * share).
 */
class TestBuildBudget {
    private static final long LIMIT = 1 << 20;

    @Test
    void freeMemoryIsSharedByTheTasksThatMayHoldIt() {
        try (RootAllocator root = new RootAllocator(LIMIT);
                BufferAllocator task = root.newChildAllocator("task-1", 0, LIMIT);
                MemoryContext memory = new MemoryContext("EmberShuffledHashJoinExec", task)) {
            // alone: all of the limit
            assertEquals(LIMIT, new BuildBudget(root).freeBytes(memory));
            // alone now, but two tasks ran at once before: half of it
            BuildBudget shared = new BuildBudget(root, () -> 2);
            assertEquals(LIMIT / 2, shared.freeBytes(memory));
            try (BufferAllocator neighbour = root.newChildAllocator("task-2", 0, LIMIT);
                    BufferAllocator third = root.newChildAllocator("task-3", 0, LIMIT);
                    ArrowBuf held = neighbour.buffer(LIMIT / 4)) {
                // three tasks hold allocators now: what the neighbour leaves, in thirds
                assertEquals((LIMIT - LIMIT / 4) / 3, shared.freeBytes(memory));
            }
            // the operator's own bytes count as free to it: it spills past a third, cannot build past half
            try (ArrowBuf own = memory.allocator().buffer(LIMIT / 4)) {
                assertEquals(LIMIT / 2, shared.freeBytes(memory));
                assertTrue(shared.shouldSpill(LIMIT / 4, memory));
                assertFalse(shared.cannotBuild(LIMIT / 4, memory));
                assertTrue(shared.cannotBuild(LIMIT / 4 + 1, memory));
            }
        }
    }
}
