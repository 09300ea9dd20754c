package dev.ember.exec.spill;

import static java.util.Objects.requireNonNull;

import dev.ember.columnar.ArrowBatches;
import dev.ember.config.EmberConf;
import dev.ember.device.Device;
import dev.ember.memory.MemoryContext;
import dev.ember.memory.MemoryManager;
import dev.ember.memory.Spillable;
import java.io.File;
import java.io.Serializable;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.locks.ReentrantLock;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.IntVector;
import org.apache.spark.sql.vectorized.ColumnarBatch;

/**
 * Sorts one partition's rows, in memory when they fit and otherwise as an external sort: sorted runs
 * written to spill files and merged ({@link RunMerge}), in Spark's order and stable (rows with equal keys
 * keep their input order, as in the in-memory sort).
 *
 * <p>Rows arrive with {@link #add}; the batches are shared (not copied) and held. When the held rows
 * outgrow their share of Ember's memory limit ({@link BuildBudget}) or the limit refuses them, they are
 * sorted and written as one run; a run whose sort itself does not fit is split in two (by batches) and
 * each half sorted alone, down to one batch. When the {@link MemoryManager} asks (this sort is a
 * registered {@link Spillable} until {@link #finish}), the held batches are written as they are, unsorted
 * (sorting would need memory that is short); the owner reads that file back before its next batch and
 * sorts it into runs like any input, so runs stay in input order. {@link #finish} sorts in memory when
 * nothing was written, else writes the rest as runs, merges the first {@link Settings#mergeWidth()} runs
 * into one as long as there are more, and then merges the rest while the output is read.
 *
 * <p>Threading: the owning task's thread calls every method but {@link #spill}; a lock guards the held
 * rows. Owns the held rows, the in-memory result and the merge; spill files belong to the {@link SpillFiles}
 * registry. Output batches belong to the caller.
 */
public final class ExternalSort implements Spillable, AutoCloseable {
    /** Rows per batch of a run at least, so that a merge makes progress in reasonable steps. */
    private static final int MIN_RUN_BATCH_ROWS = 64;

    /**
     * How a sort may spill.
     *
     * @param enabled whether it may write runs at all ({@code spark.ember.sort.spill.enabled})
     * @param mergeWidth how many runs one merge reads at once ({@code spark.ember.sort.spill.mergeWidth})
     */
    public record Settings(boolean enabled, int mergeWidth) implements Serializable {
        public Settings {
            if (mergeWidth < 2) {
                throw new IllegalArgumentException("a merge needs at least 2 runs: " + mergeWidth);
            }
        }

        public static Settings of(EmberConf conf) {
            return new Settings(conf.get(EmberConf.SORT_SPILL_ENABLED), conf.get(EmberConf.SORT_SPILL_MERGE_WIDTH));
        }
    }

    /** The sort key columns of rows. */
    @FunctionalInterface
    public interface Keys {
        /** The key columns over {@code rowCount} rows of {@code columns}; new vectors owned by the caller. */
        List<FieldVector> evaluate(List<FieldVector> columns, int rowCount, BufferAllocator allocator);
    }

    private record Held(List<FieldVector> columns, int rows) {}

    /** A file of rows written unsorted on request, and its reader once the owner reads it back. */
    private static final class Unsorted {
        final SpilledPart part;
        SpillReader reader;

        Unsorted(SpilledPart part) {
            this.part = part;
        }
    }

    private final String name;
    private final Keys keys;
    private final List<Device.SortKey> directions;
    private final Settings settings;
    private final int maxRows;
    private final BuildBudget budget;
    private final Device device;
    private final MemoryContext memory;
    private final SpillFiles files;
    private final SpillMetrics metrics;
    private final ReentrantLock lock = new ReentrantLock();
    private final Deque<Held> held = new ArrayDeque<>();
    /** Held rows written unsorted on request, oldest rows first; read back before the next input batch. */
    private final Deque<Unsorted> unsorted = new ArrayDeque<>();
    private final List<SpilledPart> runs = new ArrayList<>();
    private volatile MemoryManager.Registration registration;
    private List<FieldVector> inMemory;
    private IntVector inMemoryOrder;
    private SortedOutput inMemoryOutput;
    private RunMerge merge;
    private boolean finished;

    /**
     * A sort of rows by {@code keys} (bound to those rows) in {@code directions}. Call in
     * the owning task's thread: it registers with that task's memory manager.
     *
     * @param name the operator, for logs and errors
     */
    public ExternalSort(String name, Keys keys, List<Device.SortKey> directions, Settings settings, int maxRows, BuildBudget budget, Device device, MemoryContext memory, SpillFiles files,
            SpillMetrics metrics) {
        this.name = requireNonNull(name, "name is null");
        this.keys = requireNonNull(keys, "keys is null");
        this.directions = List.copyOf(directions);
        this.settings = requireNonNull(settings, "settings is null");
        this.maxRows = maxRows;
        this.budget = requireNonNull(budget, "budget is null");
        this.device = requireNonNull(device, "device is null");
        this.memory = requireNonNull(memory, "memory is null");
        this.files = requireNonNull(files, "files is null");
        this.metrics = requireNonNull(metrics, "metrics is null");
        if (settings.enabled()) {
            registration = memory.manager().register(this);
        }
    }

    /** Adds a batch's rows; the batch stays with its producer (its columns are shared). */
    public void add(ColumnarBatch batch) {
        // under the lock throughout: a spill on request between reading back and adding would reorder rows
        lock.lock();
        try {
            absorbUnsorted();
            addHeld(ArrowBatches.vectors(batch), batch.numRows());
        } finally {
            lock.unlock();
        }
    }

    /** Shares rows into the held batches, writing runs when they outgrow their share. Holds the lock. */
    private void addHeld(List<FieldVector> vectors, int rows) {
        if (rows == 0) {
            return;
        }
        List<FieldVector> shared;
        try {
            shared = memory.run(() -> share(vectors, rows));
        } catch (MemoryContext.LimitExceededException e) {
            if (!settings.enabled() || held.isEmpty()) {
                throw tooLarge(e);
            }
            writeRuns(drainHeld());
            shared = memory.run(() -> share(vectors, rows));
        }
        held.addLast(new Held(shared, rows));
        if (settings.enabled() && budget.shouldSpill(memory.bytes(), memory)) {
            writeRuns(drainHeld());
        } else if (!settings.enabled() && budget.cannotBuild(memory.bytes(), memory)) {
            // sorting in memory needs about as much again: fail while the limit still leaves room for others
            throw tooLarge(memory.limitExceeded(0, null));
        }
    }

    private List<Held> drainHeld() {
        List<Held> batches = List.copyOf(held);
        held.clear();
        return batches;
    }

    private List<FieldVector> share(List<FieldVector> vectors, int rows) {
        List<FieldVector> shared = new ArrayList<>(vectors.size());
        try {
            for (FieldVector vector : vectors) {
                shared.add(ArrowBatches.slice(vector, 0, rows, memory.allocator()));
            }
            return shared;
        } catch (RuntimeException e) {
            ArrowBatches.closeAll(shared);
            throw e;
        }
    }

    /**
     * Reads the rows written unsorted on request back into the held rows, the front file first (it holds
     * the oldest rows). Holds the lock, so no spill on request comes between reading and adding a batch.
     */
    private void absorbUnsorted() {
        while (!unsorted.isEmpty()) {
            Unsorted front = unsorted.peekFirst();
            if (front.reader == null) {
                front.reader = new SpillReader(front.part, memory);
            }
            if (!front.reader.hasNext()) {
                front.reader.close();
                unsorted.pollFirst();
                files.delete(front.part.file());
                continue;
            }
            ColumnarBatch batch = front.reader.next();
            addHeld(ArrowBatches.vectors(batch), batch.numRows());
        }
    }

    /**
     * Sorts the given batches and writes them as one run; when that sort does not fit, each half alone,
     * down to single batches. Takes ownership of the batches: they are closed, also on failure.
     */
    private void writeRuns(List<Held> batches) {
        boolean split = false;
        try {
            writeRun(batches);
        } catch (MemoryContext.LimitExceededException e) {
            if (batches.size() == 1) {
                throw tooLarge(e);
            }
            split = true;
        } finally {
            if (!split) {
                batches.forEach(batch -> ArrowBatches.closeAll(batch.columns()));
            }
        }
        if (split) {
            int half = batches.size() / 2;
            try {
                writeRuns(batches.subList(0, half));
            } catch (RuntimeException e) {
                batches.subList(half, batches.size()).forEach(batch -> ArrowBatches.closeAll(batch.columns()));
                throw e;
            }
            writeRuns(batches.subList(half, batches.size()));
        }
    }

    /**
     * Sorts the batches together and writes them as one run; leaves the batches open. Writing a run is
     * this sort's spill: it may use the memory kept for spills (MemoryManager.reserveForSpills).
     */
    private void writeRun(List<Held> batches) {
        try (MemoryManager.SpillScope scope = memory.spilling()) {
            writeRunInScope(batches);
        }
    }

    private void writeRunInScope(List<Held> batches) {
        List<List<FieldVector>> parts = new ArrayList<>(batches.size());
        long rows = 0;
        for (Held batch : batches) {
            parts.add(batch.columns());
            rows += batch.rows();
        }
        int rowCount = Math.toIntExact(rows);
        long heldBytes = memory.bytes();
        List<FieldVector> all = parts.size() == 1 ? parts.get(0)
                : memory.run(() -> device.concatenate(parts, parts.get(0), memory.allocator()));
        try {
            IntVector order = sortedOrder(all, rowCount);
            try (IntVector positions = order) {
                writeSorted(all, positions, runBatchRows(heldBytes, rowCount));
            }
        } finally {
            if (all != parts.get(0)) {
                ArrowBatches.closeAll(all);
            }
        }
    }

    private IntVector sortedOrder(List<FieldVector> columns, int rowCount) {
        List<FieldVector> keyColumns = memory.run(() -> keys.evaluate(columns, rowCount, memory.allocator()));
        try {
            return memory.run(() -> device.sortIndices(keyColumns, directions, rowCount, -1, memory.allocator()));
        } finally {
            ArrowBatches.closeAll(keyColumns);
        }
    }

    /**
     * Rows per batch of a run: small enough that a merge of {@code mergeWidth} runs, one batch each plus
     * its sorted copy, fits in a quarter of what is free now.
     */
    private int runBatchRows(long heldBytes, int rowCount) {
        long rowBytes = Math.max(1, heldBytes / Math.max(1, rowCount));
        long free = budget.freeBytes(memory) / 4;
        long rows = free / ((long) settings.mergeWidth() * 3 * rowBytes);
        return (int) Math.max(MIN_RUN_BATCH_ROWS, Math.min(maxRows, rows));
    }

    private void writeSorted(List<FieldVector> columns, IntVector order, int batchRows) {
        SortedOutput output = new SortedOutput(columns, order, batchRows);
        File file = files.newFile();
        try (SpillWriter writer = new SpillWriter(file)) {
            memory.setHeapBytes(SpillWriter.BUFFER_BYTES);
            for (ColumnarBatch batch = memory.run(() -> output.next(device, memory.allocator())); batch != null;
                    batch = memory.run(() -> output.next(device, memory.allocator()))) {
                try {
                    writer.write(ArrowBatches.vectors(batch), batch.numRows());
                } finally {
                    batch.close();
                }
            }
            writer.finish();
            SpilledPart run = writer.part();
            runs.add(run);
            metrics.count(run);
        } catch (RuntimeException e) {
            files.delete(file);
            throw e;
        } finally {
            memory.setHeapBytes(0);
        }
    }

    /**
     * Ends the input: no more spills on request. Sorts in memory when no run was written, else writes
     * the rest as runs and prepares the merge. The sorted rows then come from {@link #next}.
     */
    public void finish() {
        lock.lock();
        try {
            absorbUnsorted();
            unregister();
            finished = true;
            if (runs.isEmpty()) {
                try {
                    sortInMemory();
                    return;
                } catch (MemoryContext.LimitExceededException e) {
                    if (!settings.enabled() || held.isEmpty()) {
                        throw tooLarge(e);
                    }
                    // the held rows are intact: write them as runs instead
                }
            }
            if (!held.isEmpty()) {
                writeRuns(drainHeld());
            }
            while (runs.size() > settings.mergeWidth()) {
                mergeFirstRuns();
            }
            merge = new RunMerge(runs, keys, directions, maxRows, device, memory);
        } finally {
            lock.unlock();
        }
    }

    private void sortInMemory() {
        List<List<FieldVector>> parts = new ArrayList<>();
        int total = 0;
        for (Held batch : held) {
            parts.add(batch.columns());
            total = Math.addExact(total, batch.rows());
        }
        if (parts.isEmpty()) {
            // no rows: no output batch
            return;
        }
        int rowCount = total;
        List<FieldVector> rows = parts.size() == 1 ? memory.run(() -> share(parts.get(0), rowCount))
                : memory.run(() -> device.concatenate(parts, parts.get(0), memory.allocator()));
        IntVector order;
        try {
            order = sortedOrder(rows, rowCount);
        } catch (RuntimeException e) {
            // the held batches stay whole for runs
            ArrowBatches.closeAll(rows);
            throw e;
        }
        drainHeld().forEach(batch -> ArrowBatches.closeAll(batch.columns()));
        inMemory = rows;
        inMemoryOrder = order;
        inMemoryOutput = new SortedOutput(rows, order, maxRows);
    }

    /** Merges the first {@code mergeWidth} runs into one run in their place (runs stay in input order). */
    private void mergeFirstRuns() {
        List<SpilledPart> first = List.copyOf(runs.subList(0, settings.mergeWidth()));
        File file = files.newFile();
        SpilledPart merged;
        try (RunMerge pass = new RunMerge(first, keys, directions, maxRows, device, memory);
                SpillWriter writer = new SpillWriter(file)) {
            memory.setHeapBytes(SpillWriter.BUFFER_BYTES);
            for (ColumnarBatch batch = pass.next(memory.allocator()); batch != null;
                    batch = pass.next(memory.allocator())) {
                try {
                    writer.write(ArrowBatches.vectors(batch), batch.numRows());
                } finally {
                    batch.close();
                }
            }
            writer.finish();
            merged = writer.part();
        } catch (RuntimeException e) {
            files.delete(file);
            throw e;
        } finally {
            memory.setHeapBytes(0);
        }
        metrics.count(merged);
        first.forEach(run -> files.delete(run.file()));
        runs.subList(0, settings.mergeWidth()).clear();
        runs.add(0, merged);
    }

    /** The next sorted batch, owned by the caller, from {@code allocator}; null at the end. Call {@link #finish} first. */
    public ColumnarBatch next(BufferAllocator allocator) {
        if (inMemoryOutput != null) {
            return inMemoryOutput.next(device, allocator);
        }
        if (merge == null) {
            if (!finished) {
                throw new IllegalStateException("call finish before reading a sort's output");
            }
            return null;
        }
        return merge.next(allocator);
    }

    /** The runs written so far, in input order (for tests that damage them). */
    List<SpilledPart> runs() {
        return List.copyOf(runs);
    }

    /** Whether runs were written to disk. */
    public boolean hasSpilled() {
        return !runs.isEmpty();
    }

    private MemoryContext.LimitExceededException tooLarge(MemoryContext.LimitExceededException e) {
        String advice = settings.enabled()
                ? " One input batch alone could not be sorted; lower spark.ember.batchSizeRows."
                : " Set " + EmberConf.SORT_SPILL_ENABLED.key() + "=true to let the sort spill sorted runs to disk.";
        return new MemoryContext.LimitExceededException(e.getMessage() + advice, e);
    }

    @Override
    public String name() {
        return name + " rows";
    }

    @Override
    public long spillableBytes() {
        return registration == null || held.isEmpty() ? 0 : memory.bytes();
    }

    /** Writes the held batches, unsorted, to one file and releases them; see the class comment. */
    @Override
    public long spill(long bytes) {
        if (!SpillLock.tryAcquire(lock)) {
            return 0;
        }
        try {
            if (registration == null || held.isEmpty()) {
                return 0;
            }
            long before = memory.bytes();
            File file = files.newFile();
            try (SpillWriter writer = new SpillWriter(file)) {
                for (Held batch : held) {
                    writer.write(batch.columns(), batch.rows());
                }
                writer.finish();
                // these rows come before any rest of a file being read back, and before later input
                SpilledPart part = writer.part();
                unsorted.addFirst(new Unsorted(part));
                metrics.count(part);
            } catch (RuntimeException e) {
                files.delete(file);
                throw e;
            }
            held.forEach(batch -> ArrowBatches.closeAll(batch.columns()));
            held.clear();
            return Math.max(0, before - memory.bytes());
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

    @Override
    public void close() {
        lock.lock();
        try {
            unregister();
            held.forEach(batch -> ArrowBatches.closeAll(batch.columns()));
            held.clear();
            for (Unsorted file : unsorted) {
                if (file.reader != null) {
                    file.reader.close();
                }
            }
            unsorted.clear();
            if (merge != null) {
                merge.close();
                merge = null;
            }
            if (inMemoryOrder != null) {
                inMemoryOrder.close();
                inMemoryOrder = null;
            }
            if (inMemory != null) {
                ArrowBatches.closeAll(inMemory);
                inMemory = null;
            }
            inMemoryOutput = null;
        } finally {
            lock.unlock();
        }
    }
}
