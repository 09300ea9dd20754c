package dev.ember.exec.join;

import static java.util.Objects.requireNonNull;

import dev.ember.columnar.ArrowBatches;
import dev.ember.columnar.ArrowTypes;
import dev.ember.device.Device;
import dev.ember.exec.aggregate.ExpressionColumns;
import dev.ember.exec.spill.SpillFiles;
import dev.ember.exec.spill.SpillLock;
import dev.ember.exec.spill.SpillWriter;
import dev.ember.exec.spill.SpilledPart;
import dev.ember.memory.MemoryContext;
import dev.ember.memory.MemoryManager;
import dev.ember.memory.Spillable;
import java.io.File;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.locks.ReentrantLock;
import org.apache.arrow.vector.FieldVector;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.vectorized.ColumnarBatch;

/**
 * The build side's batches as they arrive, shared (not copied) into an operator's memory context, until
 * they are either concatenated for an in-memory build or handed, part by part, to a spill.
 *
 * <p>Made {@link #spillable}, the held rows are registered with the memory manager: when an allocation
 * anywhere under Ember's limit fails, {@link #spill} may write every part still held, as it is, to one
 * spill file (no Arrow memory needed) and release it; the owner then finds those rows in
 * {@link #takeSpilled} and must no longer build in memory ({@link #hasSpilled}). {@link #keepInMemory}
 * ends that before an in-memory build reads the rows.
 *
 * <p>Owns its parts and spilled files' entries; close releases the parts still held and unregisters.
 * Threading: the owning task's thread calls every method but {@link #spill}, which any thread may call;
 * one lock guards the parts, so a spill happens only between the owner's calls.
 */
final class HeldRows implements AutoCloseable, Spillable {

    private final MemoryContext memory;
    private final SpillFiles files;
    private final ReentrantLock lock = new ReentrantLock();
    private final Deque<Part> parts = new ArrayDeque<>();
    private final List<SpilledPart> spilled = new ArrayList<>();
    private long rowCount;
    private volatile MemoryManager.Registration registration;

    /** One arrived batch: its shared columns and row count. */
    record Part(List<FieldVector> columns, int rows) {}

    private HeldRows(MemoryContext memory, SpillFiles files) {
        this.memory = requireNonNull(memory, "memory is null");
        this.files = files;
    }

    /** Held rows that stay in memory until the owner hands them on. */
    static HeldRows inMemory(MemoryContext memory) {
        return new HeldRows(memory, null);
    }

    /** Held rows that the memory manager may spill to {@code files} (a registry of the calling task). */
    static HeldRows spillable(MemoryContext memory, SpillFiles files) {
        HeldRows held = new HeldRows(memory, requireNonNull(files, "files is null"));
        held.registration = memory.manager().register(held);
        return held;
    }

    /** Shares the batch's columns into the memory context; the batch itself stays with its producer. */
    void add(ColumnarBatch batch) {
        List<FieldVector> vectors = ArrowBatches.vectors(batch);
        List<FieldVector> shared = new ArrayList<>(vectors.size());
        lock.lock();
        try {
            memory.run(() -> {
                for (FieldVector vector : vectors) {
                    shared.add(ExpressionColumns.share(vector, memory.allocator()));
                }
                return shared;
            });
            parts.addLast(new Part(shared, batch.numRows()));
            rowCount += batch.numRows();
        } catch (RuntimeException e) {
            ArrowBatches.closeAll(shared);
            throw e;
        } finally {
            lock.unlock();
        }
    }

    /** Rows added so far, in memory or spilled. */
    long rowCount() {
        return rowCount;
    }

    /** Bytes the held rows take, as the memory context counts them. */
    long bytes() {
        return memory.bytes();
    }

    /** Whether some rows were spilled on the memory manager's request. */
    boolean hasSpilled() {
        lock.lock();
        try {
            return !spilled.isEmpty();
        } finally {
            lock.unlock();
        }
    }

    /**
     * Stops spills on request, so that the rows can be read for an in-memory build; returns false (and
     * changes nothing) when some were spilled already.
     */
    boolean keepInMemory() {
        lock.lock();
        try {
            if (!spilled.isEmpty()) {
                return false;
            }
            unregister();
            return true;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Replaces the held parts by one concatenated part and lends its columns (this object keeps them).
     * Call {@link #keepInMemory} first.
     *
     * @throws MemoryContext.LimitExceededException when the copy does not fit; the parts stay held
     * @throws IllegalStateException when the rows exceed one batch's {@code int} row count
     */
    List<FieldVector> concatenate(List<DataType> types, Device device) {
        if (rowCount > Integer.MAX_VALUE) {
            throw new IllegalStateException("one partition holds more than " + Integer.MAX_VALUE
                    + " build rows; raise spark.sql.shuffle.partitions");
        }
        if (registration != null) {
            throw new IllegalStateException("held rows may still be spilled; call keepInMemory first");
        }
        if (parts.size() == 1) {
            return parts.peekFirst().columns();
        }
        boolean madeTemplate = parts.isEmpty();
        List<FieldVector> template = madeTemplate ? memory.run(() -> emptyColumns(types)) : parts.peekFirst().columns();
        List<FieldVector> joined;
        try {
            List<List<FieldVector>> all = new ArrayList<>(parts.size());
            parts.forEach(part -> all.add(part.columns()));
            joined = memory.run(() -> device.concatenate(all, template, memory.allocator()));
        } finally {
            if (madeTemplate) {
                ArrowBatches.closeAll(template);
            }
        }
        // the old parts are released only once the copy exists
        closeParts();
        parts.addLast(new Part(joined, (int) rowCount));
        return joined;
    }

    /** Hands the oldest part still in memory to the caller (who closes its columns), or null when none is left. */
    Part poll() {
        lock.lock();
        try {
            return parts.pollFirst();
        } finally {
            lock.unlock();
        }
    }

    /**
     * Hands the files of the rows spilled on request to the caller (who deletes them) and stops further
     * spills on request. Call it once no part is left in memory.
     */
    List<SpilledPart> takeSpilled() {
        lock.lock();
        try {
            unregister();
            List<SpilledPart> taken = List.copyOf(spilled);
            spilled.clear();
            return taken;
        } finally {
            lock.unlock();
        }
    }

    @Override
    public String name() {
        return "EmberShuffledHashJoinExec build side";
    }

    @Override
    public long spillableBytes() {
        // read without the lock: an estimate for ordering requests
        return registration == null || parts.isEmpty() ? 0 : memory.bytes();
    }

    /** Writes every part still in memory to one spill file and releases them; see the class comment. */
    @Override
    public long spill(long bytes) {
        if (!SpillLock.tryAcquire(lock)) {
            return 0;
        }
        try {
            if (registration == null || parts.isEmpty()) {
                return 0;
            }
            long before = memory.bytes();
            File file = files.newFile();
            long rows = 0;
            try (SpillWriter writer = new SpillWriter(file)) {
                for (Part part : parts) {
                    writer.write(part.columns(), part.rows());
                    rows += part.rows();
                }
                writer.finish();
                spilled.add(writer.part());
            } catch (RuntimeException e) {
                files.delete(file);
                throw e;
            }
            closeParts();
            return Math.max(0, before - memory.bytes());
        } finally {
            lock.unlock();
        }
    }

    /** Empty columns of {@code types}; when an allocation fails, those made so far are closed. */
    private List<FieldVector> emptyColumns(List<DataType> types) {
        List<FieldVector> empty = new ArrayList<>(types.size());
        try {
            for (int i = 0; i < types.size(); i++) {
                FieldVector vector = ArrowTypes.newVector("c" + i, types.get(i), memory.allocator());
                empty.add(vector);
                vector.allocateNew();
                vector.setValueCount(0);
            }
            return empty;
        } catch (RuntimeException e) {
            ArrowBatches.closeAll(empty);
            throw e;
        }
    }

    private void closeParts() {
        while (!parts.isEmpty()) {
            ArrowBatches.closeAll(parts.pollFirst().columns());
        }
    }

    private void unregister() {
        if (registration != null) {
            registration.close();
            registration = null;
        }
    }

    /** Unregisters and releases the parts still held; spilled files stay with their registry. */
    @Override
    public void close() {
        lock.lock();
        try {
            unregister();
            closeParts();
        } finally {
            lock.unlock();
        }
    }
}
