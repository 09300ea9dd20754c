package dev.ember.exec.spill;

import static java.util.Objects.requireNonNull;

import dev.ember.memory.EmberMemory;
import dev.ember.memory.MemoryContext;
import java.util.function.IntSupplier;
import org.apache.arrow.memory.BufferAllocator;

/**
 * How much state an operator that holds a whole input in memory (a hash join's build side) may collect
 * before it must split and spill, judged against a memory limit as it stands now: Ember's executor-wide
 * root allocator in production ({@link #ofExecutor}), any root allocator in tests.
 *
 * <p>"Free" is the task's share of what the root's limit leaves after every other buffer under it (other
 * operators, other tasks): that rest divided by the number of tasks that may share it, so that tasks
 * deciding at the same moment do not each count on all of it. That number is the larger of the tasks
 * holding allocators under the root now and the most that ever did at once ({@link
 * EmberMemory#mostConcurrentTasks} for the executor): a task that decides while its neighbour's slot is
 * between two tasks must leave that neighbour's share too, or the neighbour's next task finds the limit
 * taken by a hash table being probed, which cannot spill (the pressure test, 2026-12-03: a join held 1.5
 * of 2 MiB while its own stream side could not read a batch). Building a hash table over held rows needs about as much again for the concatenated copy, plus
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
    private static final int PROBE_SHARE = 2;

    private final BufferAllocator root;
    private final IntSupplier sharers;

    /**
     * A budget against the limit of {@code root}, the allocator the operator's memory context descends
     * from, shared by the tasks holding allocators under it now.
     */
    public BuildBudget(BufferAllocator root) {
        this(root, () -> 1);
    }

    /** A budget as above, shared by at least {@code sharers} tasks. */
    public BuildBudget(BufferAllocator root, IntSupplier sharers) {
        this.root = requireNonNull(root, "root is null");
        this.sharers = requireNonNull(sharers, "sharers is null");
    }

    /** The budget against Ember's executor-wide limit. */
    public static BuildBudget ofExecutor() {
        return new BuildBudget(EmberMemory.root(), EmberMemory::mostConcurrentTasks);
    }

    /**
     * Bytes free to the operator of {@code memory}: the limit less what everyone else holds, shared by the
     * tasks that may hold memory (see the class comment).
     */
    public long freeBytes(MemoryContext memory) {
        long others = root.getAllocatedMemory() - memory.bytes();
        long free = Math.max(0, root.getLimit() - Math.max(0, others));
        return free / Math.max(1, Math.max(root.getChildAllocators().size(), sharers.getAsInt()));
    }

    /** Whether an operator holding {@code heldBytes} should split and spill now. */
    public boolean shouldSpill(long heldBytes, MemoryContext memory) {
        return heldBytes > freeBytes(memory) / SPILL_SHARE;
    }

    /**
     * Whether an operator holding {@code heldBytes} of built state it cannot spill while it streams (a hash
     * table being probed) would leave its input and output less than half of what is free to it.
     */
    public boolean tooLargeToProbe(long heldBytes, MemoryContext memory) {
        return heldBytes > freeBytes(memory) / PROBE_SHARE;
    }

    /** Whether {@code heldBytes} of rows are too many to build in memory at all. */
    public boolean cannotBuild(long heldBytes, MemoryContext memory) {
        return heldBytes > freeBytes(memory) / FIT_SHARE;
    }
}
