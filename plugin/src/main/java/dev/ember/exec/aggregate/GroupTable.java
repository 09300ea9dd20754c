package dev.ember.exec.aggregate;

import static java.util.Objects.requireNonNull;

import dev.ember.columnar.ArrowBatches;
import dev.ember.device.Device;
import dev.ember.device.Device.AggregateOperation;
import dev.ember.exec.spill.BuildBudget;
import dev.ember.exec.spill.PartitionedSpill;
import dev.ember.exec.spill.SpillFiles;
import dev.ember.exec.spill.SpillLock;
import dev.ember.exec.spill.SpillMetrics;
import dev.ember.exec.spill.SpillSettings;
import dev.ember.exec.spill.SpilledPart;
import dev.ember.memory.MemoryContext;
import dev.ember.memory.MemoryManager;
import dev.ember.memory.Spillable;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.ReentrantLock;
import org.apache.arrow.memory.OutOfMemoryException;
import org.apache.arrow.vector.FieldVector;
import org.apache.spark.sql.types.DataType;

/**
 * The groups of one step of a hash aggregation in one task (the input's, or one spilled part's merge),
 * which can be written to disk when memory runs short.
 *
 * <p>A spill writes every group held, in {@link MergeForm}, split by the hash of its keys into
 * {@link SpillSettings#partitions()} files (seed {@link SpillSettings#seedAt} of this step's depth, never
 * Spark's 42), and starts over with no groups. The files of part {@code i} of every spill, in the order
 * the spills happened, hold all states of the keys that hash to {@code i}: {@link #finish} hands them out
 * per part for a merge one level deeper.
 *
 * <p>A spill happens (when this step may spill: spilling enabled, grouping keys present, depth at most
 * {@link SpillSettings#maxDepth()}) when the input's groups (depth 0, at least {@code MIN_SPILL_GROUPS} of
 * them) outgrow their share of the memory limit ({@link BuildBudget}, checked after every added batch,
 * counting on the next batch to grow them as much as the last), when the limit refuses their growth, when the
 * owner asks ({@link #spillNow}), and when the {@link MemoryManager} asks on behalf of any allocation
 * under Ember's limit (this table is a registered {@link Spillable} until {@link #finish}). A step that
 * may not spill fails with Ember's memory error, saying which setting would have helped.
 *
 * <p>Threading: the owning task's thread calls every method but {@link #spill}; a lock guards the groups,
 * so a spill requested from another thread happens only between the owner's calls. Owns its group-by and
 * its registration; the files belong to the {@link SpillFiles} registry.
 */
final class GroupTable implements Spillable, AutoCloseable {
    /** The fewest groups a table must hold before its share of memory makes it spill unasked. */
    private static final int MIN_SPILL_GROUPS = 256;

    private final List<DataType> keyTypes;
    private final List<AggregateOperation> operations;
    private final int depth;
    private final SpillSettings settings;
    private final BuildBudget budget;
    private final Device device;
    private final MemoryContext memory;
    private final SpillFiles files;
    private final SpillMetrics metrics;
    private final ReentrantLock lock = new ReentrantLock();
    private final List<List<SpilledPart>> spills = new ArrayList<>();
    private Device.GroupBy groupBy;
    private volatile MemoryManager.Registration registration;

    /**
     * A table at {@code depth} (0 for the input's groups, d for a part split d times). Call in the owning
     * task's thread: it registers with that task's memory manager.
     */
    GroupTable(List<DataType> keyTypes, List<AggregateOperation> operations, int depth, SpillSettings settings,
            BuildBudget budget, Device device, MemoryContext memory, SpillFiles files, SpillMetrics metrics) {
        this.keyTypes = List.copyOf(keyTypes);
        this.operations = List.copyOf(operations);
        this.depth = depth;
        this.settings = requireNonNull(settings, "settings is null");
        this.budget = requireNonNull(budget, "budget is null");
        this.device = requireNonNull(device, "device is null");
        this.memory = requireNonNull(memory, "memory is null");
        this.files = requireNonNull(files, "files is null");
        this.metrics = requireNonNull(metrics, "metrics is null");
        if (maySpill()) {
            registration = memory.manager().register(this);
        }
    }

    /** Whether this step may write its groups to disk (see the class comment). */
    boolean maySpill() {
        return settings.enabled() && !keyTypes.isEmpty() && depth <= settings.maxDepth();
    }

    /**
     * Folds rows into the groups; the vectors are borrowed. Spills afterwards when the groups outgrow
     * their share of memory.
     *
     * @throws ArithmeticException on an ANSI overflow of a sum
     * @throws MemoryContext.LimitExceededException when the groups do not fit and this step may not spill,
     *     or when the device's group-by ran out of memory in the middle of the rows (its state is then
     *     unknown, so it cannot be spilled)
     */
    void add(List<FieldVector> keys, List<List<FieldVector>> inputs, int rows) {
        lock.lock();
        try {
            if (groupBy == null) {
                groupBy = memory.run(() -> device.newGroupBy(keyTypes, operations, memory.allocator()));
            }
            try {
                groupBy.add(keys, inputs, rows);
            } catch (OutOfMemoryException e) {
                throw tooLarge(memory.limitExceeded(0, e));
            }
            long before = memory.bytes();
            try {
                memory.setHeapBytes(groupBy.heapBytes());
            } catch (MemoryContext.LimitExceededException e) {
                if (!maySpill()) {
                    throw tooLarge(e);
                }
                // the rows were folded in: the groups are whole and can go to disk
                spillLocked();
                return;
            }
            long held = memory.bytes();
            // the next batch may grow the groups as much as this one did (wide aggregations grow fast)
            long expected = held + Math.max(0, held - before);
            // Unasked, only the input's table spills, and only with enough groups: a small table is mostly
            // the group-by's fixed overhead, which a split does not shrink, and a merge whose part was split
            // already would only split again and again. Both still spill when the limit refuses them or the
            // memory manager asks.
            boolean worthSplitting = depth == 0 && groupBy.groupCount() >= MIN_SPILL_GROUPS;
            if (maySpill() && worthSplitting && budget.shouldSpill(expected, memory)) {
                spillLocked();
            } else if (!maySpill() && !keyTypes.isEmpty() && groupBy.groupCount() >= MIN_SPILL_GROUPS
                    && budget.cannotBuild(held, memory)) {
                // fail while the limit still leaves room for others, as a join that may not spill does
                throw tooLarge(memory.limitExceeded(0, null));
            }
        } finally {
            lock.unlock();
        }
    }

    /** Writes the groups held to disk now (when this step may spill and holds any); returns whether it did. */
    boolean spillNow() {
        lock.lock();
        try {
            return maySpill() && spillLocked() > 0;
        } finally {
            lock.unlock();
        }
    }

    /** Whether some groups were written to disk. */
    boolean hasSpilled() {
        return !spills.isEmpty();
    }

    /**
     * Ends the step: no more spills on request. When groups were spilled, the rest are spilled too and
     * the parts returned, each as its files in the order written (empty files are deleted and left out;
     * parts without rows are left out); otherwise null, and {@link #groups} holds every group.
     */
    List<List<SpilledPart>> finish() {
        lock.lock();
        try {
            unregister();
            if (spills.isEmpty()) {
                if (groupBy == null) {
                    // no row came: an empty grouping (one group without keys, as Spark answers)
                    groupBy = memory.run(() -> device.newGroupBy(keyTypes, operations, memory.allocator()));
                }
                return null;
            }
            spillLocked();
            List<List<SpilledPart>> parts = new ArrayList<>(settings.partitions());
            for (int i = 0; i < settings.partitions(); i++) {
                List<SpilledPart> part = new ArrayList<>(spills.size());
                for (List<SpilledPart> spill : spills) {
                    SpilledPart file = spill.get(i);
                    if (file.isEmpty()) {
                        files.delete(file.file());
                    } else {
                        part.add(file);
                    }
                }
                if (!part.isEmpty()) {
                    parts.add(List.copyOf(part));
                }
            }
            spills.clear();
            return parts;
        } finally {
            lock.unlock();
        }
    }

    /** The groups held after {@link #finish} returned null. Lent. */
    Device.GroupBy groups() {
        return groupBy;
    }

    /** Writes every held group to disk, split by key hash, and releases them; returns the bytes freed. */
    private long spillLocked() {
        if (groupBy == null || groupBy.groupCount() == 0) {
            return 0;
        }
        long before = memory.bytes();
        int rows = groupBy.groupCount();
        // the groups' heap state is released below; its reservation pays for the Arrow copy meanwhile, and
        // the spill reserve for what a neighbour took of it in between
        memory.setHeapBytes(0);
        List<FieldVector> columns = List.of();
        try (MemoryManager.SpillScope scope = memory.spilling()) {
            columns = memory.run(() -> MergeForm.export(groupBy, operations, memory.allocator()));
            List<SpilledPart> parts;
            try (PartitionedSpill spill = new PartitionedSpill(files, settings.partitions(),
                    SpillSettings.seedAt(depth), device, memory)) {
                spill.add(columns, columns.subList(0, keyTypes.size()), rows);
                parts = spill.finish();
            }
            metrics.count(parts);
            spills.add(parts);
        } finally {
            // on failure the groups stay whole; their reservation is taken again with the owner's next batch
            ArrowBatches.closeAll(columns);
        }
        groupBy.close();
        groupBy = null;
        return Math.max(0, before - memory.bytes());
    }

    /** The memory error of a step that may not spill, saying what would have let it. */
    private MemoryContext.LimitExceededException tooLarge(MemoryContext.LimitExceededException e) {
        String advice;
        if (keyTypes.isEmpty()) {
            advice = " An aggregation without grouping keys holds one group and cannot spill.";
        } else if (!settings.enabled()) {
            advice = " Set spark.ember.aggregate.spill.enabled=true to let the aggregation spill its groups to disk.";
        } else if (depth > settings.maxDepth()) {
            advice = " The aggregation had split its groups " + depth + " time(s) (spark.ember.aggregate.spill.maxDepth)"
                    + " and one part's groups still do not fit.";
        } else {
            advice = " The aggregation's group-by ran out of memory in the middle of a batch, when its groups cannot"
                    + " be spilled.";
        }
        return new MemoryContext.LimitExceededException(e.getMessage() + advice, e);
    }

    @Override
    public String name() {
        return "EmberHashAggregateExec groups";
    }

    @Override
    public long spillableBytes() {
        // read without the lock: an estimate for ordering requests
        return registration == null || groupBy == null ? 0 : memory.bytes();
    }

    @Override
    public long spill(long bytes) {
        if (!SpillLock.tryAcquire(lock)) {
            return 0;
        }
        try {
            return registration == null ? 0 : spillLocked();
        } finally {
            lock.unlock();
        }
    }

    private void unregister() {
        MemoryManager.Registration current = registration;
        if (current != null) {
            current.close();
            registration = null;
        }
    }

    /** Unregisters and releases the groups held; spilled files stay with their registry. */
    @Override
    public void close() {
        lock.lock();
        try {
            unregister();
            if (groupBy != null) {
                groupBy.close();
                groupBy = null;
            }
            memory.setHeapBytes(0);
        } finally {
            lock.unlock();
        }
    }
}
