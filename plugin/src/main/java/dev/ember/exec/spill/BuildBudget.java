package dev.ember.exec.spill;

import static java.util.Objects.requireNonNull;

import dev.ember.memory.EmberMemory;
import dev.ember.memory.MemoryContext;
import org.apache.arrow.memory.BufferAllocator;

/**
 * How much state an operator that holds a whole input in memory (a hash join's build side) may collect
 * before it must split and spill, judged against a memory limit as it stands now: Ember's executor-wide
 * root allocator in production ({@link #ofExecutor}), any root allocator in tests.
 *
 * <p>"Free" is the task's share of what the root's limit leaves after every other buffer under it (other
 * operators, other tasks): that rest divided by the number of tasks holding memory under the root now,
 * so that tasks deciding at the same moment do not each count on all of it. Building a hash table over held rows needs about as much again for the concatenated copy, plus
 * the table itself, while the child still allocates input batches: so an operator spills once it holds
 * more than a third of what is free to it, and an operator that may not spill fails early, with the clear
 * error, once it holds more than half of it (the copy could not be made).
 *
 * <p>The budget only decides when to spill unasked: a neighbour may still take memory after a decision,
 * which the {@link dev.ember.memory.MemoryManager} answers by spilling held state or waiting, not by
 * failing the decision's owner.
 */
public final class BuildBudget {
    private static final int SPILL_SHARE = 3;
    private static final int FIT_SHARE = 2;

    private final BufferAllocator root;

    /** A budget against the limit of {@code root}, the allocator the operator's memory context descends from. */
    public BuildBudget(BufferAllocator root) {
        this.root = requireNonNull(root, "root is null");
    }

    /** The budget against Ember's executor-wide limit. */
    public static BuildBudget ofExecutor() {
        return new BuildBudget(EmberMemory.root());
    }

    /**
     * Bytes free to the operator of {@code memory}: the limit less what everyone else holds, shared by the
     * tasks (the root's child allocators) holding memory now.
     */
    public long freeBytes(MemoryContext memory) {
        long others = root.getAllocatedMemory() - memory.bytes();
        long free = Math.max(0, root.getLimit() - Math.max(0, others));
        return free / Math.max(1, root.getChildAllocators().size());
    }

    /** Whether an operator holding {@code heldBytes} should split and spill now. */
    public boolean shouldSpill(long heldBytes, MemoryContext memory) {
        return heldBytes > freeBytes(memory) / SPILL_SHARE;
    }

    /** Whether {@code heldBytes} of rows are too many to build in memory at all. */
    public boolean cannotBuild(long heldBytes, MemoryContext memory) {
        return heldBytes > freeBytes(memory) / FIT_SHARE;
    }
}
