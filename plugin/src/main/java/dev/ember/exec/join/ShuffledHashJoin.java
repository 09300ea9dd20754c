package dev.ember.exec.join;

import static java.util.Objects.requireNonNull;

import dev.ember.config.EmberConf;
import dev.ember.device.Device;
import dev.ember.exec.BatchIterator;
import dev.ember.exec.spill.BuildBudget;
import dev.ember.exec.spill.SpillFiles;
import dev.ember.exec.spill.SpillSettings;
import dev.ember.memory.MemoryContext;
import java.util.List;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.FieldVector;
import org.apache.spark.sql.vectorized.ColumnarBatch;
import scala.collection.Iterator;

/**
 * One task of {@link EmberShuffledHashJoinExec}: reads the build side, then joins in memory when it fits,
 * else (with spilling enabled) hands everything to a {@link GraceHashJoin}. Without spilling, a build side
 * that cannot fit fails with the clear error naming the memory limit.
 *
 * <p>Memory pressure from neighbours: with spilling enabled the held build side is a
 * {@link dev.ember.memory.Spillable} of the task while it arrives, so an allocation that fails anywhere
 * under Ember's limit (in this task or another) can make it spill instead of failing; the join then
 * continues as a grace hash join. A failure inside the join's own steps likewise first asks the other
 * consumers for memory (see {@link dev.ember.memory.MemoryManager}) and fails only when nothing can be
 * freed. The {@link BuildBudget} only decides when to spill unasked.
 *
 * <p>Used by the task's thread; the returned source owns every resource it took.
 */
final class ShuffledHashJoin {
    private ShuffledHashJoin() {}

    /**
     * Opens the join of one partition.
     *
     * @param allocator the task's allocator: the join's memory context is its child, output batches come from it
     * @param budget when the held build side should spill, judged against the limit {@code allocator} is under
     */
    static BatchIterator.Source open(JoinSpec spec, JoinSetup setup, SpillSettings settings,
            Iterator<ColumnarBatch> build, Iterator<ColumnarBatch> stream, Device device, BufferAllocator allocator,
            BuildBudget budget) {
        requireNonNull(spec, "spec is null");
        requireNonNull(budget, "budget is null");
        MemoryContext memory = new MemoryContext("EmberShuffledHashJoinExec", allocator);
        // made in the task's thread: the manager may spill the held rows from another task's thread
        SpillFiles files = SpillFiles.forTask();
        HeldRows held = settings.enabled() ? HeldRows.spillable(memory, files) : HeldRows.inMemory(memory);
        boolean handedOver = false;
        try {
            boolean mustSpill = collect(held, build, settings, budget, memory);
            if (!mustSpill && held.keepInMemory()) {
                try {
                    JoinStream joined = joinInMemory(spec, setup, held, stream, device, allocator, memory, files,
                            settings.enabled() ? budget : null);
                    handedOver = true;
                    return joined;
                } catch (MemoryContext.LimitExceededException e) {
                    if (!settings.enabled()) {
                        throw e;
                    }
                    // the held rows are intact: spill them instead
                }
            }
            handedOver = true;
            GraceHashJoin.Context context = new GraceHashJoin.Context(spec, setup, settings, budget, device,
                    allocator, memory);
            return GraceHashJoin.start(context, files, held, build, stream);
        } finally {
            if (!handedOver) {
                try (SpillFiles spillFiles = files; MemoryContext context = memory) {
                    held.close();
                }
            }
        }
    }

    /**
     * Shares build batches into {@code held} until the input ends (returns false) or, with spilling
     * enabled, the held rows outgrow their share of the memory limit or the memory manager spilled some of
     * them to serve another allocation (returns true; the rest of the input is left unread).
     */
    private static boolean collect(HeldRows held, Iterator<ColumnarBatch> build, SpillSettings settings,
            BuildBudget budget, MemoryContext memory) {
        while (build.hasNext()) {
            ColumnarBatch batch = build.next();
            if (batch.numRows() == 0) {
                continue;
            }
            held.add(batch);
            long bytes = held.bytes();
            if (settings.enabled() && (held.hasSpilled() || budget.shouldSpill(bytes, memory))) {
                return true;
            }
            if (!settings.enabled() && budget.cannotBuild(bytes, memory)) {
                throw new MemoryContext.LimitExceededException(memory.limitExceeded(bytes, null).getMessage()
                        + " The build side alone holds " + bytes + " bytes in " + held.rowCount() + " rows so far;"
                        + " set " + EmberConf.JOIN_SPILL_ENABLED.key() + "=true to let the join spill to disk"
                        + " instead.", null);
            }
        }
        return false;
    }

    /**
     * Builds the table over the held rows and returns the probe; with a {@code budget} (spilling enabled),
     * throws {@link MemoryContext.LimitExceededException}, rows intact, when the built table leaves the probe
     * less than half of the memory free to the task.
     */
    private static JoinStream joinInMemory(JoinSpec spec, JoinSetup setup, HeldRows held,
            Iterator<ColumnarBatch> stream, Device device, BufferAllocator allocator, MemoryContext memory,
            SpillFiles files, BuildBudget budget) {
        long start = System.nanoTime();
        List<FieldVector> columns = held.concatenate(setup.buildTypes(), device);
        int rowCount = (int) held.rowCount();
        // the held rows stay with the caller until the join owns them: a failure below may still spill them
        BuildTable side = memory.run(() -> BuildTable.build(columns, rowCount, () -> { }, spec.buildKeys(), device,
                memory.allocator()));
        try {
            memory.setHeapBytes(side.tableBytes());
            // The decision to build was made on the held rows; the table, the key columns and the copy make
            // the real footprint, known only now. A table being probed cannot spill, and the probe still reads
            // stream batches and writes output: one that took most of the task's share left its own stream
            // side (or the operator above) without memory (the pressure test, seed 5000001: a join held 1.1 of
            // 2 MiB, and the aggregation above it could not get 8 KiB). Spill the rows instead, as a grace hash
            // join, whose parts are a fraction of the size.
            if (budget != null && budget.tooLargeToProbe(memory.bytes(), memory)) {
                throw memory.limitExceeded(0, null);
            }
        } catch (RuntimeException e) {
            side.close();
            throw e;
        }
        setup.buildRows().add(side.rowCount());
        setup.metrics().operatorTime().add(System.nanoTime() - start);
        return new JoinStream(spec, side, stream, setup.streamTypes(), setup.maxRows(), setup.metrics(), device,
                allocator, () -> {
                    setup.peak().add(memory.peakBytes());
                    try (SpillFiles spillFiles = files; MemoryContext context = memory; HeldRows rows = held) {
                        side.close();
                    }
                });
    }
}
